"""Intercept agent triggers and route them according to the agent's maturity."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from core.governance import MaturityLevel

HIGH_RISK_ACTIONS = frozenset({"delete_record", "send_payment", "deploy", "send_email"})


@dataclass(frozen=True)
class TriggerDecision:
    """Where a trigger goes: execute, supervise, propose, train or block."""

    route: str
    reason: str

    @property
    def allowed(self) -> bool:
        return self.route in ("execute", "supervise")


def agent_maturity(conn: sqlite3.Connection, agent_id: int) -> MaturityLevel:
    row = conn.execute("SELECT maturity FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise LookupError(f"unknown agent: {agent_id}")
    return MaturityLevel[row["maturity"]]


def is_suspended(conn: sqlite3.Connection, agent_id: int) -> bool:
    """An agent with an unresolved critical incident may not act at all."""
    row = conn.execute(
        "SELECT COUNT(*) FROM supervision_events"
        " WHERE agent_id = ? AND severity = 'critical' AND resolved = 0",
        (agent_id,),
    ).fetchone()
    return bool(row[0])


def is_high_risk(action: str, risk: str | None = None) -> bool:
    if risk is not None:
        return risk == "high"
    return action in HIGH_RISK_ACTIONS


def intercept(
    conn: sqlite3.Connection, agent_id: int, action: str, risk: str | None = None
) -> TriggerDecision:
    """Decide what happens to ``action`` triggered by agent ``agent_id``."""
    if not action.strip():
        raise ValueError("action must not be empty")
    maturity = agent_maturity(conn, agent_id)
    if is_suspended(conn, agent_id):
        return TriggerDecision("block", "agent has unresolved critical incidents")
    if maturity is MaturityLevel.STUDENT:
        return TriggerDecision("train", "students may only act in training sessions")
    if maturity is MaturityLevel.INTERN:
        return TriggerDecision("propose", "intern actions require human approval")
    if maturity is MaturityLevel.SUPERVISED:
        if is_high_risk(action, risk):
            return TriggerDecision("propose", f"high-risk action {action!r}")
        return TriggerDecision("supervise", "executed under live supervision")
    return TriggerDecision("execute", "autonomous agent")
