from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.governance.proposal_service import (
    approval_rate,
    approve,
    create_proposal,
    pending,
    reject,
)

NOW = 1_700_000_000.0


def test_created_proposals_are_pending(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("INTERN")
    proposal = create_proposal(db, agent, "send_email", {"to": "a@b.co"}, now=NOW)
    assert pending(db) == [
        {
            "id": proposal,
            "agent_id": agent,
            "action": "send_email",
            "payload": {"to": "a@b.co"},
        }
    ]


def test_pending_filters_by_agent(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    first, second = make_agent("INTERN"), make_agent("INTERN")
    create_proposal(db, first, "deploy", {}, now=NOW)
    create_proposal(db, second, "deploy", {}, now=NOW)
    assert [p["agent_id"] for p in pending(db, second)] == [second]


def test_approve_and_reject(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent("INTERN")
    ok = create_proposal(db, agent, "deploy", {"version": "1.2"}, now=NOW)
    ko = create_proposal(db, agent, "send_payment", {"amount": 900}, now=NOW)
    approve(db, ok, "carol", now=NOW + 5)
    reject(db, ko, "carol", "amount over limit", now=NOW + 6)
    assert pending(db, agent) == []
    assert approval_rate(db, agent) == 0.5


def test_decided_proposal_cannot_be_decided_again(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    proposal = create_proposal(db, make_agent("INTERN"), "deploy", {}, now=NOW)
    approve(db, proposal, "carol", now=NOW)
    with pytest.raises(RuntimeError, match="already approved"):
        reject(db, proposal, "dave", "changed my mind", now=NOW)


def test_rejection_needs_a_reason(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        reject(db, 1, "carol", " ", now=NOW)


def test_blocked_agent_cannot_propose(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("INTERN")
    db.execute(
        "INSERT INTO supervision_events"
        " (agent_id, supervisor, event_type, severity, note, created_at)"
        " VALUES (?, 'ops', 'intervention', 'critical', 'runaway loop', ?)",
        (agent, NOW),
    )
    with pytest.raises(PermissionError):
        create_proposal(db, agent, "deploy", {}, now=NOW)


def test_approval_rate_without_history(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    assert approval_rate(db, make_agent("INTERN")) is None
