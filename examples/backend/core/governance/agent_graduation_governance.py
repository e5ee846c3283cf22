"""Decide when an agent is ready to move up one maturity level."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from core.governance import MaturityLevel
from core.governance.proposal_service import approval_rate
from core.governance.student_training_service import training_summary
from core.governance.supervision_service import supervision_score
from core.governance.trigger_interceptor import agent_maturity, is_suspended

WEIGHTS = {"training": 0.4, "proposals": 0.35, "supervision": 0.25}
THRESHOLDS = {
    MaturityLevel.STUDENT: 0.6,
    MaturityLevel.INTERN: 0.75,
    MaturityLevel.SUPERVISED: 0.9,
}
MIN_TRAINING_SESSIONS = 3


@dataclass
class GraduationReport:
    agent_id: int
    current: MaturityLevel
    target: MaturityLevel | None
    score: float
    blockers: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.target is not None and not self.blockers


def readiness_score(conn: sqlite3.Connection, agent_id: int) -> float:
    """Weighted mix of training, proposal approvals and supervision record."""
    training = training_summary(conn, agent_id)["pass_rate"]
    approvals = approval_rate(conn, agent_id)
    proposals = 0.5 if approvals is None else approvals
    supervision = supervision_score(conn, agent_id)
    score = (
        WEIGHTS["training"] * training
        + WEIGHTS["proposals"] * proposals
        + WEIGHTS["supervision"] * supervision
    )
    return round(score, 4)


def evaluate(conn: sqlite3.Connection, agent_id: int) -> GraduationReport:
    current = agent_maturity(conn, agent_id)
    report = GraduationReport(
        agent_id, current, current.next_level(), readiness_score(conn, agent_id)
    )
    if report.target is None:
        report.blockers.append("already autonomous")
        return report
    threshold = THRESHOLDS[current]
    if report.score < threshold:
        report.blockers.append(f"readiness {report.score:.2f} < {threshold:.2f}")
    sessions = training_summary(conn, agent_id)["sessions"]
    if current <= MaturityLevel.INTERN and sessions < MIN_TRAINING_SESSIONS:
        report.blockers.append(f"only {sessions:g} completed training sessions")
    if is_suspended(conn, agent_id):
        report.blockers.append("unresolved critical incidents")
    return report


def promote(conn: sqlite3.Connection, agent_id: int, *, now: float) -> MaturityLevel:
    """Move the agent up one level, or raise PermissionError with the blockers."""
    report = evaluate(conn, agent_id)
    if report.target is None or report.blockers:
        raise PermissionError("; ".join(report.blockers))
    conn.execute(
        "UPDATE agents SET maturity = ?, promoted_at = ? WHERE id = ?",
        (report.target.name, now, agent_id),
    )
    conn.commit()
    return report.target
