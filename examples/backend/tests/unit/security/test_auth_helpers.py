from __future__ import annotations

import pytest
from core.security.auth_helpers import bearer_token, has_role, session_claims

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Authorization": "Bearer abc.def"}, "abc.def"),
        ({"authorization": "bearer  xyz "}, "xyz"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, None),
        ({"Accept": "application/json"}, None),
    ],
)
def test_bearer_token(headers: dict[str, str], expected: str | None) -> None:
    assert bearer_token(headers) == expected


def test_roles_are_ranked() -> None:
    assert has_role("admin", "supervisor")
    assert not has_role("user", "admin")
    assert not has_role("intruder", "viewer")
    with pytest.raises(ValueError, match="unknown role"):
        has_role("admin", "superuser")


def test_session_claims_default_ttl() -> None:
    claims, expires_at = session_claims(7, "alice", "user", now=NOW)
    assert claims == {"sub": 7, "name": "alice", "role": "user", "iat": NOW}
    assert expires_at == NOW + 3600
