from __future__ import annotations

import sqlite3

import pytest
from api.auth import AuthError, authenticate, login, register_user

NOW = 1_700_000_000.0
SECRET = "test-secret"


def test_register_and_login(db: sqlite3.Connection) -> None:
    user_id = register_user(db, "Alice", "Secret1234", now=NOW)
    token = login(db, "alice", "Secret1234", secret=SECRET, now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    user = authenticate(db, headers, secret=SECRET, now=NOW + 5)
    assert user == {"id": user_id, "username": "alice", "role": "user"}


def test_duplicate_username(db: sqlite3.Connection) -> None:
    register_user(db, "alice", "Secret1234", now=NOW)
    with pytest.raises(AuthError) as info:
        register_user(db, "ALICE", "Secret1234", now=NOW)
    assert info.value.status == 409


def test_unknown_role(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        register_user(db, "alice", "Secret1234", role="root", now=NOW)


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong"), ("bob", "x")])
def test_bad_credentials(db: sqlite3.Connection, username: str, password: str) -> None:
    register_user(db, "alice", "Secret1234", now=NOW)
    with pytest.raises(AuthError, match="invalid username or password"):
        login(db, username, password, secret=SECRET, now=NOW)


def test_disabled_account(db: sqlite3.Connection) -> None:
    user_id = register_user(db, "alice", "Secret1234", now=NOW)
    db.execute("UPDATE users SET disabled = 1 WHERE id = ?", (user_id,))
    with pytest.raises(AuthError) as info:
        login(db, "alice", "Secret1234", secret=SECRET, now=NOW)
    assert info.value.status == 403


def test_authenticate_without_token(db: sqlite3.Connection) -> None:
    with pytest.raises(AuthError, match="missing bearer token"):
        authenticate(db, {}, secret=SECRET, now=NOW)


def test_authenticate_with_expired_token(db: sqlite3.Connection) -> None:
    register_user(db, "alice", "Secret1234", now=NOW)
    token = login(db, "alice", "Secret1234", secret=SECRET, now=NOW)
    with pytest.raises(AuthError, match="expired"):
        authenticate(db, {"Authorization": f"Bearer {token}"}, secret=SECRET, now=NOW + 7200)
