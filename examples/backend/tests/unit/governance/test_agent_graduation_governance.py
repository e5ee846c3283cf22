from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.governance import MaturityLevel
from core.governance.agent_graduation_governance import (
    evaluate,
    promote,
    readiness_score,
)
from core.governance.proposal_service import approve, create_proposal
from core.governance.student_training_service import complete_session, start_session
from core.governance.trigger_interceptor import agent_maturity

NOW = 1_700_000_000.0


def train(db: sqlite3.Connection, agent: int, scores: list[float]) -> None:
    for score in scores:
        session = start_session(db, agent, "customer support", now=NOW)
        complete_session(db, session, score, now=NOW + 1)


def test_new_student_is_not_ready(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    agent = make_agent()
    # No training, neutral proposals (0.5), spotless supervision (1.0).
    assert readiness_score(db, agent) == 0.425
    report = evaluate(db, agent)
    assert report.target is MaturityLevel.INTERN
    assert not report.eligible
    assert len(report.blockers) == 2


def test_trained_student_is_promoted(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    train(db, agent, [0.8, 0.9, 0.95])
    assert evaluate(db, agent).eligible
    assert promote(db, agent, now=NOW + 10) is MaturityLevel.INTERN
    assert agent_maturity(db, agent) is MaturityLevel.INTERN


def test_intern_with_approved_proposals_is_ready(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent("INTERN")
    train(db, agent, [0.9, 0.9, 0.9])
    for _ in range(2):
        approve(db, create_proposal(db, agent, "deploy", {}, now=NOW), "c", now=NOW)
    assert readiness_score(db, agent) == 1.0
    assert evaluate(db, agent).eligible


def test_promotion_is_refused_with_blockers(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    with pytest.raises(PermissionError, match="training sessions"):
        promote(db, agent, now=NOW)
