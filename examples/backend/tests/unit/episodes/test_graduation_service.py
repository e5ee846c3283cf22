from __future__ import annotations

import sqlite3
from collections.abc import Callable

from core.episodes.graduation_service import (
    EpisodeStats,
    episode_stats,
    graduation_gaps,
    is_ready,
)
from core.episodes.segmentation_service import Event, Segment, store_segments

NOW = 1_700_000_000.0


def record(db: sqlite3.Connection, agent: int, outcome: str | None, n: int) -> None:
    segments = [Segment([Event(NOW + i, "task", "done")]) for i in range(n)]
    store_segments(db, agent, segments, outcome=outcome)


def test_stats_of_an_agent_without_episodes(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    stats = episode_stats(db, make_agent())
    assert stats == EpisodeStats(0, 0, 0, 0.0)
    assert stats.success_rate is None


def test_stats_count_outcomes(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    record(db, agent, "success", 3)
    record(db, agent, "failure", 1)
    record(db, agent, None, 2)
    stats = episode_stats(db, agent)
    assert (stats.total, stats.successes, stats.failures) == (6, 3, 1)
    assert stats.success_rate == 0.75


def test_gaps_for_a_student() -> None:
    assert graduation_gaps(EpisodeStats(4, 1, 3, 0.2), "STUDENT") == [
        "4/10 episodes",
        "success rate 25% < 60%",
    ]
    assert graduation_gaps(EpisodeStats(12, 0, 0, 0.2), "STUDENT") == ["no judged episodes"]


def test_ready_student(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    record(db, agent, "success", 9)
    assert not is_ready(db, agent, "STUDENT")
    record(db, agent, "failure", 1)
    assert is_ready(db, agent, "STUDENT")
