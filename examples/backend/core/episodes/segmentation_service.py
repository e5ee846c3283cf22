"""Cut an agent's event stream into episodes at gaps in activity."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.database import insert

IMPORTANT_KINDS = {"error": 0.3, "escalation": 0.4, "user_feedback": 0.2}


@dataclass(frozen=True)
class Event:
    timestamp: float
    kind: str
    text: str


@dataclass
class Segment:
    events: list[Event]

    @property
    def title(self) -> str:
        kind, count = Counter(e.kind for e in self.events).most_common(1)[0]
        return f"{kind} x{count}" if count > 1 else kind

    def summary(self, max_chars: int = 200) -> str:
        text = " | ".join(e.text for e in self.events if e.text)
        return text if len(text) <= max_chars else text[: max_chars - 3] + "..."

    def importance(self) -> float:
        """Base 0.2, raised by notable event kinds, capped at 1.0."""
        boost = sum(IMPORTANT_KINDS.get(e.kind, 0.0) for e in self.events)
        return round(min(1.0, 0.2 + boost), 4)


def segment_events(
    events: Iterable[Event], *, gap_seconds: float = 600.0, max_events: int = 50
) -> list[Segment]:
    """Start a new segment after a quiet gap or when one grows too long."""
    if gap_seconds <= 0 or max_events < 1:
        raise ValueError("gap_seconds and max_events must be positive")
    segments: list[Segment] = []
    current: list[Event] = []
    for event in sorted(events, key=lambda e: e.timestamp):
        if current and (
            event.timestamp - current[-1].timestamp > gap_seconds or len(current) >= max_events
        ):
            segments.append(Segment(current))
            current = []
        current.append(event)
    if current:
        segments.append(Segment(current))
    return segments


def store_segments(
    conn: sqlite3.Connection,
    agent_id: int,
    segments: Iterable[Segment],
    *,
    outcome: str | None = None,
) -> list[int]:
    """Persist segments as episodes; returns the new episode ids."""
    if outcome not in (None, "success", "failure"):
        raise ValueError(f"unknown outcome: {outcome!r}")
    return [
        insert(
            conn,
            "INSERT INTO episodes (agent_id, title, summary, started_at, ended_at,"
            " event_count, importance, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                agent_id,
                seg.title,
                seg.summary(),
                seg.events[0].timestamp,
                seg.events[-1].timestamp,
                len(seg.events),
                seg.importance(),
                outcome,
            ),
        )
        for seg in segments
    ]
