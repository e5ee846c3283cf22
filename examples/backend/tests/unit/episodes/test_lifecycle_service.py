from __future__ import annotations

import sqlite3
from collections.abc import Callable

from core.episodes.lifecycle_service import (
    DAY,
    archive_stale,
    decay,
    purge_archived,
    restore,
)
from core.episodes.segmentation_service import Event, Segment, store_segments

NOW = 1_700_000_000.0


def remember(db: sqlite3.Connection, agent: int, *, ended: float) -> int:
    return store_segments(db, agent, [Segment([Event(ended, "note", "x")])])[0]


def importance(db: sqlite3.Connection, episode: int) -> float:
    row = db.execute("SELECT importance FROM episodes WHERE id = ?", (episode,))
    return float(row.fetchone()[0])


def status(db: sqlite3.Connection, episode: int) -> str:
    row = db.execute("SELECT status FROM episodes WHERE id = ?", (episode,))
    return str(row.fetchone()[0])


def test_decay_skips_recent_episodes(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    recent = remember(db, agent, ended=NOW - 3600)
    old = remember(db, agent, ended=NOW - 30 * DAY)
    assert decay(db, now=NOW) == 1
    assert importance(db, recent) == 0.2
    assert importance(db, old) == 0.1


def test_decay_stops_at_the_floor(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    episode = remember(db, make_agent(), ended=NOW - 400 * DAY)
    assert decay(db, now=NOW) == 1
    assert importance(db, episode) == 0.05
    assert decay(db, now=NOW) == 0


def test_archive_restore_and_purge(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    stale = remember(db, agent, ended=NOW - 400 * DAY)
    fresh = remember(db, agent, ended=NOW)
    decay(db, now=NOW)
    assert archive_stale(db, now=NOW) == 1
    assert (status(db, stale), status(db, fresh)) == ("archived", "active")
    assert restore(db, stale, now=NOW) is True
    assert restore(db, stale, now=NOW) is False
    archive_stale(db, now=NOW + 31 * DAY)
    assert purge_archived(db, now=NOW) == 1
    assert db.execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 1
