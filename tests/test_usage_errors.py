"""pytest usage errors and missing test paths are bad input (exit 2), not an unstable
suite: refused before anything runs when covtasks can tell, else mapped from pytest's
exit status 4 with pytest's own message in one line. Nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from covtasks.errors import CovtasksError
from covtasks.pytestargs import check_expressions, expression_args, path_args, usage_error_line
from tests.helpers import BASIC_FILES, Project

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"
ARGPARSE_TAIL = (
    "ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]\n"
    "pytest: error: unrecognized arguments: --bogus\n  inifile: None\n  rootdir: /p\n\n"
)


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        pytest.param(ARGPARSE_TAIL, "unrecognized arguments: --bogus", id="unknown-option"),
        pytest.param(
            "ERROR: file or directory not found: nope\n\n",
            "file or directory not found: nope",
            id="missing-path",
        ),
        pytest.param(
            "noise\nERROR: usage: python -m pytest [options]\n"
            "python -m pytest: error: argument --tb: invalid choice: 'x'\n",
            "argument --tb: invalid choice: 'x'",
            id="bad-choice",
        ),
        pytest.param(
            "ImportError while loading conftest '/p/tests/conftest.py'.\n"
            "tests/conftest.py:1: in <module>\nE   ModuleNotFoundError: No module named 'x'\n",
            "",
            id="conftest-import-error-is-not-usage",
        ),
        pytest.param("", "", id="nothing"),
    ],
)
def test_usage_error_line(tail: str, line: str) -> None:
    assert usage_error_line(tail) == line


@pytest.mark.parametrize(
    ("args", "paths"),
    [
        pytest.param(["tests"], [(0, "tests")], id="path"),
        pytest.param(["tests/t.py::test_a[1]"], [(0, "tests/t.py")], id="node-id"),
        pytest.param(["-m", "not slow", "tests"], [(2, "tests")], id="option-value-skipped"),
        pytest.param(["--tb=short", "tests"], [(1, "tests")], id="option-with-equals"),
        pytest.param(["--pyargs", "pkg.tests"], [], id="pyargs-are-modules"),
        pytest.param([], [], id="none"),
    ],
)
def test_test_path_args(args: list[str], paths: list[tuple[int, str]]) -> None:
    assert path_args(args) == paths


def nothing_written(p: Project) -> bool:
    staging = p.path(".covtasks")
    leftovers = [x.name for x in staging.iterdir()] if staging.exists() else []
    return (
        not p.path(METRICS).exists()
        and not p.path("coverage-jobs").exists()
        and leftovers in ([], [".gitignore"])
    )


@pytest.mark.slow
def test_configured_test_path_that_does_not_exist_is_refused_before_running(
    project: ProjectFactory,
) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace('tests = ["tests"]', 'tests = ["tests", "tset"]')
    p = project(extra={"pyproject.toml": toml})
    result = p.run("run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"covtasks: error: {p.path('pyproject.toml')}: tool.covtasks.tests[1]: "
        "'tset': no such file or directory\n"
    )
    assert "test session starts" not in result.stdout
    assert nothing_written(p)


@pytest.mark.slow
def test_pytest_testpaths_matching_nothing_is_refused(project: ProjectFactory) -> None:
    toml = (
        BASIC_FILES["pyproject.toml"]
        .replace('tests = ["tests"]\n', "")
        .replace('pythonpath = ["."]', 'pythonpath = ["."]\n        testpaths = ["tset"]')
    )
    p = project(extra={"pyproject.toml": toml})
    result = p.run("run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "tool.pytest.ini_options.testpaths[0]: 'tset' matches no file" in result.stderr
    assert "test session starts" not in result.stdout
    assert nothing_written(p)


@pytest.mark.slow
@pytest.mark.parametrize("job", [False, True], ids=["run", "run-job"])
def test_missing_path_after_dashes_is_refused_before_running(
    project: ProjectFactory, job: bool
) -> None:
    p = project()
    result = p.run("run", *(["--job", "j1"] if job else []), "--", "tests/nope.py")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        "covtasks: error: pytest argument 'tests/nope.py' (after --): no such file or directory\n"
    )
    assert nothing_written(p)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "workers", "message"),
    [
        pytest.param(
            ["run", "--", "--bogus-option"],
            2,
            "unrecognized arguments: --bogus-option",
            id="unknown-option-xdist",
        ),
        pytest.param(
            ["run", "--", "--tb=bogus"], 0, "argument --tb: invalid choice: 'bogus'", id="bad-value"
        ),
        pytest.param(
            ["run", "--", "-x", "tests/nope.py"],
            0,
            "file or directory not found: tests/nope.py",
            id="missing-path-found-by-pytest",
        ),
        pytest.param(
            ["run", "--job", "j1", "--", "--bogus-option"],
            2,
            "unrecognized arguments: --bogus-option",
            id="job-mode",
        ),
        pytest.param(
            ["run", "--fail-fast", "--", "--bogus-option"],
            2,
            "unrecognized arguments: --bogus-option",
            id="fail-fast-prerun",
        ),
    ],
)
def test_pytest_usage_error_is_exit_2_with_pytests_message(
    project: ProjectFactory, args: list[str], workers: int, message: str
) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", f"workers = {workers}")
    p = project(extra={"pyproject.toml": toml})
    result = p.run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("covtasks: error: pytest refused its arguments (exit status 4): ")
    assert message in last, last
    assert "not stable" not in result.stdout
    assert nothing_written(p)


@pytest.mark.slow
def test_a_conftest_that_fails_to_import_is_still_an_unstable_suite(
    project: ProjectFactory,
) -> None:
    # pytest exits 4 for it too, but it is a broken suite, not a wrong argument.
    p = project(extra={"tests/conftest.py": "import pkg.does_not_exist\n"})
    result = p.run("run")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "not stable" in result.stdout


@pytest.mark.parametrize(
    ("args", "found"),
    [
        pytest.param(["-k", "a and b", "tests"], [("-k", "a and b")], id="separate"),
        pytest.param(["-mnot slow"], [("-m", "not slow")], id="attached"),
        pytest.param(["-k"], [], id="no-value"),
        pytest.param(["--keep", "-x"], [], id="long-option"),
    ],
)
def test_expression_args(args: list[str], found: list[tuple[str, str]]) -> None:
    assert expression_args(args) == found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-k", "a and (("], "pytest argument -k 'a and ((' (after --): ", id="k"),
        pytest.param(["-mx y"], "pytest argument -m 'x y' (after --): ", id="m"),
    ],
)
def test_a_bad_match_expression_is_refused(args: list[str], message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        check_expressions(args)
    assert str(info.value).startswith(message + "not a valid expression: at column ")


def test_good_match_expressions_pass() -> None:
    check_expressions(["-k", "not slow and (a or b)", "-m", "", "-mslow"])


@pytest.mark.slow
@pytest.mark.parametrize("job", [False, True], ids=["run", "run-job"])
@pytest.mark.parametrize(
    ("args", "addopts", "message"),
    [
        pytest.param(
            ["--no-such-option"],
            "",
            "pytest refused its arguments (exit status 4): "
            "unrecognized arguments: --no-such-option",
            id="unknown-option",
        ),
        pytest.param(
            ["-p", "no_such_plugin_xyz"],
            "",
            "pytest refused its arguments (exit status 4): Error importing plugin "
            "\"no_such_plugin_xyz\": No module named 'no_such_plugin_xyz'",
            id="bad-plugin",
        ),
        pytest.param(
            ["-k", "a and (("],
            "",
            "pytest argument -k 'a and ((' (after --): not a valid expression: at column ",
            id="bad-k-under-xdist",
        ),
        pytest.param(
            ["-m", "x y"],
            "",
            "pytest argument -m 'x y' (after --): not a valid expression: at column ",
            id="bad-m-under-xdist",
        ),
        pytest.param(
            [],
            "--no-such-addopt",
            "pytest refused its arguments (exit status 4): "
            "unrecognized arguments: --no-such-addopt",
            id="bad-ini-addopts",
        ),
    ],
)
def test_pytest_usage_errors_through_run_and_job_mode(
    project: ProjectFactory, job: bool, args: list[str], addopts: str, message: str
) -> None:
    toml = BASIC_FILES["pyproject.toml"]
    if addopts:
        toml = toml.replace(
            'pythonpath = ["."]', f'pythonpath = ["."]\n        addopts = "{addopts}"'
        )
    p = project(extra={"pyproject.toml": toml})
    result = p.run("run", *(["--job", "j1"] if job else []), "--", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("covtasks: error: " + message), last
    assert "INTERNALERROR" not in result.stdout + result.stderr
    assert "not stable" not in result.stdout
    assert nothing_written(p)
