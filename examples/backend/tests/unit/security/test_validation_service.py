from __future__ import annotations

import pytest
from core.security.validation_service import (
    ValidationError,
    email_problem,
    password_problems,
    require_fields,
    username_problem,
    validate_registration,
)


def test_valid_usernames() -> None:
    assert username_problem("alice") is None
    assert username_problem("bob_2") is None


@pytest.mark.parametrize("name", ["al", "2bob"])
def test_invalid_usernames(name: str) -> None:
    assert username_problem(name) is not None


def test_email_validation() -> None:
    assert email_problem("ops@example.com") is None
    assert email_problem("not-an-email") is not None


def test_password_problems_lists_every_missing_rule() -> None:
    assert password_problems("Tr0ub4dor&3x") == []
    assert password_problems("short") == [
        "at least 10 characters",
        "a digit",
        "upper- and lowercase letters",
    ]


def test_require_fields_reports_empty_and_missing() -> None:
    with pytest.raises(ValidationError) as info:
        require_fields({"username": "", "other": 1}, ("username", "password"))
    assert info.value.errors == {"username": "required", "password": "required"}


def test_validate_registration_cleans_input() -> None:
    cleaned = validate_registration({"username": " Alice ", "password": "Secret1234"})
    assert cleaned == {"username": "alice", "password": "Secret1234", "email": ""}


def test_validate_registration_collects_errors() -> None:
    with pytest.raises(ValidationError) as info:
        validate_registration({"username": "a!", "password": "password12", "email": "nope"})
    assert set(info.value.errors) == {"username", "password", "email"}
    assert "username:" in str(info.value)
