"""User registration, login and token authentication."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from core.database import insert
from core.security.auth_helpers import ROLE_RANK, bearer_token, session_claims
from core.security.security import (
    TokenError,
    hash_password,
    needs_rehash,
    sign_token,
    verify_password,
    verify_token,
)
from core.security.validation_service import validate_registration


class AuthError(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


def register_user(
    conn: sqlite3.Connection,
    username: str,
    password: str,
    *,
    role: str = "user",
    now: float,
) -> int:
    cleaned = validate_registration({"username": username, "password": password})
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role: {role!r}")
    taken = conn.execute(
        "SELECT 1 FROM users WHERE username = ?", (cleaned["username"],)
    ).fetchone()
    if taken:
        raise AuthError("username already taken", status=409)
    return insert(
        conn,
        "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
        (cleaned["username"], hash_password(password), role, now),
    )


def login(
    conn: sqlite3.Connection, username: str, password: str, *, secret: str, now: float
) -> str:
    """Check the credentials and return a signed session token."""
    row = conn.execute(
        "SELECT id, username, password_hash, role, disabled FROM users WHERE username = ?",
        (username.strip().lower(),),
    ).fetchone()
    if row is None or not verify_password(password, row["password_hash"]):
        raise AuthError("invalid username or password")
    if row["disabled"]:
        raise AuthError("account disabled", status=403)
    if needs_rehash(row["password_hash"]):
        conn.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            (hash_password(password), row["id"]),
        )
        conn.commit()
    claims, expires_at = session_claims(row["id"], row["username"], row["role"], now=now)
    return sign_token(claims, secret, expires_at=expires_at)


def authenticate(
    conn: sqlite3.Connection, headers: Mapping[str, str], *, secret: str, now: float
) -> dict[str, object]:
    """The user behind the request's bearer token, or AuthError."""
    token = bearer_token(headers)
    if token is None:
        raise AuthError("missing bearer token")
    try:
        claims = verify_token(token, secret, now=now)
    except TokenError as exc:
        raise AuthError(str(exc)) from exc
    row = conn.execute(
        "SELECT id, username, role, disabled FROM users WHERE id = ?",
        (claims.get("sub"),),
    ).fetchone()
    if row is None or row["disabled"]:
        raise AuthError("unknown or disabled user")
    return {"id": row["id"], "username": row["username"], "role": row["role"]}
