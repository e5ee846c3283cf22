"""Supervision events: interventions, corrections and incidents on agents."""

from __future__ import annotations

import sqlite3

from core.database import insert

SEVERITY_PENALTY = {"info": 0.0, "warning": 0.05, "critical": 0.2}
EVENT_TYPES = frozenset({"intervention", "correction", "escalation", "approval"})
WARNINGS_BEFORE_ESCALATION = 3


def record_event(
    conn: sqlite3.Connection,
    agent_id: int,
    supervisor: str,
    event_type: str,
    severity: str = "info",
    note: str = "",
    *,
    now: float,
) -> int:
    """Store one supervision event and return its id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type: {event_type!r}")
    if severity not in SEVERITY_PENALTY:
        raise ValueError(f"unknown severity: {severity!r}")
    supervisor, note = supervisor.strip(), note.strip()
    if not supervisor:
        raise ValueError("supervisor is required")
    if severity == "critical" and not note:
        raise ValueError("critical events need a note describing the incident")
    sql = "INSERT INTO supervision_events (agent_id, supervisor, event_type, severity, note,"
    sql += " created_at) VALUES (?, ?, ?, ?, ?, ?)"
    return insert(conn, sql, (agent_id, supervisor, event_type, severity, note, now))


def resolve_event(conn: sqlite3.Connection, event_id: int, *, now: float) -> bool:
    """Mark an event resolved; False if it already was."""
    sql = "SELECT resolved FROM supervision_events WHERE id = ?"
    row = conn.execute(sql, (event_id,)).fetchone()
    if row is None:
        raise LookupError(f"unknown supervision event: {event_id}")
    if row["resolved"]:
        return False
    sql = "UPDATE supervision_events SET resolved = 1, resolved_at = ? WHERE id = ?"
    conn.execute(sql, (now, event_id))
    conn.commit()
    return True


def open_incidents(conn: sqlite3.Connection, agent_id: int) -> list[int]:
    """Ids of unresolved warning or critical events, oldest first."""
    sql = "SELECT id FROM supervision_events WHERE agent_id = ? AND resolved = 0"
    sql += " AND severity IN ('warning', 'critical') ORDER BY created_at, id"
    return [row["id"] for row in conn.execute(sql, (agent_id,))]


def supervision_score(conn: sqlite3.Connection, agent_id: int, *, since: float = 0.0) -> float:
    """1.0 for a spotless record, lower with every warning or incident."""
    sql = "SELECT event_type, severity, resolved FROM supervision_events"
    sql += " WHERE agent_id = ? AND created_at >= ?"
    score = 1.0
    for row in conn.execute(sql, (agent_id, since)):
        if row["event_type"] == "approval":
            score += 0.02
            continue
        penalty = SEVERITY_PENALTY[row["severity"]]
        if row["resolved"]:
            penalty /= 2
        score -= penalty
    return round(max(0.0, min(1.0, score)), 4)


def escalate(conn: sqlite3.Connection, agent_id: int, supervisor: str, *, now: float) -> int | None:
    """Turn repeated open warnings into one critical escalation event."""
    sql = "SELECT COUNT(*) FROM supervision_events"
    sql += " WHERE agent_id = ? AND severity = 'warning' AND resolved = 0"
    warnings = conn.execute(sql, (agent_id,)).fetchone()[0]
    if warnings < WARNINGS_BEFORE_ESCALATION:
        return None
    note = f"{warnings} unresolved warnings"
    return record_event(conn, agent_id, supervisor, "escalation", "critical", note, now=now)
