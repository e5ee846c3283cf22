"""SQLite access: opening connections and creating the schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'user',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    maturity TEXT NOT NULL DEFAULT 'STUDENT',
    created_at REAL NOT NULL,
    promoted_at REAL
);
CREATE TABLE IF NOT EXISTS training_sessions (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    topic TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL,
    started_at REAL NOT NULL,
    completed_at REAL
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    supervisor TEXT NOT NULL,
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    resolved INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    resolved_at REAL
);
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    reviewer TEXT,
    reason TEXT,
    created_at REAL NOT NULL,
    decided_at REAL
);
CREATE TABLE IF NOT EXISTS episodes (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL,
    event_count INTEGER NOT NULL,
    importance REAL NOT NULL,
    outcome TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    access_count INTEGER NOT NULL DEFAULT 0,
    last_accessed REAL
);
"""


def connect(url: str) -> sqlite3.Connection:
    """Open the database named by ``url`` (a path or ``sqlite:///path``)."""
    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table the application needs (idempotent)."""
    conn.executescript(SCHEMA)
    conn.commit()


def insert(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> int:
    """Run an INSERT, commit it and return the new row id."""
    cursor = conn.execute(sql, params)
    conn.commit()
    if cursor.lastrowid is None:
        raise RuntimeError("INSERT did not produce a row id")
    return cursor.lastrowid


def create_agent(
    conn: sqlite3.Connection, name: str, *, maturity: str = "STUDENT", now: float
) -> int:
    """Register a new agent and return its id."""
    return insert(
        conn,
        "INSERT INTO agents (name, maturity, created_at) VALUES (?, ?, ?)",
        (name, maturity, now),
    )
