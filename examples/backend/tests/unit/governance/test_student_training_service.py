from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from core.governance.student_training_service import (
    complete_session,
    start_session,
    training_summary,
)

NOW = 1_700_000_000.0


def test_session_passes_at_threshold(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    session = start_session(db, make_agent(), "refunds", now=NOW)
    assert complete_session(db, session, 0.7, now=NOW + 60) == "passed"


def test_low_score_fails(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    session = start_session(db, make_agent("INTERN"), "refunds", now=NOW)
    assert complete_session(db, session, 0.4, now=NOW + 60) == "failed"


def test_only_one_running_session_per_agent(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    start_session(db, agent, "refunds", now=NOW)
    with pytest.raises(RuntimeError, match="still running"):
        start_session(db, agent, "billing", now=NOW + 1)


def test_blank_topic_is_rejected(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    with pytest.raises(ValueError, match="topic"):
        start_session(db, make_agent(), "   ", now=NOW)


@pytest.mark.parametrize("score", [-0.1, 1.5])
def test_score_out_of_range(db: sqlite3.Connection, score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        complete_session(db, 1, score, now=NOW)


def test_summary_counts_completed_sessions_only(
    db: sqlite3.Connection, make_agent: Callable[..., int]
) -> None:
    agent = make_agent()
    assert training_summary(db, agent)["sessions"] == 0
    for score in (0.9, 0.5):
        session = start_session(db, agent, "refunds", now=NOW)
        complete_session(db, session, score, now=NOW + 1)
    start_session(db, agent, "billing", now=NOW + 2)
    summary = training_summary(db, agent)
    assert summary == {
        "sessions": 2,
        "passed": 1,
        "pass_rate": 0.5,
        "average_score": 0.7,
    }
