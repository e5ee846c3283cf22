"""Small helpers shared by the authentication layer."""

from __future__ import annotations

from collections.abc import Mapping

ROLE_RANK = {"viewer": 0, "user": 1, "supervisor": 2, "admin": 3}
TOKEN_TTL_SECONDS = 3600.0


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    for name, value in headers.items():
        if name.lower() != "authorization":
            continue
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return None
    return None


def has_role(user_role: str, required: str) -> bool:
    """Roles are ranked: an admin may do whatever a supervisor may."""
    if required not in ROLE_RANK:
        raise ValueError(f"unknown role: {required!r}")
    return ROLE_RANK.get(user_role, -1) >= ROLE_RANK[required]


def session_claims(
    user_id: int, username: str, role: str, *, now: float, ttl: float | None = None
) -> tuple[dict[str, object], float]:
    """Claims for a new session token and the time it expires."""
    lifetime = TOKEN_TTL_SECONDS if ttl is None else ttl
    if lifetime <= 0:
        raise ValueError("ttl must be positive")
    claims: dict[str, object] = {
        "sub": user_id,
        "name": username,
        "role": role,
        "iat": now,
    }
    return claims, now + lifetime
