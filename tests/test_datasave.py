"""A measured process that cannot save its coverage data says so in one line."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import coverage
import pytest
from coverage.exceptions import DataError

from covtasks.datasave import guard_exit_save, save_or_say


def fails(exc: BaseException) -> Callable[[], None]:
    def save() -> None:
        raise exc

    return save


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (OSError(27, "File too large"), "File too large"),
        (OSError("no errno"), "no errno"),
        (sqlite3.OperationalError("database or disk is full"), "database or disk is full"),
        (
            DataError("Couldn't use data file '/x/.coverage':\n  disk I/O error"),
            "Couldn't use data file '/x/.coverage': disk I/O error",
        ),
    ],
)
def test_a_failed_save_is_one_line(
    capsys: pytest.CaptureFixture[str], exc: BaseException, reason: str
) -> None:
    assert save_or_say(fails(exc), "/proj/.covtasks/run-1/.coverage", "xdist worker gw1") is False
    assert capsys.readouterr().err == (
        "covtasks: error: /proj/.covtasks/run-1: xdist worker gw1 could not save its "
        f"coverage data: {reason}\n"
    )


def test_a_good_save_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    saved: list[bool] = []
    assert save_or_say(lambda: saved.append(True), "/d/.coverage", "who") is True
    assert saved == [True]
    assert capsys.readouterr().err == ""


def test_other_exceptions_are_not_hidden() -> None:
    with pytest.raises(ZeroDivisionError):
        save_or_say(fails(ZeroDivisionError()), "/d/.coverage", "who")


def test_the_exit_save_of_the_running_coverage_is_guarded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cov = coverage.Coverage(data_file=str(tmp_path / "data" / ".coverage"))
    monkeypatch.setattr(coverage.Coverage, "current", classmethod(lambda cls: cov))
    monkeypatch.setattr(cov, "save", fails(OSError(28, "No space left on device")))
    assert guard_exit_save("xdist worker gw0") is True
    cov.save()  # what coverage's exit handler calls
    assert capsys.readouterr().err == (
        f"covtasks: error: {tmp_path / 'data'}: xdist worker gw0 could not save its "
        "coverage data: No space left on device\n"
    )


def test_an_unmeasured_process_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage.Coverage, "current", classmethod(lambda cls: None))
    assert guard_exit_save("xdist worker gw0") is False
