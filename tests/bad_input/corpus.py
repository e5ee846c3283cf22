"""The bad-input corpus: the table row type, the builders of bad inputs and the one
check every row goes through.

The contract: every bad input gets exactly one line on stderr (``covtasks: error: FILE:
KEY: what is wrong``), exit status 2, no traceback (``--debug`` shows it), no test run,
and every file already in the project is left byte-for-byte as it was. Each
``test_*.py`` here holds the rows of one kind of input; test_corpus.py runs one row of
each command through the real ``python -m covtasks``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import textwrap
from collections.abc import Callable, Iterator, Mapping
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
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    args: tuple[str, ...] = ("run",)
    setup: Setup | None = None
    appear: frozenset[str] = frozenset()  # paths that may be created (nothing may change)
    env: Mapping[str, str] = field(default_factory=dict)  # environment variables set


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


def metrics_with(**section: Any) -> dict[str, str]:
    """A metrics JSON like covtasks writes, with these keys of its ``covtasks`` section."""
    doc = json.loads(metrics()[METRICS])
    doc["covtasks"].update(section)
    return {METRICS: json.dumps(doc)}


def schema_99(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE coverage_schema SET version = 99")
    conn.close()


def job_with(change: Callable[[Path], object]) -> Setup:
    """A valid job ``a`` whose coverage.db is then changed by ``change``."""

    def setup(p: Project) -> None:
        change(write_job(p, "a") / "coverage.db")

    return setup


def manifest_with(**fields: Any) -> Setup:
    """A valid job ``a`` whose manifest then has ``fields`` set (None: removed)."""

    def setup(p: Project) -> None:
        path = write_job(p, "a") / "manifest.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc.update(fields)
        path.write_text(json.dumps(doc), encoding="utf-8")

    return setup


def manifest_text(change: Callable[[str], str]) -> Setup:
    """A valid job ``a`` whose manifest's text is then changed by ``change``."""

    def setup(p: Project) -> None:
        path = write_job(p, "a") / "manifest.json"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return setup


def sql(*statements: str) -> Callable[[Path], None]:
    """Run SQL statements on a data file (to make it something coverage never writes)."""

    def change(db: Path) -> None:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            for statement in statements:
                conn.execute(statement)
            conn.commit()

    return change


def link_from_elsewhere(path: Path, elsewhere: Path) -> None:
    """Move ``path`` to ``elsewhere`` and leave a symbolic link to it in its place."""
    path.replace(elsewhere)
    path.symlink_to(elsewhere, target_is_directory=elsewhere.is_dir())


def linked_manifest(p: Project) -> None:
    """Job ``a``'s manifest is a symbolic link to a valid manifest elsewhere."""
    link_from_elsewhere(write_job(p, "a") / "manifest.json", p.path("elsewhere.json"))


def linked_job_dir(p: Project) -> None:
    """Job ``b`` is a symbolic link to a valid job directory outside the job dir."""
    link_from_elsewhere(write_job(p, "b"), p.path("outside"))


def linked_data(p: Project) -> None:
    """Job ``a``'s coverage.db is a symbolic link to a valid data file elsewhere."""
    link_from_elsewhere(write_job(p, "a") / "coverage.db", p.path("elsewhere.db"))


def replace_with_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


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
        for name in dirnames + filenames:
            path = here / name
            if path.is_symlink():
                state[path.relative_to(root).as_posix()] = f"link to {os.readlink(path)}"
            elif name in dirnames:
                state[path.relative_to(root).as_posix()] = "directory"
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                state[path.relative_to(root).as_posix()] = digest
    return state


def prepare(project: ProjectFactory, case: Case) -> Project:
    p = project()
    for name, content in case.files.items():  # written as is: no dedent, exact bytes
        path = p.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(p)
    return p


Runner = Callable[
    [Project, tuple[str, ...], Mapping[str, str]], "CliResult | subprocess.CompletedProcess[str]"
]


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """``env`` set in os.environ for the duration (the in-process CLI reads it there)."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def in_process(p: Project, args: tuple[str, ...], env: Mapping[str, str]) -> CliResult:
    with environment(env):
        return run_cli(p.root, *args)


def in_a_subprocess(
    p: Project, args: tuple[str, ...], env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return p.run(*args, env=env)


def check_refused(project: ProjectFactory, case: Case, runner: Runner) -> None:
    p = prepare(project, case)
    # The project's parent too: nothing may be written outside the project either.
    before = snapshot(p.root.parent)
    result = runner(p, case.args, case.env)
    after = snapshot(p.root.parent)

    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "test session starts" not in result.stdout, "a bad input must not cost a test run"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("covtasks: error: "), lines[0]
    assert case.expect in lines[0]
    assert {k: after.get(k) for k in before} == before, "an existing file was changed"
    assert set(after) - set(before) <= {f"{p.root.name}/{name}" for name in case.appear}
