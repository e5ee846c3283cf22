from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from tools.report import build_report, format_text, main


def test_build_report(db: sqlite3.Connection, make_agent: Callable[..., int]) -> None:
    make_agent("STUDENT")
    make_agent("STUDENT")
    make_agent("AUTONOMOUS")
    report = build_report(db)
    assert report == {
        "agents_by_maturity": {"AUTONOMOUS": 1, "STUDENT": 2},
        "pending_proposals": 0,
        "active_episodes": 0,
    }


def test_format_text_without_agents() -> None:
    text = format_text({"agents_by_maturity": {}, "pending_proposals": 0, "active_episodes": 3})
    assert "(no agents)" in text
    assert text.endswith("Active episodes:   3")


def test_main_prints_json(
    db: sqlite3.Connection,
    make_agent: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_agent("INTERN")
    db_path = db.execute("PRAGMA database_list").fetchone()["file"]
    assert main(["--db", db_path, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["agents_by_maturity"] == {"INTERN": 1}


def test_main_prints_text(
    db: sqlite3.Connection,
    make_agent: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_agent("INTERN")
    db_path = db.execute("PRAGMA database_list").fetchone()["file"]
    assert main(["--db", db_path]) == 0
    assert "INTERN" in capsys.readouterr().out


def test_main_reports_unopenable_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "missing" / "db.sqlite3")]) == 2
    assert "cannot open" in capsys.readouterr().err
