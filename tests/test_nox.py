"""Real nox in a subprocess on temporary noxfiles that call covtasks.nox.install()."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from covtasks.nox import covtasks_requirement, project_requirements
from tests.conftest import BASIC_FILES, Project

ProjectFactory = Callable[..., Project]
NOXFILE = "import covtasks.nox\n\ncovtasks.nox.install({options})\n"


def nox(p: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return p.module("nox", *args)


def with_noxfile(project: ProjectFactory, options: str = 'venv_backend="none"') -> Project:
    return project(extra={"noxfile.py": NOXFILE.format(options=options)})


def test_lists_the_three_sessions_with_their_tag(project: ProjectFactory) -> None:
    result = nox(with_noxfile(project), "-l", "--json")
    sessions = {s["session"]: s["tags"] for s in json.loads(result.stdout)}
    assert sessions == {
        "coverage": ["covtasks"],
        "coverage_combine": ["covtasks"],
        "release_gate": ["covtasks"],
    }


def test_prefix_renames_sessions(project: ProjectFactory) -> None:
    result = nox(with_noxfile(project, 'prefix="cov_", venv_backend="none"'), "-l", "--json")
    assert {s["session"] for s in json.loads(result.stdout)} == {
        "cov_coverage",
        "cov_coverage_combine",
        "cov_release_gate",
    }


def test_registering_twice_is_a_clear_error(project: ProjectFactory) -> None:
    p = project(
        extra={
            "noxfile.py": "import covtasks.nox\n\ncovtasks.nox.install()\ncovtasks.nox.install()\n"
        }
    )
    result = nox(p, "-l")
    assert result.returncode != 0
    assert "already registered" in result.stderr


@pytest.mark.slow
def test_coverage_session_writes_metrics(project: ProjectFactory) -> None:
    p = with_noxfile(project)
    result = nox(p, "-s", "coverage")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(p.path("tests/coverage_reports/metrics/coverage.json").read_text())
    assert "governance" in metrics["covtasks"]["domains"]


@pytest.mark.slow
def test_failing_domain_fails_the_session(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50", "fail_under = 99.5")
    p = with_noxfile(project)
    p.write({"pyproject.toml": toml})
    result = nox(p, "-s", "coverage")
    assert result.returncode != 0
    assert "coverage is below a threshold" in result.stderr


@pytest.mark.slow
def test_broken_suite_fails_with_the_stable_stage_message(project: ProjectFactory) -> None:
    p = with_noxfile(project)
    p.write({"tests/test_broken.py": "import nowhere_to_be_found\n"})
    result = nox(p, "-s", "coverage")
    assert result.returncode != 0
    assert "the test suite is not stable" in result.stdout + result.stderr
    assert not p.path("tests/coverage_reports").exists()


@pytest.mark.slow
def test_posargs_reach_pytest(project: ProjectFactory) -> None:
    result = nox(with_noxfile(project), "-s", "coverage", "--", "-k", "roundtrip")
    assert "1 passed" in result.stdout + result.stderr


@pytest.mark.slow
def test_coverage_session_in_a_real_venv(project: ProjectFactory) -> None:
    """The default backend: nox builds a venv, installs covtasks and the app's deps."""
    p = with_noxfile(project, "")
    result = nox(p, "-s", "coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert p.path("tests/coverage_reports/trends/coverage_trend.json").is_file()


def test_covtasks_requirement_points_at_this_source_tree() -> None:
    req = covtasks_requirement()
    assert Path(req[-1]).resolve() == Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[build-system]\nrequires = []\n"}, [["-e", "."]]),
        (
            {
                "pyproject.toml": "[build-system]\nrequires = []\n[project]\nname = 'x'\n"
                "[project.optional-dependencies]\ntest = ['pytest']\n"
            },
            [["-e", ".[test]"]],
        ),
        (
            {
                "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['requests']\n"
                "[dependency-groups]\ntest = ['pytest-mock']\n"
            },
            [["requests", "pytest-mock"]],
        ),
        ({"requirements.txt": "flask\n"}, [["-r", "requirements.txt"]]),
        ({"setup.py": "from setuptools import setup\nsetup()\n"}, [["-e", "."]]),
        ({}, []),
    ],
    ids=["package", "package-test-extra", "app-deps-and-group", "requirements", "setup-py", "bare"],
)
def test_project_requirements(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert project_requirements(tmp_path) == expected
