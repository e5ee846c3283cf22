from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.governance import MaturityLevel
from core.governance.trigger_interceptor import (
    agent_maturity,
    intercept,
)

NOW = 1_700_000_000.0


def test_maturity_levels_are_ordered() -> None:
    assert MaturityLevel.STUDENT.next_level() is MaturityLevel.INTERN
    assert MaturityLevel.AUTONOMOUS.next_level() is None


def test_agent_maturity_reads_the_database(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("SUPERVISED")
    assert agent_maturity(db, agent) is MaturityLevel.SUPERVISED


def test_empty_action_is_rejected(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    with pytest.raises(ValueError, match="action"):
        intercept(db, make_agent(), "  ")


@pytest.mark.parametrize(
    ("maturity", "route"),
    [
        ("STUDENT", "train"),
        ("INTERN", "propose"),
        ("SUPERVISED", "supervise"),
        ("AUTONOMOUS", "execute"),
    ],
)
def test_low_risk_routes_follow_maturity(
    db: sqlite3.Connection,
    make_agent: Callable[..., int],
    maturity: str,
    route: str,
) -> None:
    decision = intercept(db, make_agent(maturity), "summarise")
    assert decision.route == route
    assert decision.allowed is (route in ("supervise", "execute"))


def test_supervised_agent_must_propose_high_risk_actions(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    decision = intercept(db, make_agent("SUPERVISED"), "send_payment")
    assert decision.route == "propose"
    assert "send_payment" in decision.reason


def test_critical_incident_blocks_even_autonomous_agents(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("AUTONOMOUS")
    db.execute(
        "INSERT INTO supervision_events"
        " (agent_id, supervisor, event_type, severity, note, created_at)"
        " VALUES (?, 'ops', 'intervention', 'critical', 'leaked data', ?)",
        (agent, NOW),
    )
    decision = intercept(db, agent, "summarise")
    assert decision.route == "block"
    assert not decision.allowed
