"""Real nox in a subprocess on temporary noxfiles that call covtasks.nox.install()."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from covtasks.errors import CovtasksError
from covtasks.nox import covtasks_requirement, import_hint, project_requirements
from tests.helpers import BASIC_FILES, Project

ProjectFactory = Callable[..., Project]
PACKAGE = "[build-system]\nrequires = []\n[project]\nname = 'x'\n"
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
        (
            {"pyproject.toml": PACKAGE + "[dependency-groups]\ntests = ['pytest', 'hypothesis']\n"},
            [["-e", ".", "pytest", "hypothesis"]],
        ),
        (
            {
                "pyproject.toml": PACKAGE + "[dependency-groups]\n"
                "lint = ['ruff']\ntest = ['pytest']\n"
                "Dev = [{include-group = 'test'}, {include-group = 'lint'}, 'ipython']\n"
            },
            [["-e", ".", "pytest"]],
        ),
        (
            {
                "pyproject.toml": PACKAGE + "[dependency-groups]\n"
                "lint = ['ruff']\nDev = [{include-group = 'lint'}, 'pytest']\n"
            },
            [["-e", ".", "ruff", "pytest"]],
        ),
        (
            {"pyproject.toml": PACKAGE, "requirements/tests.in": "pytest\n"},
            [["-e", ".", "-r", "requirements/tests.in"]],
        ),
        (
            {
                "pyproject.toml": PACKAGE,
                "requirements/tests.in": "pytest\n",
                "requirements/tests.txt": "pytest==8.0\n",
            },
            [["-e", ".", "-r", "requirements/tests.txt"]],
        ),
        (
            {"pyproject.toml": PACKAGE, "requirements-test.txt": "x\n", "requirements.txt": "y\n"},
            [["-e", ".", "-r", "requirements-test.txt"]],
        ),
        (
            {"setup.py": "", "requirements-tests.txt": ""},
            [["-e", ".", "-r", "requirements-tests.txt"]],
        ),
        (
            {"setup.py": "", "test-requirements.txt": ""},
            [["-e", ".", "-r", "test-requirements.txt"]],
        ),
        ({"setup.py": "", "requirements/dev.txt": ""}, [["-e", ".", "-r", "requirements/dev.txt"]]),
        (
            {"manage.py": "", "requirements.txt": "django\n", "requirements/test.txt": "pytest\n"},
            [["-r", "requirements.txt", "-r", "requirements/test.txt"]],
        ),
        (
            {"requirements-test.txt": "", "requirements-dev.txt": ""},
            [["-r", "requirements-test.txt"]],
        ),
        (
            {
                "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['flask']\n"
                "[project.optional-dependencies]\ntesting = ['pytest']\n"
            },
            [["flask", "pytest"]],
        ),
    ],
    ids=[
        "package",
        "package-test-extra",
        "app-deps-and-group",
        "requirements",
        "setup-py",
        "bare",
        "package-tests-group",
        "package-test-group-before-dev",
        "package-dev-group-includes",
        "package-requirements-in",
        "compiled-txt-before-in",
        "package-requirements-test-not-runtime",
        "requirements-tests",
        "test-requirements",
        "requirements-dir-dev",
        "cookiecutter-django",
        "app-test-file-before-dev",
        "app-testing-extra",
    ],
)
def test_project_requirements(
    tmp_path: Path, files: dict[str, str], expected: list[list[str]]
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert project_requirements(tmp_path) == expected


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ("dev = [{include-group = 'nope'}]", "dependency-groups.dev[0]: not a requirement"),
        ("dev = [{include-group = 'test'}]\ntest = [{include-group = 'dev'}]", "is a cycle"),
        ("test = 'pytest'", "dependency-groups.test: expected an array"),
    ],
    ids=["unknown-include", "cycle", "not-an-array"],
)
def test_bad_dependency_groups(tmp_path: Path, groups: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(PACKAGE + f"[dependency-groups]\n{groups}\n")
    with pytest.raises(CovtasksError) as info:
        project_requirements(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "pyproject.toml") + ": ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("output", "quoted"),
    [
        (
            "E   ModuleNotFoundError: No module named 'hypothesis'\n",
            "ModuleNotFoundError: No module named 'hypothesis'",
        ),
        ("E   ImportError: cannot import name 'x' from 'y'\n", "ImportError: cannot import name"),
        ("1 failed\nE   assert 1 == 2\n", None),
    ],
    ids=["module-not-found", "import-error", "not-an-import-problem"],
)
def test_import_hint(output: str, quoted: str | None) -> None:
    hint = import_hint(output)
    if quoted is None:
        assert hint is None
    else:
        assert hint is not None
        assert quoted in hint
        assert "covtasks.nox.install(extra_install=" in hint
        assert "install=" in hint


@pytest.mark.slow
@pytest.mark.parametrize("found", [False, True], ids=["nothing-found", "requirements-found"])
def test_unimportable_tests_name_the_install_options(project: ProjectFactory, found: bool) -> None:
    p = with_noxfile(project)
    p.write({"tests/test_needs.py": "import hypothesis_not_installed\n\ndef test_x():\n    pass\n"})
    if found:
        p.write({"requirements-test.txt": "hypothesis_not_installed\n"})
    result = nox(p, "-s", "coverage")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "covtasks run exited 3" in out
    advice = "No module named 'hypothesis_not_installed') and covtasks found no test dependencies"
    assert (advice in out) is not found
    assert ("covtasks.nox.install(extra_install=" in out) is not found
