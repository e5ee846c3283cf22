"""Bad input, table-driven, through the CLI: in-process for every row (nothing runs, so
no subprocess is needed), and through the real ``python -m covtasks`` for one row of
each command.

The contract: every bad input gets exactly one line on stderr (``covtasks: error: FILE:
KEY: what is wrong``), exit status 2, no traceback (``--debug`` shows it), no test run,
and every file already in the project is left byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import coverage
import pytest

from tests.helpers import BASIC_FILES, CliResult, Project, run_cli

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


def metrics_with_files(files: dict[str, Any]) -> dict[str, str]:
    """A metrics JSON like covtasks writes, with coverage.py's ``files`` object."""
    doc = json.loads(metrics()[METRICS])
    figure = {"percent_covered": 84.0}
    names = ("governance", "security", "episodes")
    doc["covtasks"]["domains"] = dict.fromkeys(names, figure)
    return {METRICS: json.dumps({**doc, "files": files})}


def write_data(path: Path, root: Path, *, branch: bool) -> None:
    """A real coverage.py data file measuring the project's own files."""
    data = coverage.CoverageData(basename=str(path))
    rules = str(root / "pkg" / "gov" / "rules.py")
    if branch:
        data.add_arcs({rules: {(-1, 1), (1, 2), (2, 3), (3, -1)}})
    else:
        data.add_lines({rules: [1, 2, 3]})
    data.write()
    data.close(force=True)


def write_job(p: Project, job_id: str, *, branch: bool = True) -> Path:
    """``coverage-jobs/ID/`` as ``run --job ID`` writes it: coverage.db + manifest.json."""
    out = p.path(f"coverage-jobs/{job_id}")
    out.mkdir(parents=True)
    root = p.root.resolve()
    write_data(out / "coverage.db", root, branch=branch)
    manifest = {
        "format": 1,
        "job": job_id,
        "created": "2026-11-27T10:00:00+00:00",
        "commit": "0123456789abcdef",
        "dirty": False,
        "root": str(root),
        "source": ["pkg"],
        "branch": branch,
        "core": "ctrace",
        "python": {"version": "3.12.0", "implementation": "CPython"},
        "platform": sys.platform,
        "machine": "x86_64",
        "versions": {"covtasks": "0", "coverage": coverage.__version__},
        "suite": {"stable": True, "collected": 6, "passed": 6, "flaky": [], "reasons": []},
        "data_file": "coverage.db",
        "data_files_combined": 2,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


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
CASES = [
    # pyproject.toml as a whole
    Case("toml-invalid", "pyproject.toml: invalid TOML: ", key("fail_under", "80 %")),
    Case("key-unknown", f"{PP}.frobnicate: unknown key; known keys:", key("frobnicate", '"red"')),
    Case("key-misspelled", "did you mean 'fail_under'?", key("fail_undr", "80")),
    Case(
        "covtasks-not-a-table",
        f"{PP}: expected a table, got 'yes'",
        {"pyproject.toml": '[tool]\ncovtasks = "yes"\n'},
    ),
    # every key with a wrong type or value
    Case(
        "fail_under-true",
        f"{PP}.fail_under: expected a number from 0 to 100, got true",
        key("fail_under", "true"),
    ),
    Case(
        "fail_under-101",
        f"{PP}.fail_under: expected a number from 0 to 100, got 101",
        key("fail_under", "101"),
    ),
    Case(
        "fail_under-string",
        f"{PP}.fail_under: expected a number from 0 to 100, got '80'",
        key("fail_under", '"80"'),
    ),
    Case(
        "precision-negative",
        f"{PP}.precision: expected a whole number from 0 to 10, got -1",
        key("precision", "-1"),
    ),
    Case(
        "precision-float",
        f"{PP}.precision: expected a whole number, got 2.5",
        key("precision", "2.5"),
    ),
    Case(
        "precision-11",
        f"{PP}.precision: expected a whole number from 0 to 10, got 11",
        key("precision", "11"),
    ),
    Case(
        "workers-negative",
        f'{PP}.workers: expected "auto", "logical" or a whole number',
        key("workers", "-2"),
    ),
    Case(
        "workers-many",
        f'{PP}.workers: expected "auto", "logical" or a whole number >= 0, got \'many\'',
        key("workers", '"many"'),
    ),
    Case(
        "workers-true",
        f'{PP}.workers: expected "auto", "logical" or a whole number >= 0, got true',
        key("workers", "true"),
    ),
    Case("branch-yes", f"{PP}.branch: expected true or false, got 'yes'", key("branch", '"yes"')),
    Case("source-empty", f"{PP}.source: must not be empty", key("source", "[]")),
    Case(
        "source-missing",
        f"{PP}.source[0]: 'missing' is not a directory, file or package",
        key("source", '["missing"]'),
    ),
    Case(
        "source-number", f"{PP}.source[0]: expected a non-empty string, got 1", key("source", "[1]")
    ),
    Case("tests-number", f"{PP}.tests: expected an array of strings, got 5", key("tests", "5")),
    Case("metrics-number", f"{PP}.metrics: expected a path, got 7", key("metrics", "7")),
    Case("metrics-empty", f"{PP}.metrics: expected a path, got ''", key("metrics", '""')),
    Case(
        "trend-number",
        f"{PP}.trend: expected a path (or false to turn it off), got 3",
        key("trend", "3"),
    ),
    Case(
        "html-number",
        f"{PP}.html: expected a path (or false to turn it off), got 1",
        key("html", "1"),
    ),
    Case(
        "xml-array",
        f"{PP}.xml: expected a path (or false to turn it off), got an array",
        key("xml", "[]"),
    ),
    Case(
        "core-fast",
        f'{PP}.core: expected one of "auto", "ctrace", "sysmon", "pytrace", got \'fast\'',
        key("core", '"fast"'),
    ),
    Case(
        "expected_jobs-0",
        f"{PP}.expected_jobs: expected a whole number >= 1, got 0",
        key("expected_jobs", "0"),
    ),
    Case(
        "expected_jobs-twice",
        f"{PP}.expected_jobs: job id(s) listed twice: a",
        key("expected_jobs", '["a", "a"]'),
    ),
    Case(
        "expected_jobs-table",
        f'{PP}.expected_jobs: expected a number of jobs, an array of job ids or "any", got a table',
        key("expected_jobs", "{}"),
    ),
    Case(
        "expected_jobs-word",
        f"""{PP}.expected_jobs: expected a number of jobs, an array of job ids or "any", """
        "got 'all'",
        key("expected_jobs", '"all"'),
    ),
    Case(
        "tolerance-negative",
        f"{PP}.tolerance: expected a number from 0 to 100, got -1",
        key("tolerance", "-1"),
    ),
    Case(
        "file_fail_under-101",
        f"{PP}.file_fail_under: expected a number from 0 to 100, got 101",
        key("file_fail_under", "101"),
    ),
    Case(
        "file_fail_under-string",
        f"{PP}.file_fail_under: expected a number from 0 to 100, got '80'",
        key("file_fail_under", '"80"'),
    ),
    Case(
        "max_missing-negative",
        f"{PP}.max_missing: expected a whole number >= 0, got -1",
        key("max_missing", "-1"),
    ),
    Case(
        "max_missing-fraction",
        f"{PP}.max_missing: expected a whole number, got 2.5",
        key("max_missing", "2.5"),
    ),
    Case(
        "max_missing-misspelled",
        f"{PP}.max_mising: unknown key (did you mean 'max_missing'?)",
        key("max_mising", "3"),
    ),
    Case(
        "diff_fail_under-200",
        f"{PP}.diff_fail_under: expected a number from 0 to 100, got 200",
        key("diff_fail_under", "200"),
    ),
    Case("job_dir-number", f"{PP}.job_dir: expected a path, got 5", key("job_dir", "5")),
    # [tool.covtasks.stable]
    Case(
        "reruns-9",
        f"{PP}.stable.reruns: expected a whole number from 0 to 5, got 9",
        stable("reruns = 9"),
    ),
    Case(
        "max_flaky-negative",
        f"{PP}.stable.max_flaky: expected a whole number >= 0, got -1",
        stable("max_flaky = -1"),
    ),
    Case(
        "max_flaky-1.5",
        f"{PP}.stable.max_flaky: expected a whole number >= 0 or a fraction below 1, got 1.5",
        stable("max_flaky = 1.5"),
    ),
    Case(
        "quarantine-no-reason",
        f"{PP}.stable.quarantine[0].reason: is required",
        stable('quarantine = [{ id = "tests/test_gov.py::test_blocked" }]'),
    ),
    Case(
        "quarantine-expired",
        f"{PP}.stable.quarantine[0].until: quarantine of "
        "'tests/test_gov.py::test_blocked' expired on 2020-01-31",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "db", '
            "until = 2020-01-31 }]"
        ),
    ),
    Case(
        "quarantine-bad-date",
        f"{PP}.stable.quarantine[0].until: expected a date like 2027-01-31, got 'soon'",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "db", '
            'until = "soon" }]'
        ),
    ),
    Case(
        "quarantine-twice",
        f"{PP}.stable.quarantine[1].id: 'tests/test_gov.py::test_blocked' is quarantined twice",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "a" }, '
            '{ id = "tests/test_gov.py::test_blocked", reason = "b" }]'
        ),
    ),
    Case(
        "stable-unknown-key",
        f"{PP}.stable.rerun: unknown key (did you mean 'reruns'?)",
        stable("rerun = 2"),
    ),
    # [tool.covtasks.domains.NAME]
    Case(
        "domain-paths-empty",
        f"{PP}.domains.extra.paths: must not be empty",
        domain("extra", "paths = []"),
    ),
    Case(
        "domain-no-paths",
        f"{PP}.domains.extra.paths: is required",
        domain("extra", "fail_under = 50"),
    ),
    Case(
        "domain-glob-matches-nothing",
        f"{PP}.domains.extra.paths[0]: 'pkg/nope/**' matches no source file under pkg",
        domain("extra", 'paths = ["pkg/nope/**"]'),
    ),
    Case(
        "domain-glob-rejected",
        f"{PP}.domains.extra.paths[0]: a file pattern can't include '**x'",
        domain("extra", 'paths = ["pkg/**x"]'),
    ),
    Case(
        "domain-name-space",
        f"{PP}.domains.a b: a domain name may only use letters",
        domain('"a b"', 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-overall",
        f"{PP}.domains.overall: 'overall' is reserved",
        domain("overall", 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-unassigned",
        f"{PP}.domains.unassigned: 'unassigned' is reserved",
        domain("unassigned", 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-fail_under-high",
        f"{PP}.domains.extra.fail_under: expected a number from 0 to 100, got 'high'",
        domain("extra", 'paths = ["pkg/gov/**"]\nfail_under = "high"'),
    ),
    Case(
        "domain-file_fail_under-negative",
        f"{PP}.domains.extra.file_fail_under: expected a number from 0 to 100, got -5",
        domain("extra", 'paths = ["pkg/gov/**"]\nfile_fail_under = -5'),
    ),
    Case(
        "domain-max_missing-true",
        f"{PP}.domains.extra.max_missing: expected a whole number, got true",
        domain("extra", 'paths = ["pkg/gov/**"]\nmax_missing = true'),
    ),
    Case(
        "domain-file-fail-under-misspelled",
        f"{PP}.domains.extra.file_fail_undr: unknown key (did you mean 'file_fail_under'?)",
        domain("extra", 'paths = ["pkg/gov/**"]\nfile_fail_undr = 80'),
    ),
    Case(
        "domain-key-path",
        f"{PP}.domains.extra.path: unknown key (did you mean 'paths'?)",
        domain("extra", 'path = ["pkg/gov/**"]'),
    ),
    # the existing trend file: refused before any test runs
    Case("trend-not-json", "coverage_trend.json: not valid JSON", trend("{baselines: [")),
    Case(
        "trend-no-baselines",
        "coverage_trend.json: 'baselines' is missing or not an array",
        trend('{"format": 1}'),
    ),
    Case(
        "trend-a-list",
        "coverage_trend.json: expected an object with a 'baselines' array",
        trend("[]"),
    ),
    Case("trend-zero-bytes", "coverage_trend.json: not valid JSON", trend("")),
    Case(
        "trend-no-overall",
        "coverage_trend.json: baselines[0]: has no 'overall' figure",
        trend(entry(domains={"governance": 80.0})),
    ),
    Case(
        "trend-figure-text",
        "coverage_trend.json: baselines[0]: figure 'governance' is not a number: 'high'",
        trend(entry(overall=80.0, domains={"governance": "high"})),
    ),
    Case(
        "trend-overall-nan",
        "coverage_trend.json: baselines[0]: 'overall' is not a number: nan",
        trend('{"format": 1, "baselines": [{"date": "2026-01-01", "overall": NaN}]}'),
    ),
    Case(
        "trend-format-2",
        "coverage_trend.json: trend format 2 was written by a newer covtasks",
        trend('{"format": 2, "baselines": []}'),
    ),
    # output locations
    Case(
        "metrics-is-a-directory",
        "coverage.json: is a directory, expected a file path for metrics",
        {f"{METRICS}/keep": ""},
    ),
    Case(
        "metrics-parent-is-a-file",
        "not a directory",
        {**key("metrics", '"blocker/coverage.json"'), "blocker": "a file\n"},
    ),
    # gate: the metrics JSON
    Case(
        "gate-no-totals",
        "coverage.json: the metrics JSON has no 'totals' object",
        metrics(totals=True),
        ("gate",),
    ),
    Case(
        "gate-no-files",
        "coverage.json: the metrics JSON has no 'files' object",
        metrics(files=True),
        ("gate",),
    ),
    Case(
        "gate-file-summary-missing",
        "coverage.json: files.pkg/x.py.summary is not a coverage.py file summary",
        {**metrics_with_files({"pkg/x.py": {}}), **key("file_fail_under", "80")},
        ("gate",),
    ),
    Case("gate-not-json", "coverage.json: cannot read the metrics JSON", {METRICS: "{"}, ("gate",)),
    Case("gate-no-metrics", "coverage.json: no metrics file", {}, ("gate",)),
    # combine: job directories
    Case(
        "combine-db-zero-bytes",
        "coverage-jobs/a/coverage.db: coverage data file is empty",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_bytes(b"")),
    ),
    Case(
        "combine-db-text",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_text("not a database\n")),
    ),
    Case(
        "combine-db-truncated",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_bytes(db.read_bytes()[:512])),
    ),
    Case(
        "combine-db-schema-99",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(schema_99),
    ),
    Case(
        "combine-db-missing",
        "coverage-jobs: cannot combine: job 'a': its data file",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.unlink()),
    ),
    Case(
        "combine-manifest-not-json",
        "coverage-jobs/a/manifest.json: job manifest is not valid JSON",
        args=("combine", "--expect", "any"),
        setup=bad_manifest,
    ),
    Case(
        "combine-branch-and-line",
        "coverage-jobs: cannot combine: branch and line-only jobs cannot be combined: "
        "a=branch, b=line",
        args=("combine", "--expect", "any"),
        setup=two_jobs,
    ),
    Case(
        "combine-expect-0",
        "--expect: expected at least 1 job",
        args=("combine", "--expect", "0"),
        setup=two_jobs,
    ),
    Case(
        "combine-no-job-dir",
        "coverage-jobs: no such job directory",
        {},
        ("combine", "--expect", "any"),
    ),
    Case(
        "combine-empty-job-dir",
        "no job output (*/manifest.json) found in coverage-jobs",
        {"coverage-jobs/.keep": ""},
        ("combine", "--expect", "any"),
    ),
    Case(
        "combine-no-expectation",
        "--expect: combine needs to know which jobs to expect: give --expect N (a number "
        "of jobs), --expect ID,ID (their ids), expected_jobs in [tool.covtasks], or "
        "--expect any to combine whatever is there without checking that it is complete",
        args=("combine",),
        setup=one_job,
    ),
    # report: the kept combined data
    Case(
        "report-corrupt-data",
        ".covtasks/.coverage: unreadable coverage data",
        args=("report",),
        setup=kept_data("not a database\n"),
    ),
    Case(
        "report-empty-data",
        ".covtasks/.coverage: coverage data file is empty",
        args=("report",),
        setup=kept_data(""),
    ),
    Case("report-no-data", ".covtasks/.coverage: no combined data", args=("report",)),
    # the command line
    Case(
        "unknown-command",
        "argument COMMAND: invalid choice: 'frobnicate'",
        args=("frobnicate",),
    ),
    Case(
        "unknown-option",
        "unrecognized arguments: --bogus (see `covtasks gate --help`)",
        args=("gate", "--bogus"),
    ),
    Case(
        "job-id-bad",
        "--job: job id 'bad id!' may only use letters, digits",
        args=("run", "--job", "bad id!"),
    ),
]


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


def test_table_has_enough_rows() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


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


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)


# One row per command, through the real `python -m covtasks`.
FIRST_OF_EACH_COMMAND = list({c.args[0]: c for c in reversed(CASES)}.values())


@pytest.mark.parametrize("case", FIRST_OF_EACH_COMMAND, ids=[c.id for c in FIRST_OF_EACH_COMMAND])
def test_bad_input_is_refused_the_same_by_the_real_process(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_a_subprocess)


def test_debug_shows_the_traceback(project: ProjectFactory) -> None:
    p = project(extra=key("fail_under", "101"))
    result = p.run("--debug", "run")
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("covtasks: error: pyproject.toml")


def test_overlapping_domains_are_accepted(project: ProjectFactory) -> None:
    p = project(extra=domain("all", 'paths = ["pkg/**"]'))
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(p.path(METRICS).read_text(encoding="utf-8"))
    assert {"all", "governance"} <= set(data["covtasks"]["domains"])


def test_the_inputs_the_table_breaks_are_valid_as_built(project: ProjectFactory) -> None:
    """The job, kept data and metrics the rows corrupt are accepted whole: each row
    fails for its own reason, not because the fixture was wrong to begin with."""
    p = project()
    write_job(p, "a")
    for args in (("combine", "--expect", "a"), ("report",), ("gate",)):
        result = p.run(*args)
        assert result.returncode in (0, 1), (args, result.stdout + result.stderr)
        assert result.stderr == "", (args, result.stderr)
