"""The one git runner: strict run (git's refusal as one line) and tolerant output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from covtasks import git
from covtasks.errors import CovtasksError


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def test_run_returns_stdout(repo: Path) -> None:
    assert git.run(repo, "rev-parse", "--is-inside-work-tree") == "true\n"


def test_run_passes_config_before_the_command(repo: Path) -> None:
    assert git.run(repo, "config", "covtasks.probe", config=("covtasks.probe=yes",)) == "yes\n"


def test_run_raises_git_error_with_the_first_stderr_line(repo: Path) -> None:
    with pytest.raises(git.GitError) as excinfo:
        git.run(repo, "rev-parse", "--verify", "no-such-ref")
    assert str(excinfo.value) == "fatal: Needed a single revision"


def test_run_names_the_command_when_git_says_nothing(repo: Path) -> None:
    with pytest.raises(git.GitError) as excinfo:
        git.run(repo, "rev-parse", "--verify", "--quiet", "no-such-ref")
    assert str(excinfo.value) == "git rev-parse failed (exit 1)"


def test_run_outside_a_directory_is_a_covtasks_error(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError) as excinfo:
        git.run(tmp_path / "missing", "status")
    assert not isinstance(excinfo.value, git.GitError)
    assert str(excinfo.value).startswith("cannot run git: ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("rev-parse", "--is-inside-work-tree"), "true"),
        (("rev-parse", "--verify", "no-such-ref"), None),
    ],
)
def test_output_is_stripped_or_none(repo: Path, args: tuple[str, ...], expected: str) -> None:
    assert git.output(repo, *args) == expected


def test_output_is_none_when_git_cannot_start(tmp_path: Path) -> None:
    assert git.output(tmp_path / "missing", "status") is None
