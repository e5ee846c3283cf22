"""``file_fail_under`` and ``max_missing`` on a real project: run, gate, gate --release,
combine, and through nox and invoke.

The basic project measures (branch coverage): pkg/gov/rules.py 75.00% (2 statements
missing), pkg/sec/tokens.py 77.78% (7 of 9 arcs and lines; 1 missing), pkg/epi/segment.py
100%, and four ``__init__.py`` with no statements: 3 missing statements in all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from covtasks.figures import floor_percent
from covtasks.tomledit import format_number
from tests.helpers import BASIC_FILES, Project, run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"
RULES = "pkg/gov/rules.py: 75.00% is below file_fail_under = 76 (overall)"
NOXFILE = 'import covtasks.nox\n\ncovtasks.nox.install(venv_backend="none")\n'
TASKS_PY = (
    "from invoke import Collection\n\nimport covtasks.tasks\n\n"
    'ns = Collection()\nns.add_collection(covtasks.tasks.ns, name="cov")\n'
)


def config(top: str = "", **domains: str) -> str:
    """The basic pyproject.toml with more keys at the top level and in domains."""
    text = BASIC_FILES["pyproject.toml"].replace(
        "fail_under = 50\n\n", f"fail_under = 50\n{top}\n", 1
    )
    for name, keys in domains.items():
        header = f"[tool.covtasks.domains.{name}]\n"
        assert header in text
        text = text.replace(header, header + keys + "\n", 1)
    return text


# Committed and measured: only rules.py is below file_fail_under.
COMMITTED = config("file_fail_under = 76\nmax_missing = 3")


def git(p: Project, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=p.root, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_all(p: Project, message: str) -> None:
    git(p, "add", "-A")
    git(p, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """The basic project in git, with thresholds, measured on its HEAD (clean tree);
    and the output of that ``covtasks run``."""
    files = {**BASIC_FILES, "pyproject.toml": COMMITTED, "noxfile.py": NOXFILE}
    p = Project(tmp_path_factory.mktemp("thresholds") / "proj").write(
        {**files, "tasks.py": TASKS_PY, ".gitignore": ".covtasks/\n.nox/\n"}
    )
    git(p, "init", "-q")
    git(p, "config", "user.email", "dev@example.com")
    git(p, "config", "user.name", "dev")
    commit_all(p, "first")
    p.run("run")
    commit_all(p, "metrics and trend")
    result = p.run("run")
    assert result.returncode == 1, result.stdout + result.stderr
    return p, result.stdout


def configured(measured: tuple[Project, str], text: str) -> Project:
    p = measured[0]
    p.write({"pyproject.toml": text})
    return p


def failures(stdout: str) -> list[str]:
    """The verdict's failure lines (``  - ...``)."""
    return [line[4:] for line in stdout.splitlines() if line.startswith("  - ")]


@pytest.mark.slow
def test_run_names_only_the_failing_file(measured: tuple[Project, str]) -> None:
    p, stdout = measured
    assert failures(stdout) == [RULES]
    gate = json.loads(p.path(METRICS).read_text())["covtasks"]["gate"]
    assert gate["passed"] is False
    assert gate["failures"] == [RULES]
    failed = [c for c in gate["checks"] if not c["passed"]]
    assert failed == [
        {
            "name": "overall",
            "kind": "file_fail_under",
            "percent": 75.0,
            "fail_under": 76.0,
            "passed": False,
            "file": "pkg/gov/rules.py",
        }
    ]
    missing = [c for c in gate["checks"] if c["kind"] == "max_missing"]
    assert [(c["missing"], c["max_missing"], c["passed"]) for c in missing] == [(3, 3, True)]


@pytest.mark.slow
def test_gate_lists_every_failing_file_worst_first(measured: tuple[Project, str]) -> None:
    p = configured(measured, config("file_fail_under = 80", security="file_fail_under = 78"))
    result = p.run("gate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert failures(result.stdout) == [
        "pkg/gov/rules.py: 75.00% is below file_fail_under = 80 (overall)",
        "pkg/sec/tokens.py: 77.78% is below file_fail_under = 80 (overall)",
        "pkg/sec/tokens.py: 77.78% is below file_fail_under = 78 (security)",
    ]
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["FAIL", "file_fail_under", "overall", "pkg/gov/rules.py", "75.00%", "<", "80"] in rows


@pytest.mark.slow
@pytest.mark.parametrize(
    ("precision", "threshold", "passes"),
    [(2, "77.78", True), (2, "77.79", False), (1, "77.8", True), (1, "77.9", False)],
)
def test_file_fail_under_at_precision(
    measured: tuple[Project, str], precision: int, threshold: str, passes: bool
) -> None:
    """tokens.py is at 77.777...%: coverage.py's rule at ``precision`` decides."""
    text = config(f"precision = {precision}", security=f"file_fail_under = {threshold}")
    result = configured(measured, text).run("gate")
    assert result.returncode == (0 if passes else 1), result.stdout + result.stderr
    if not passes:
        assert [line.split(":")[0] for line in failures(result.stdout)] == ["pkg/sec/tokens.py"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("top", "domain", "failed"),
    [
        ("max_missing = 3", "", []),
        ("max_missing = 2", "", ["overall: 3 missing statements, more than max_missing = 2"]),
        ("", "max_missing = 2", []),
        ("", "max_missing = 1", ["governance: 2 missing statements, more than max_missing = 1"]),
        ("max_missing = 0", "max_missing = 0", ["overall: 3", "governance: 2"]),
    ],
)
def test_max_missing_at_the_exact_count_and_one_below(
    measured: tuple[Project, str], top: str, domain: str, failed: list[str]
) -> None:
    result = configured(measured, config(top, governance=domain)).run("gate")
    assert result.returncode == (1 if failed else 0), result.stdout + result.stderr
    lines = failures(result.stdout)
    assert len(lines) == len(failed)
    assert all(line.startswith(prefix) for line, prefix in zip(lines, failed))


@pytest.mark.slow
def test_release_gate_checks_files_too(measured: tuple[Project, str]) -> None:
    p = configured(measured, COMMITTED)
    result = p.run("gate", "--release")
    assert result.returncode == 1, result.stdout + result.stderr
    assert failures(result.stdout) == [RULES]


@pytest.mark.slow
def test_release_gate_session_and_gate_task(measured: tuple[Project, str]) -> None:
    p = configured(measured, COMMITTED)
    session = p.module("nox", "-s", "release_gate")
    assert session.returncode != 0
    assert RULES in session.stdout + session.stderr
    task = p.module("invoke", "cov.gate")
    assert task.returncode == 1
    assert RULES in task.stdout


@pytest.mark.slow
def test_combine_gates_files_through_the_nox_sessions(project: ProjectFactory) -> None:
    text = COMMITTED.replace("max_missing = 3", "max_missing = 2")
    p = project(extra={"pyproject.toml": text, "noxfile.py": NOXFILE})
    job = p.module("nox", "-s", "coverage", "--", "--job", "a")
    assert job.returncode == 0, job.stdout + job.stderr
    result = p.module("nox", "-s", "coverage_combine", "--", "--expect", "a")
    assert result.returncode != 0
    expected = ["overall: 3 missing statements, more than max_missing = 2", RULES]
    assert failures(result.stdout) == expected, result.stdout + result.stderr
    gate = json.loads(p.path(METRICS).read_text())["covtasks"]["gate"]
    assert gate["failures"] == expected


# --- gate --suggest --write ----------------------------------------------------------------

COMMENTED = """\
[tool.pytest.ini_options]
pythonpath = ["."]

# covtasks: thresholds only ever go up
[tool.covtasks]
source = ["pkg"]   # measured
tests = ["tests"]
workers = 2
fail_under   =  50     # overall floor
file_fail_under = 70

[tool.covtasks.domains.governance]
paths = ["pkg/gov/**"]
"fail_under" = 99   # fails now: never lowered
[tool.covtasks.domains.security]
paths = [
  "pkg/sec/*.py",   # fail_under = 1 (a comment, not a key)
]
fail_under=50
file_fail_under = 77.5 # tokens.py is at 77.78

[tool.covtasks.domains.episodes]
paths = ["pkg/epi/**"]
"""


@pytest.mark.slow
def test_suggest_write_raises_only_the_set_thresholds(measured: tuple[Project, str]) -> None:
    p = configured(measured, COMMENTED)
    overall = json.loads(p.path(METRICS).read_text())["totals"]["percent_covered"]
    top = format_number(floor_percent(overall, 2), 2)
    result = p.module("invoke", "cov.gate", "--suggest", "--write")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "covtasks: raised 4 threshold(s) in pyproject.toml:",
        f"  tool.covtasks.fail_under: 50 -> {top}",
        "  tool.covtasks.file_fail_under: 70 -> 75",
        "  tool.covtasks.domains.security.fail_under: 50 -> 77.78",
        "  tool.covtasks.domains.security.file_fail_under: 77.5 -> 77.78",
    ]
    text = p.path("pyproject.toml").read_text()
    assert text == (
        COMMENTED.replace("fail_under   =  50 ", f"fail_under   =  {top} ")
        .replace("file_fail_under = 70", "file_fail_under = 75")
        .replace("fail_under=50", "fail_under=77.78")
        .replace("file_fail_under = 77.5 #", "file_fail_under = 77.78 #")
    )
    expected = tomllib.loads(COMMENTED)
    settings = expected["tool"]["covtasks"]
    settings.update(fail_under=float(top), file_fail_under=75)
    settings["domains"]["security"].update(fail_under=77.78, file_fail_under=77.78)
    assert tomllib.loads(text) == expected
    again = p.run("gate", "--suggest", "--write")
    assert again.stdout == "covtasks: no threshold to raise: pyproject.toml unchanged\n"
    assert p.path("pyproject.toml").read_text() == text
    # The nox route: the gate's session passes its arguments on (``--release`` is moot).
    session = p.module("nox", "-s", "release_gate", "--", "--suggest", "--write")
    assert session.returncode == 0, session.stdout + session.stderr
    assert "covtasks: no threshold to raise: pyproject.toml unchanged\n" in session.stdout
    assert p.path("pyproject.toml").read_text() == text
    assert p.run("gate").returncode == 1  # governance's 99 still fails: never lowered


@pytest.mark.slow
def test_suggest_write_refuses_an_inline_table(measured: tuple[Project, str]) -> None:
    inline = (
        textwrap.dedent(config())
        .lstrip("\n")
        .replace(
            '[tool.covtasks.domains.governance]\npaths = ["pkg/gov/**"]\nfail_under = 50\n',
            '[tool.covtasks.domains]\ngovernance = { paths = ["pkg/gov/**"], fail_under = 50 }\n',
        )
    )
    assert "governance = {" in inline
    p = configured(measured, inline)
    result = p.run("gate", "--suggest", "--write")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "covtasks: error: pyproject.toml: tool.covtasks.domains.governance.fail_under: "
        "--write changes only a `key = number` line below its table's [header] (not in an "
        "inline table or an array of tables): raise this one by hand\n"
    )
    assert p.path("pyproject.toml").read_text() == inline


@pytest.mark.slow
def test_suggest_prints_file_fail_under_where_set(measured: tuple[Project, str]) -> None:
    p = configured(measured, COMMENTED)
    result = p.run("gate", "--suggest")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "file_fail_under = 75  # now 70" in lines
    assert "file_fail_under = 77.78  # now 77.5" in lines
    assert p.path("pyproject.toml").read_text() == COMMENTED


def test_write_without_suggest_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "gate", "--write")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "covtasks: error: gate: --write goes with --suggest (`covtasks gate --suggest --write`)\n"
    )
