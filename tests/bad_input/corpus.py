"""The bad-input corpus: the table row type, the builders of bad inputs and the one
check every row goes through.

The contract: every bad input gets exactly one line on stderr (``covtasks: error: FILE:
KEY: what is wrong``), exit status 2, no traceback (``--debug`` shows it), no test run,
and every file already in the project is left byte-for-byte as it was. Each
``test_*.py`` here holds the rows of one kind of input; test_corpus.py runs one row of
each command through the real ``python -m covtasks``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import BASIC_FILES, CliResult, Project, run_cli, write_job

ProjectFactory = Callable[..., Project]
Setup = Callable[[Project], None]

PYPROJECT = textwrap.dedent(BASIC_FILES["pyproject.toml"]).lstrip("\n")
TREND = "tests/coverage_reports/trends/coverage_trend.json"
METRICS = "tests/coverage_reports/metrics/coverage.json"


@dataclass(frozen=True)
class Case:
    """One bad input: what to write, what to run, what stderr must say."""

    id: str
    expect: str  # a fragment of the one stderr line (file, key and what is wrong)
    files: Mapping[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ("run",)
    setup: Setup | None = None
    appear: frozenset[str] = frozenset()  # paths that may be created (nothing may change)


# --- building the inputs -----------------------------------------------------------------


def key(name: str, value: str) -> dict[str, str]:
    """The basic pyproject.toml with ``tool.covtasks.NAME = VALUE`` (replaced or added)."""
    line = re.compile(rf"^{re.escape(name)} = .*$", re.MULTILINE)
    if line.search(PYPROJECT):
        text = line.sub(lambda _: f"{name} = {value}", PYPROJECT, count=1)
    else:
        text = PYPROJECT.replace("[tool.covtasks]\n", f"[tool.covtasks]\n{name} = {value}\n", 1)
    return {"pyproject.toml": text}


def toml(tail: str) -> dict[str, str]:
    """The basic pyproject.toml with more TOML appended."""
    return {"pyproject.toml": PYPROJECT + "\n" + textwrap.dedent(tail).lstrip("\n")}


def domain(name: str, body: str) -> dict[str, str]:
    return toml(f"[tool.covtasks.domains.{name}]\n{textwrap.dedent(body).lstrip()}")


def stable(body: str) -> dict[str, str]:
    return toml(f"[tool.covtasks.stable]\n{textwrap.dedent(body).lstrip()}")


def trend(text: str) -> dict[str, str]:
    return {TREND: text}


def entry(**fields: Any) -> str:
    return json.dumps({"format": 1, "baselines": [{"date": "2026-01-01", **fields}]})


def metrics(**drop: bool) -> dict[str, str]:
    """A metrics JSON like covtasks writes, less the top-level keys named in ``drop``."""
    doc: dict[str, Any] = {
        "meta": {"format": 3},
        "files": {},
        "totals": {"percent_covered": 84.0},
        "covtasks": {"domains": {}, "suite": {"stable": True}},
    }
    return {METRICS: json.dumps({k: v for k, v in doc.items() if k not in drop})}


def schema_99(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE coverage_schema SET version = 99")
    conn.close()


def job_with(change: Callable[[Path], object]) -> Setup:
    """A valid job ``a`` whose coverage.db is then changed by ``change``."""

    def setup(p: Project) -> None:
        change(write_job(p, "a") / "coverage.db")

    return setup


def kept_data(text: str) -> Setup:
    def setup(p: Project) -> None:
        p.path(".covtasks").mkdir()
        p.path(".covtasks/.coverage").write_text(text, encoding="utf-8")

    return setup


def two_jobs(p: Project) -> None:
    write_job(p, "a", branch=True)
    write_job(p, "b", branch=False)


def one_job(p: Project) -> None:
    write_job(p, "a")


def bad_manifest(p: Project) -> None:
    write_job(p, "a").joinpath("manifest.json").write_text("{not json", encoding="utf-8")


# --- the table ----------------------------------------------------------------------------

PP = "pyproject.toml: tool.covtasks"


def snapshot(root: Path) -> dict[str, str]:
    """Every directory and file below ``root`` (hidden ones too): path -> sha256."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in dirnames:
            state[(here / name).relative_to(root).as_posix()] = "directory"
        for name in filenames:
            path = here / name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[path.relative_to(root).as_posix()] = digest
    return state


def prepare(project: ProjectFactory, case: Case) -> Project:
    p = project()
    for name, text in case.files.items():  # written as is: no dedent, exact bytes
        path = p.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if case.setup is not None:
        case.setup(p)
    return p


Runner = Callable[[Project, tuple[str, ...]], "CliResult | subprocess.CompletedProcess[str]"]


def in_process(p: Project, args: tuple[str, ...]) -> CliResult:
    return run_cli(p.root, *args)


def in_a_subprocess(p: Project, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    return p.run(*args)


def check_refused(project: ProjectFactory, case: Case, runner: Runner) -> None:
    p = prepare(project, case)
    before = snapshot(p.root)
    result = runner(p, case.args)
    after = snapshot(p.root)

    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "test session starts" not in result.stdout, "a bad input must not cost a test run"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("covtasks: error: "), lines[0]
    assert case.expect in lines[0]
    assert {k: after.get(k) for k in before} == before, "an existing file was changed"
    assert set(after) - set(before) <= case.appear
