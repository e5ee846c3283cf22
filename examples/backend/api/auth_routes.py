"""Request handlers for the auth endpoints.

A request is a dict with optional ``body`` and ``headers`` dicts; every handler
returns a ``(status, body)`` tuple.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from core.security.auth_helpers import has_role
from core.security.validation_service import ValidationError, require_fields

from api.auth import AuthError, authenticate, login, register_user

Request = Mapping[str, object]
Response = tuple[int, dict[str, object]]


def _body(request: Request) -> dict[str, object]:
    body = request.get("body")
    return dict(body) if isinstance(body, Mapping) else {}


def _headers(request: Request) -> dict[str, str]:
    headers = request.get("headers")
    if not isinstance(headers, Mapping):
        return {}
    return {str(k): str(v) for k, v in headers.items()}


def handle_register(conn: sqlite3.Connection, request: Request, *, now: float) -> Response:
    body = _body(request)
    try:
        user_id = register_user(
            conn, str(body.get("username", "")), str(body.get("password", "")), now=now
        )
    except ValidationError as exc:
        return 400, {"errors": exc.errors}
    except AuthError as exc:
        return exc.status, {"error": str(exc)}
    return 201, {"id": user_id}


def handle_login(
    conn: sqlite3.Connection, request: Request, *, secret: str, now: float
) -> Response:
    body = _body(request)
    try:
        require_fields(body, ("username", "password"))
        token = login(conn, str(body["username"]), str(body["password"]), secret=secret, now=now)
    except ValidationError as exc:
        return 400, {"errors": exc.errors}
    except AuthError as exc:
        return exc.status, {"error": str(exc)}
    return 200, {"token": token, "token_type": "bearer"}


def handle_me(conn: sqlite3.Connection, request: Request, *, secret: str, now: float) -> Response:
    try:
        user = authenticate(conn, _headers(request), secret=secret, now=now)
    except AuthError as exc:
        return exc.status, {"error": str(exc)}
    return 200, user


def handle_list_users(
    conn: sqlite3.Connection, request: Request, *, secret: str, now: float
) -> Response:
    """Admin-only list of users."""
    try:
        user = authenticate(conn, _headers(request), secret=secret, now=now)
    except AuthError as exc:
        return exc.status, {"error": str(exc)}
    if not has_role(str(user["role"]), "admin"):
        return 403, {"error": "admin role required"}
    rows = conn.execute("SELECT id, username, role FROM users ORDER BY id").fetchall()
    return 200, {"users": [dict(row) for row in rows]}
