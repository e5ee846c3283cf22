"""The test infrastructure itself: what `-m "not slow"` keeps, and the in-process CLI."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from covtasks import __version__
from tests.conftest import starts_process
from tests.helpers import BASIC_FILES, Project, git, git_repo, run_cli


def _spawns_directly(p: Project) -> None:
    p.run("run")


def _spawns_through_a_helper(p: Project) -> None:
    _spawns_directly(p)


def _spawns_in_a_comprehension(p: Project) -> None:
    [p.module("nox") for _ in range(1)]


def _writes_only(p: Project) -> None:
    p.write({"a.py": ""})


def _popen(root: Path) -> None:
    subprocess.Popen(["true"], cwd=root)


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (_spawns_directly, True),
        (_spawns_through_a_helper, True),
        (_spawns_in_a_comprehension, True),
        (_popen, True),
        (_writes_only, False),
        (len, False),
    ],
)
def test_starts_process_follows_the_module_helpers(
    func: Callable[..., object], expected: bool
) -> None:
    assert starts_process(func) is expected


def test_run_cli_captures_exit_status_and_output(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"covtasks {__version__}\n", "")


def test_run_cli_reports_bad_input_as_one_line(tmp_path: Path) -> None:
    Project(tmp_path).write({**BASIC_FILES, "pyproject.toml": "[tool.covtasks]\nnope = 1\n"})
    result = run_cli(tmp_path, "gate")
    assert result.returncode == 2
    assert result.stderr.startswith("covtasks: error: pyproject.toml: tool.covtasks.nope")
    assert len(result.stderr.splitlines()) == 1


def test_git_repo_commits_its_files(tmp_path: Path) -> None:
    root = git_repo(tmp_path / "repo", {"pkg/a.py": "A = 1\n"})
    assert git(root, "ls-files") == "pkg/a.py"
    assert git(root, "status", "--porcelain") == ""
