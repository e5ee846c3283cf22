from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.episodes.segmentation_service import (
    Event,
    Segment,
    segment_events,
    store_segments,
)

T0 = 1_700_000_000.0


def events(*offsets: float, kind: str = "message") -> list[Event]:
    return [Event(T0 + offset, kind, f"event at {offset:g}") for offset in offsets]


def test_gap_starts_a_new_segment() -> None:
    segments = segment_events(events(0, 60, 120, 2000, 2030), gap_seconds=600)
    assert [len(s.events) for s in segments] == [3, 2]


def test_events_are_sorted_first() -> None:
    segments = segment_events(events(120, 0, 60))
    assert [e.timestamp - T0 for e in segments[0].events] == [0, 60, 120]


def test_long_bursts_are_capped() -> None:
    segments = segment_events(events(*range(7)), max_events=3)
    assert [len(s.events) for s in segments] == [3, 3, 1]


def test_no_events_no_segments() -> None:
    assert segment_events([]) == []


@pytest.mark.parametrize(("gap", "cap"), [(0, 10), (60, 0)])
def test_invalid_parameters(gap: float, cap: int) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        segment_events(events(0), gap_seconds=gap, max_events=cap)


def test_title_summary_and_importance() -> None:
    segment = Segment(events(0, 1) + events(2, kind="error"))
    assert segment.title == "message x2"
    assert segment.summary() == "event at 0 | event at 1 | event at 2"
    assert segment.summary(max_chars=12) == "event at ..."
    assert segment.importance() == 0.5
    assert Segment(events(0, kind="escalation") * 3).importance() == 1.0


def test_store_segments(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    segments = segment_events(events(0, 30, 5000), gap_seconds=600)
    ids = store_segments(db, agent, segments, outcome="success")
    rows = db.execute("SELECT id, title, event_count, outcome FROM episodes ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        (ids[0], "message x2", 2, "success"),
        (ids[1], "message", 1, "success"),
    ]
