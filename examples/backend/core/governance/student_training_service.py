"""Training sessions for agents that have not yet earned autonomy."""

from __future__ import annotations

import sqlite3

from core.database import insert
from core.governance import MaturityLevel
from core.governance.trigger_interceptor import agent_maturity

PASS_THRESHOLD = 0.7
TRAINABLE = frozenset({MaturityLevel.STUDENT, MaturityLevel.INTERN})


def start_session(conn: sqlite3.Connection, agent_id: int, topic: str, *, now: float) -> int:
    """Open a training session; an agent runs at most one at a time."""
    topic = topic.strip()
    if not topic:
        raise ValueError("topic must not be empty")
    maturity = agent_maturity(conn, agent_id)
    if maturity not in TRAINABLE:
        raise PermissionError(f"{maturity.name.lower()} agents do not train")
    running = conn.execute(
        "SELECT id FROM training_sessions WHERE agent_id = ? AND status = 'running'",
        (agent_id,),
    ).fetchone()
    if running is not None:
        raise RuntimeError(f"session {running['id']} is still running")
    return insert(
        conn,
        "INSERT INTO training_sessions (agent_id, topic, status, started_at)"
        " VALUES (?, ?, 'running', ?)",
        (agent_id, topic, now),
    )


def complete_session(conn: sqlite3.Connection, session_id: int, score: float, *, now: float) -> str:
    """Record the score of a running session; returns 'passed' or 'failed'."""
    if not 0.0 <= score <= 1.0:
        raise ValueError("score must be between 0 and 1")
    row = conn.execute(
        "SELECT status FROM training_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if row is None:
        raise LookupError(f"unknown session: {session_id}")
    if row["status"] != "running":
        raise RuntimeError(f"session {session_id} is already {row['status']}")
    status = "passed" if score >= PASS_THRESHOLD else "failed"
    conn.execute(
        "UPDATE training_sessions SET status = ?, score = ?, completed_at = ? WHERE id = ?",
        (status, score, now, session_id),
    )
    conn.commit()
    return status


def training_summary(conn: sqlite3.Connection, agent_id: int) -> dict[str, float]:
    """Completed sessions, passes, pass rate and average score of an agent."""
    rows = conn.execute(
        "SELECT status, score FROM training_sessions WHERE agent_id = ? AND status != 'running'",
        (agent_id,),
    ).fetchall()
    if not rows:
        return {"sessions": 0, "passed": 0, "pass_rate": 0.0, "average_score": 0.0}
    passed = sum(1 for row in rows if row["status"] == "passed")
    return {
        "sessions": len(rows),
        "passed": passed,
        "pass_rate": round(passed / len(rows), 4),
        "average_score": round(sum(row["score"] for row in rows) / len(rows), 4),
    }
