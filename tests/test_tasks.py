"""covtasks.tasks: the command lines it builds, then real invoke on temp tasks.py files."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Callable
from typing import Any
from unittest.mock import Mock

import pytest
from invoke.context import MockContext
from invoke.exceptions import Exit
from invoke.runners import Result

from covtasks import tasks
from tests.helpers import BASIC_FILES, Project, cli_env

ProjectFactory = Callable[..., Project]
TASKS_PY = """
from invoke import Collection

import covtasks.tasks

ns = Collection()
ns.add_collection(covtasks.tasks.ns, name="cov")
"""
METRICS = "tests/coverage_reports/metrics/coverage.json"


def covtasks_line(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "covtasks", *args])


def ran(task: Any, exited: int = 0, **kwargs: Any) -> str:
    """The one command ``task`` runs, given covtasks exits with ``exited``."""
    c = MockContext(run=Result(exited=exited))
    task(c, **kwargs)
    run: Mock = c.run  # type: ignore[assignment]  # MockContext wraps run in a Mock
    run.assert_called_once()
    assert run.call_args.kwargs == {"pty": False, "warn": True}
    command: str = run.call_args.args[0]
    return command


# --- command lines (MockContext: nothing runs) ----------------------------------------------


@pytest.mark.parametrize(
    ("task", "kwargs", "expected"),
    [
        (tasks.coverage, {}, ["run"]),
        (
            tasks.coverage,
            {"pytest_args": "-k 'auth and not slow'"},
            ["run", "--", "-k", "auth and not slow"],
        ),
        (
            tasks.coverage,
            {"fail_fast": True, "extra": "--job py39"},
            ["run", "--fail-fast", "--job", "py39"],
        ),
        (
            tasks.coverage,
            {"job": "py-shard2", "shard": "2/4"},
            ["run", "--job", "py-shard2", "--shard", "2/4"],
        ),
        (tasks.combine, {"expect": "3"}, ["combine", "--expect", "3"]),
        (tasks.gate, {"release": True}, ["gate", "--release"]),
        (tasks.gate, {"suggest": True, "write": True}, ["gate", "--suggest", "--write"]),
        (tasks.gate, {"metrics": "m.json"}, ["gate", "--metrics", "m.json"]),
        (
            tasks.gate,
            {"release": True, "base": "origin/main"},
            ["gate", "--release", "--base", "origin/main"],
        ),
        (
            tasks.trend,
            {"svg": "t.svg", "badge": "b.svg"},
            ["trend", "--svg", "t.svg", "--badge", "b.svg"],
        ),
        (tasks.trend, {"badge_json": "b.json"}, ["trend", "--badge-json", "b.json"]),
        (
            tasks.diff,
            {"base": "origin/main", "annotate": "github", "fail_under": "90"},
            ["diff", "--base", "origin/main", "--annotate", "github", "--fail-under", "90"],
        ),
        (
            tasks.comment,
            {"base": "origin/main", "output": "c.md"},
            ["comment", "--base", "origin/main", "--output", "c.md"],
        ),
        (tasks.comment, {}, ["comment"]),
        (tasks.doctor, {}, ["doctor"]),
        (tasks.doctor, {"extra": "--debug"}, ["doctor", "--debug"]),
    ],
)
def test_task_runs_covtasks_with_this_interpreter(
    task: Any, kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert ran(task, **kwargs) == covtasks_line(*expected)


def test_nonzero_exit_becomes_invoke_exit_with_that_code() -> None:
    with pytest.raises(Exit) as info:
        ran(tasks.gate, exited=3)
    assert info.value.code == 3


def test_collection_has_the_seven_tasks() -> None:
    assert sorted(tasks.ns.task_names) == [
        *("combine", "comment", "coverage", "diff", "doctor", "gate", "trend")
    ]


# --- invoke stays optional -----------------------------------------------------------------


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=cli_env(None), capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_cli_never_imports_invoke() -> None:
    result = python(
        "import sys, covtasks, covtasks.cli\n"
        "covtasks.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'invoke'))"
    )
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.slow
def test_import_without_invoke_says_how_to_install_it() -> None:
    result = python("import sys\nsys.modules['invoke'] = None\nimport covtasks.tasks")
    assert result.stderr.strip().splitlines()[-1] == (
        "ImportError: covtasks.tasks needs invoke, which is not installed: "
        'pip install "covtasks[invoke]"'
    )


# --- real invoke ---------------------------------------------------------------------------


def invoke(p: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return p.module("invoke", *args)


def with_tasks(project: ProjectFactory, **extra: str) -> Project:
    return project(extra={"tasks.py": TASKS_PY, **extra})


@pytest.mark.slow
def test_list_shows_the_tasks_under_the_collection_name(project: ProjectFactory) -> None:
    listed = invoke(with_tasks(project), "--list").stdout.split()
    assert {
        *("cov.coverage", "cov.combine", "cov.gate", "cov.trend"),
        *("cov.diff", "cov.comment", "cov.doctor"),
    } <= set(listed)


@pytest.mark.slow
def test_doctor_task_on_a_clean_project_exits_0(project: ProjectFactory) -> None:
    result = invoke(with_tasks(project), "cov.doctor")
    assert (result.returncode, result.stdout) == (0, "doctor: no problems found\n")


@pytest.mark.slow
def test_coverage_task_writes_the_metrics(project: ProjectFactory) -> None:
    p = with_tasks(project)
    result = invoke(p, "cov.coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert p.path(METRICS).is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('pythonpath = ["."]', 'pythonpath = ["."]\n        addopts = "--cov"', 1),
        ("workers = 2", "wrokers = 2", 2),
    ],
    ids=["doctor-error", "bad-config"],
)
def test_covtasks_exit_status_propagates(
    project: ProjectFactory, old: str, new: str, code: int
) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(old, new)
    result = invoke(with_tasks(project, **{"pyproject.toml": toml}), "cov.doctor")
    assert result.returncode == code
