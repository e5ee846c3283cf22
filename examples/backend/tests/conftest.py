"""Shared fixtures: a SQLite database per test and agent factories.

``db`` opens the database named by ``BACKEND_DB_URL`` (default: a fresh file in
the test's ``tmp_path``). Setting ``BACKEND_DB_URL=/nonexistent/dir/backend.sqlite3``
makes every test that uses it error in setup with ``sqlite3.OperationalError``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from core.database import connect, create_agent, create_schema
from core.security import security

NOW = 1_700_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    url = os.environ.get("BACKEND_DB_URL") or str(tmp_path / "backend.sqlite3")
    conn = connect(url)
    try:
        create_schema(conn)
        yield conn
    finally:
        conn.close()


@pytest.fixture
def make_agent(db: sqlite3.Connection) -> Callable[..., int]:
    """Factory: ``make_agent("INTERN")`` inserts an agent and returns its id."""
    counter = iter(range(1, 1_000))

    def factory(maturity: str = "STUDENT", name: str | None = None) -> int:
        agent_name = name or f"agent-{next(counter)}"
        return create_agent(db, agent_name, maturity=maturity, now=NOW)

    return factory


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production uses 310k PBKDF2 rounds; tests don't need to wait for them."""
    monkeypatch.setattr(security, "DEFAULT_ITERATIONS", 1_000)
