"""Ageing of episodic memory: decay, archiving, restoring and purging."""

from __future__ import annotations

import sqlite3

DAY = 86_400.0
IMPORTANCE_FLOOR = 0.05


def decay(conn: sqlite3.Connection, *, now: float, half_life_days: float = 30.0) -> int:
    """Lower the importance of active episodes not accessed for a while."""
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    rows = conn.execute(
        "SELECT id, importance, ended_at, last_accessed FROM episodes WHERE status = 'active'"
    ).fetchall()
    updated = 0
    for row in rows:
        last_touch = row["last_accessed"] or row["ended_at"]
        idle_days = (now - last_touch) / DAY
        if idle_days < 1:
            continue
        factor = 0.5 ** (idle_days / half_life_days)
        importance = max(IMPORTANCE_FLOOR, round(row["importance"] * factor, 4))
        if importance != row["importance"]:
            conn.execute(
                "UPDATE episodes SET importance = ? WHERE id = ?",
                (importance, row["id"]),
            )
            updated += 1
    conn.commit()
    return updated


def archive_stale(conn: sqlite3.Connection, *, now: float, min_importance: float = 0.1) -> int:
    """Archive unimportant episodes nobody looked at in the last 30 days."""
    cursor = conn.execute(
        "UPDATE episodes SET status = 'archived' WHERE status = 'active'"
        " AND importance < ? AND COALESCE(last_accessed, ended_at) < ?",
        (min_importance, now - 30 * DAY),
    )
    conn.commit()
    return cursor.rowcount


def restore(conn: sqlite3.Connection, episode_id: int, *, now: float) -> bool:
    """Bring an archived episode back; False if it was not archived."""
    row = conn.execute("SELECT status FROM episodes WHERE id = ?", (episode_id,)).fetchone()
    if row is None:
        raise LookupError(f"unknown episode: {episode_id}")
    if row["status"] != "archived":
        return False
    conn.execute(
        "UPDATE episodes SET status = 'active', last_accessed = ? WHERE id = ?",
        (now, episode_id),
    )
    conn.commit()
    return True


def purge_archived(conn: sqlite3.Connection, *, now: float, retention_days: float = 365.0) -> int:
    cursor = conn.execute(
        "DELETE FROM episodes WHERE status = 'archived' AND ended_at < ?",
        (now - retention_days * DAY,),
    )
    conn.commit()
    return cursor.rowcount
