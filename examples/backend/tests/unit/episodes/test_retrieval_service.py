from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.episodes.retrieval_service import (
    DAY,
    get_episode,
    recency_weight,
    search,
)
from core.episodes.segmentation_service import Event, Segment, store_segments

NOW = 1_700_000_000.0


def remember(
    db: sqlite3.Connection, agent: int, text: str, *, ended: float, kind: str = "note"
) -> int:
    return store_segments(db, agent, [Segment([Event(ended, kind, text)])])[0]


def test_recency_weight_halves_every_half_life() -> None:
    assert recency_weight(NOW, NOW) == 1.0
    assert recency_weight(NOW + DAY, NOW) == 1.0
    assert recency_weight(NOW - 7 * DAY, NOW) == pytest.approx(0.5)


def test_keyword_search_ranks_by_hits_and_recency(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    old = remember(db, agent, "refund refund for order 17", ended=NOW - 14 * DAY)
    new = remember(db, agent, "refund issued", ended=NOW - DAY)
    remember(db, agent, "shipping delay", ended=NOW)
    results = search(db, agent, "refund", now=NOW)
    assert [r["id"] for r in results] == [new, old]


def test_empty_query_returns_everything_up_to_limit(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    for offset in range(4):
        remember(db, agent, f"note {offset}", ended=NOW - offset * DAY)
    assert len(search(db, agent, now=NOW, limit=3)) == 3


def test_search_marks_results_accessed(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    episode = remember(db, agent, "password reset", ended=NOW)
    search(db, agent, "password", now=NOW + 5)
    stored = get_episode(db, episode)
    assert stored is not None
    assert (stored["access_count"], stored["last_accessed"]) == (1, NOW + 5)
    assert get_episode(db, 999) is None


def test_limit_must_be_positive(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="limit"):
        search(db, 1, now=NOW, limit=0)
