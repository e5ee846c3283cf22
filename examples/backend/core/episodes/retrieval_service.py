"""Find the episodes most relevant to a query, favouring recent ones."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

DAY = 86_400.0


def recency_weight(ended_at: float, now: float, half_life_days: float = 7.0) -> float:
    age_days = (now - ended_at) / DAY
    if age_days <= 0:
        return 1.0
    return float(0.5 ** (age_days / half_life_days))


def search(
    conn: sqlite3.Connection,
    agent_id: int,
    query: str = "",
    *,
    now: float,
    limit: int = 5,
    include_archived: bool = False,
) -> list[dict[str, object]]:
    """Rank an agent's episodes by keyword hits, importance and recency."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    sql = "SELECT * FROM episodes WHERE agent_id = ?"
    if not include_archived:
        sql += " AND status = 'active'"
    terms = query.lower().split()
    results: list[dict[str, object]] = []
    for row in conn.execute(sql, (agent_id,)):
        text = f"{row['title']} {row['summary']}".lower()
        hits = sum(text.count(term) for term in terms)
        if terms and hits == 0:
            continue
        weight = recency_weight(row["ended_at"], now)
        score = (1 + hits) * row["importance"] * weight
        results.append({"id": row["id"], "title": row["title"], "score": score})
    results.sort(key=lambda r: (-float(str(r["score"])), int(str(r["id"]))))
    top = results[:limit]
    mark_accessed(conn, [int(str(r["id"])) for r in top], now=now)
    return top


def mark_accessed(conn: sqlite3.Connection, ids: Sequence[int], *, now: float) -> None:
    if not ids:
        return
    conn.executemany(
        "UPDATE episodes SET access_count = access_count + 1, last_accessed = ? WHERE id = ?",
        [(now, episode_id) for episode_id in ids],
    )
    conn.commit()


def get_episode(conn: sqlite3.Connection, episode_id: int) -> dict[str, object] | None:
    row = conn.execute("SELECT * FROM episodes WHERE id = ?", (episode_id,)).fetchone()
    return None if row is None else dict(row)
