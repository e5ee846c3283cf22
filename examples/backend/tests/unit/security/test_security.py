from __future__ import annotations

import pytest
from core.security import security
from core.security.security import (
    TokenError,
    hash_password,
    needs_rehash,
    sign_token,
    verify_password,
    verify_token,
)

NOW = 1_700_000_000.0
SECRET = "test-secret"


def test_hash_round_trip() -> None:
    encoded = hash_password("Secret1234")
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert verify_password("Secret1234", encoded)
    assert not verify_password("secret1234", encoded)


def test_hash_is_salted_but_deterministic_for_a_given_salt() -> None:
    assert hash_password("pw") != hash_password("pw")
    salt = b"0123456789abcdef"
    assert hash_password("pw", salt=salt) == hash_password("pw", salt=salt)


def test_empty_password_cannot_be_hashed() -> None:
    with pytest.raises(ValueError, match="password"):
        hash_password("")


@pytest.mark.parametrize(
    "encoded",
    ["pbkdf2_sha256$abc$00$00", "md5$1000$00$00"],
)
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert not verify_password("pw", encoded)


def test_needs_rehash_after_raising_iterations(monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = hash_password("pw")
    assert not needs_rehash(encoded)
    monkeypatch.setattr(security, "DEFAULT_ITERATIONS", 2_000)
    assert needs_rehash(encoded)


def test_token_round_trip() -> None:
    token = sign_token({"sub": 1, "role": "user"}, SECRET, expires_at=NOW + 60)
    assert verify_token(token, SECRET, now=NOW) == {
        "sub": 1,
        "role": "user",
        "exp": NOW + 60,
    }


def test_expired_token() -> None:
    token = sign_token({"sub": 1}, SECRET, expires_at=NOW)
    with pytest.raises(TokenError, match="expired"):
        verify_token(token, SECRET, now=NOW)


@pytest.mark.parametrize("token", ["no-dot", "payload."])
def test_malformed_token(token: str) -> None:
    with pytest.raises(TokenError, match="malformed"):
        verify_token(token, SECRET, now=NOW)


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign_token({}, "", expires_at=NOW)
