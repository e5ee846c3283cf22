"""Action proposals: what agents that may not act alone ask a human to approve."""

from __future__ import annotations

import json
import sqlite3

from core.database import insert
from core.governance.trigger_interceptor import intercept


def create_proposal(
    conn: sqlite3.Connection, agent_id: int, action: str, payload: dict[str, object], *, now: float
) -> int:
    """Queue ``action`` for review unless the agent is blocked outright."""
    decision = intercept(conn, agent_id, action)
    if decision.route == "block":
        raise PermissionError(decision.reason)
    sql = "INSERT INTO proposals (agent_id, action, payload, created_at) VALUES (?, ?, ?, ?)"
    return insert(conn, sql, (agent_id, action, json.dumps(payload, sort_keys=True), now))


def _decide(
    conn: sqlite3.Connection,
    proposal_id: int,
    status: str,
    reviewer: str,
    reason: str | None,
    now: float,
) -> None:
    row = conn.execute("SELECT status FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise LookupError(f"unknown proposal: {proposal_id}")
    if row["status"] != "pending":
        raise RuntimeError(f"proposal {proposal_id} is already {row['status']}")
    sql = "UPDATE proposals SET status = ?, reviewer = ?, reason = ?, decided_at = ? WHERE id = ?"
    conn.execute(sql, (status, reviewer, reason, now, proposal_id))
    conn.commit()


def approve(conn: sqlite3.Connection, proposal_id: int, reviewer: str, *, now: float) -> None:
    _decide(conn, proposal_id, "approved", reviewer, None, now)


def reject(
    conn: sqlite3.Connection, proposal_id: int, reviewer: str, reason: str, *, now: float
) -> None:
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    _decide(conn, proposal_id, "rejected", reviewer, reason.strip(), now)


def pending(conn: sqlite3.Connection, agent_id: int | None = None) -> list[dict[str, object]]:
    """Pending proposals, oldest first, optionally for one agent."""
    sql = "SELECT id, agent_id, action, payload FROM proposals WHERE status = 'pending'"
    params: tuple[object, ...] = ()
    if agent_id is not None:
        sql += " AND agent_id = ?"
        params = (agent_id,)
    rows = conn.execute(sql + " ORDER BY created_at, id", params)
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


def expire_stale(conn: sqlite3.Connection, *, now: float, max_age: float) -> int:
    """Expire proposals nobody reviewed within ``max_age`` seconds."""
    sql = "UPDATE proposals SET status = 'expired', decided_at = ?"
    sql += " WHERE status = 'pending' AND created_at < ?"
    cursor = conn.execute(sql, (now, now - max_age))
    conn.commit()
    return cursor.rowcount


def approval_rate(conn: sqlite3.Connection, agent_id: int) -> float | None:
    """Share of decided proposals that were approved (None without history)."""
    sql = "SELECT status, COUNT(*) AS n FROM proposals WHERE agent_id = ? GROUP BY status"
    counts: dict[str, int] = {row["status"]: row["n"] for row in conn.execute(sql, (agent_id,))}
    decided = counts.get("approved", 0) + counts.get("rejected", 0)
    if decided == 0:
        return None
    return round(counts.get("approved", 0) / decided, 4)
