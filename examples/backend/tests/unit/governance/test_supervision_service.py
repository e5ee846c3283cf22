from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.governance.supervision_service import (
    escalate,
    open_incidents,
    record_event,
    resolve_event,
    supervision_score,
)

NOW = 1_700_000_000.0


def test_record_and_list_open_incidents(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("INTERN")
    record_event(db, agent, "alice", "approval", now=NOW)
    warning = record_event(db, agent, "alice", "correction", "warning", now=NOW + 1)
    critical = record_event(
        db, agent, "bob", "intervention", "critical", "wrong customer", now=NOW + 2
    )
    assert open_incidents(db, agent) == [warning, critical]


@pytest.mark.parametrize(
    ("event_type", "severity", "supervisor", "note", "error"),
    [
        ("nap", "info", "alice", "", "unknown event type"),
        ("correction", "fatal", "alice", "", "unknown severity"),
        ("correction", "info", "  ", "", "supervisor is required"),
        ("intervention", "critical", "alice", "", "need a note"),
    ],
)
def test_invalid_events_are_rejected(
    db: sqlite3.Connection,
    make_agent: Callable[..., int],
    event_type: str,
    severity: str,
    supervisor: str,
    note: str,
    error: str,
) -> None:
    with pytest.raises(ValueError, match=error):
        record_event(db, make_agent(), supervisor, event_type, severity, note, now=NOW)


def test_resolve_event_only_once(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    event = record_event(db, agent, "alice", "correction", "warning", now=NOW)
    assert resolve_event(db, event, now=NOW + 10) is True
    assert resolve_event(db, event, now=NOW + 20) is False
    assert open_incidents(db, agent) == []


def test_resolve_unknown_event(db: sqlite3.Connection) -> None:
    with pytest.raises(LookupError):
        resolve_event(db, 7, now=NOW)


def test_score_penalises_incidents_and_halves_resolved_ones(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    assert supervision_score(db, agent) == 1.0
    record_event(db, agent, "alice", "correction", "warning", now=NOW)
    critical = record_event(db, agent, "alice", "intervention", "critical", "bad refund", now=NOW)
    assert supervision_score(db, agent) == 0.75
    resolve_event(db, critical, now=NOW + 1)
    assert supervision_score(db, agent) == 0.85
    assert supervision_score(db, agent, since=NOW + 1) == 1.0


def test_approvals_raise_the_score_but_not_above_one(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    record_event(db, agent, "alice", "correction", "warning", now=NOW)
    record_event(db, agent, "alice", "approval", now=NOW)
    assert supervision_score(db, agent) == 0.97
    for _ in range(3):
        record_event(db, agent, "alice", "approval", now=NOW)
    assert supervision_score(db, agent) == 1.0


def test_repeated_warnings_escalate(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    for minute in range(2):
        record_event(db, agent, "alice", "correction", "warning", now=NOW + minute)
    assert escalate(db, agent, "oncall", now=NOW + 5) is None
    record_event(db, agent, "alice", "correction", "warning", now=NOW + 3)
    escalation = escalate(db, agent, "oncall", now=NOW + 5)
    assert escalation is not None
    assert open_incidents(db, agent)[-1] == escalation
