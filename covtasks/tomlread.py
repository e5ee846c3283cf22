"""Typed access to the TOML tables of the configuration, every error naming its key.

A :class:`Reader` reads one file: each method checks one value's type and range and
raises a one-line :class:`CovtasksError` (``FILE: KEY: expected ..., got ...``); unknown
keys get a "did you mean" from the table's known keys.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from covtasks.errors import CovtasksError


def describe(value: object) -> str:
    """A TOML value as an error message shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, Mapping)):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


class Reader:
    """Typed access to the tables of one file (``root``: where relative paths start;
    ``today``: the date quarantine entries expire against)."""

    def __init__(self, file: str, root: Path = Path(), today: datetime.date | None = None) -> None:
        self.file = file
        self.root = root
        self.today = today or datetime.date.today()

    def fail(self, key: str, message: str) -> CovtasksError:
        return CovtasksError(f"{key}: {message}", self.file)

    def table(self, value: object, key: str, allowed: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {describe(value)}")
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = ", ".join(allowed)
                raise self.fail(f"{key}.{name}", f"unknown key{hint}; known keys: {known}")
        return value

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {describe(value)}")
        return value

    def strings(self, value: object, key: str, *, allow_empty: bool = True) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"expected an array of strings, got {describe(value)}")
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        return tuple(self.string(v, f"{key}[{i}]") for i, v in enumerate(value))

    def percent(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number from 0 to 100, got {describe(value)}")
        if not 0 <= value <= 100:
            raise self.fail(key, f"expected a number from 0 to 100, got {value!r}")
        return float(value)

    def optional_percent(self, value: object, key: str) -> float | None:
        """A percent, or None when the key is not set."""
        return None if value is None else self.percent(value, key)

    def optional_count(self, value: object, key: str) -> int | None:
        """A whole number >= 0, or None when the key is not set."""
        return None if value is None else self.count(value, key)

    def count(self, value: object, key: str, *, low: int = 0, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {describe(value)}")
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f">= {low}"
            raise self.fail(key, f"expected a whole number {limit}, got {value!r}")
        return value

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {describe(value)}")
        return value

    def path(self, value: object, key: str, *, optional: bool) -> Path | None:
        if optional and value is False:
            return None
        if not isinstance(value, str) or not value.strip():
            allowed = "a path (or false to turn it off)" if optional else "a path"
            raise self.fail(key, f"expected {allowed}, got {describe(value)}")
        return (self.root / value).resolve()

    def required_path(self, value: object, key: str) -> Path:
        path = self.path(value, key, optional=False)
        assert path is not None
        return path

    def optional_path(self, value: object, key: str) -> Path | None:
        """A path, or ``None`` for an absent value or ``false`` (an output turned off)."""
        return None if value is None else self.path(value, key, optional=True)

    def date(self, value: object, key: str) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, f"expected a date like 2027-01-31, got {describe(value)}")
