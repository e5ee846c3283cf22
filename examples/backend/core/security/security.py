"""Password hashing (PBKDF2) and HMAC-signed tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 310_000
SALT_BYTES = 16


class TokenError(Exception):
    """A token is malformed, forged or expired."""


def hash_password(
    password: str, *, salt: bytes | None = None, iterations: int | None = None
) -> str:
    """Encode as ``pbkdf2_sha256$<iterations>$<salt hex>$<digest hex>``."""
    if not password:
        raise ValueError("password must not be empty")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    rounds = iterations or DEFAULT_ITERATIONS
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
    return f"{ALGORITHM}${rounds}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        algorithm, rounds, salt_hex, digest_hex = encoded.split("$")
        iterations = int(rounds)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return False
    if algorithm != ALGORITHM:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return hmac.compare_digest(candidate, expected)


def needs_rehash(encoded: str) -> bool:
    """True when a stored hash uses fewer iterations than the current default."""
    parts = encoded.split("$")
    return len(parts) != 4 or not parts[1].isdigit() or int(parts[1]) < DEFAULT_ITERATIONS


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()


def sign_token(claims: dict[str, object], secret: str, *, expires_at: float) -> str:
    if not secret:
        raise ValueError("secret must not be empty")
    body = json.dumps({**claims, "exp": expires_at}, sort_keys=True)
    payload = _b64encode(body.encode())
    return f"{payload}.{_b64encode(_signature(payload, secret))}"


def verify_token(token: str, secret: str, *, now: float) -> dict[str, object]:
    """Return the claims of a valid token or raise TokenError."""
    payload, dot, signature = token.partition(".")
    if not dot or not payload or not signature:
        raise TokenError("malformed token")
    try:
        provided = _b64decode(signature)
    except ValueError as exc:
        raise TokenError("malformed token") from exc
    if not hmac.compare_digest(_signature(payload, secret), provided):
        raise TokenError("bad signature")
    claims: dict[str, object] = json.loads(_b64decode(payload))
    expires_at = claims.get("exp")
    if not isinstance(expires_at, (int, float)) or expires_at <= now:
        raise TokenError("token expired")
    return claims
