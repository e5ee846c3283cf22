from __future__ import annotations

import sqlite3

from api.auth import register_user
from api.auth_routes import (
    handle_login,
    handle_me,
    handle_register,
)

NOW = 1_700_000_000.0
SECRET = "test-secret"


def bearer(db: sqlite3.Connection, username: str) -> dict[str, object]:
    status, body = handle_login(
        db,
        {"body": {"username": username, "password": "Secret1234"}},
        secret=SECRET,
        now=NOW,
    )
    assert status == 200
    return {"headers": {"Authorization": f"Bearer {body['token']}"}}


def test_register_route(db: sqlite3.Connection) -> None:
    request = {"body": {"username": "alice", "password": "Secret1234"}}
    status, body = handle_register(db, request, now=NOW)
    assert status == 201
    assert isinstance(body["id"], int)
    assert handle_register(db, request, now=NOW)[0] == 409


def test_register_route_validation_errors(db: sqlite3.Connection) -> None:
    status, body = handle_register(db, {"body": {"username": "al"}}, now=NOW)
    assert status == 400
    errors = body["errors"]
    assert isinstance(errors, dict)
    assert "password" in errors


def test_login_route(db: sqlite3.Connection) -> None:
    register_user(db, "alice", "Secret1234", now=NOW)
    request = bearer(db, "alice")
    status, body = handle_me(db, request, secret=SECRET, now=NOW + 1)
    assert (status, body["username"]) == (200, "alice")


def test_login_route_rejects_bad_requests(db: sqlite3.Connection) -> None:
    assert handle_login(db, {}, secret=SECRET, now=NOW)[0] == 400
    request = {"body": {"username": "ghost", "password": "Secret1234"}}
    assert handle_login(db, request, secret=SECRET, now=NOW)[0] == 401


def test_me_requires_a_token(db: sqlite3.Connection) -> None:
    status, body = handle_me(db, {"headers": {}}, secret=SECRET, now=NOW)
    assert (status, body) == (401, {"error": "missing bearer token"})
