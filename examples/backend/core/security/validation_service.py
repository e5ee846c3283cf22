"""Validation and sanitising of user-supplied input."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

USERNAME_RE = re.compile(r"^[a-z][a-z0-9_]{2,31}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MIN_PASSWORD_LENGTH = 10


class ValidationError(ValueError):
    """Invalid input; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def username_problem(username: str) -> str | None:
    if not USERNAME_RE.match(username):
        return "3-32 lowercase letters, digits or _, starting with a letter"
    return None


def email_problem(email: str) -> str | None:
    if len(email) > 254 or not EMAIL_RE.match(email):
        return "not a valid e-mail address"
    return None


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    if not any(c.isdigit() for c in password):
        problems.append("a digit")
    if not any(c.isupper() for c in password) or not any(c.islower() for c in password):
        problems.append("upper- and lowercase letters")
    return problems


def sanitize_text(text: str, max_length: int = 500) -> str:
    """Drop control characters, collapse whitespace and truncate."""
    cleaned = " ".join(CONTROL_CHARS_RE.sub("", text).split())
    if len(cleaned) > max_length:
        return cleaned[: max_length - 1] + "…"
    return cleaned


def require_fields(data: Mapping[str, object], fields: Iterable[str]) -> None:
    missing = {f: "required" for f in fields if data.get(f) in (None, "")}
    if missing:
        raise ValidationError(missing)


def validate_registration(data: Mapping[str, object]) -> dict[str, str]:
    """Check a sign-up form; returns the cleaned fields or raises."""
    require_fields(data, ("username", "password"))
    username = str(data["username"]).strip().lower()
    password = str(data["password"])
    errors: dict[str, str] = {}
    if problem := username_problem(username):
        errors["username"] = problem
    if problems := password_problems(password):
        errors["password"] = "needs " + ", ".join(problems)
    email = str(data.get("email") or "").strip()
    if email and (problem := email_problem(email)):
        errors["email"] = problem
    if errors:
        raise ValidationError(errors)
    return {"username": username, "password": password, "email": email}
