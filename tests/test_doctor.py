"""covtasks doctor: the pure diagnose() from tables of facts, then real temp projects."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from covtasks.commands.doctor import summary
from covtasks.config import Domain, load_config
from covtasks.doctor import Finding, cov_options, diagnose
from covtasks.doctor_facts import ProjectFacts, PytestArgs, coverage_key, coverage_objects, gather
from tests.helpers import BASIC_FILES, Project

ProjectFactory = Callable[..., Project]
INI = "[tool.pytest.ini_options] addopts in pyproject.toml"

# The basic project of tests/helpers.py, as facts: nothing wrong with it.
CLEAN = ProjectFacts(
    root=Path("/proj"),
    source=("pkg",),
    source_files=(
        "pkg/__init__.py",
        "pkg/epi/__init__.py",
        "pkg/epi/segment.py",
        "pkg/gov/__init__.py",
        "pkg/gov/rules.py",
        "pkg/sec/__init__.py",
        "pkg/sec/tokens.py",
    ),
    other_files=("tests/test_epi.py", "tests/test_gov.py", "tests/test_sec.py"),
    domains=(
        Domain("governance", ("pkg/gov/**",), 50),
        Domain("security", ("pkg/sec/*.py",), 50),
        Domain("episodes", ("pkg/epi/**",)),
    ),
    pytest_args=(PytestArgs(INI, ("-ra", "--strict-markers")),),
    python=(3, 12),
    trend="tests/coverage_reports/trends/coverage_trend.json",
)


def found(**changes: Any) -> list[tuple[str, str]]:
    return [(f.severity, f.code) for f in diagnose(replace(CLEAN, **changes))]


def only(**changes: Any) -> Finding:
    findings = diagnose(replace(CLEAN, **changes))
    assert len(findings) == 1, findings
    return findings[0]


# --- the pure core -----------------------------------------------------------------------


def test_clean_facts_have_no_findings() -> None:
    assert diagnose(CLEAN) == []


PROBLEMS = [
    pytest.param(
        {"pytest_args": (PytestArgs(INI, ("--cov=pkg",)),)}, "error", "addopts", id="addopts-cov"
    ),
    pytest.param(
        {"pytest_args": (PytestArgs("PYTEST_ADDOPTS", ("--cov-fail-under", "90")),)},
        "error",
        "addopts",
        id="env-fail-under",
    ),
    pytest.param(
        {"pytest_args": (PytestArgs("tool.covtasks.tests", ("tests", "--cov-report=xml")),)},
        "error",
        "addopts",
        id="tests-cov-report",
    ),
    pytest.param({"run_omit": ("pkg/epi/*",)}, "error", "omit", id="run-omit-whole-domain"),
    pytest.param({"report_omit": ("*/epi/*",)}, "error", "omit", id="report-omit-whole-domain"),
    pytest.param(
        {"report_include": ("pkg/gov/*", "pkg/sec/*")},
        "error",
        "omit",
        id="report-include-misses-domain",
    ),
    pytest.param({"run_omit": ("*/segment.py",)}, "info", "omitted", id="omit-part-of-domain"),
    pytest.param(
        {
            "run_omit": ("*/segment.py",),
            "domains": (Domain("episodes", ("pkg/epi/__init__.py", "pkg/epi/segment.py")),),
        },
        "warning",
        "omit",
        id="omit-a-file-the-domain-names",
    ),
    pytest.param(
        {
            "domains": (Domain("security", ("pkg/sec/*.py", "*/sec/*.py")),),
            "other_files": ("scripts/sec/rotate.py",),
        },
        "error",
        "outside-source",
        id="outside-source",
    ),
    pytest.param(
        {"domains": (*CLEAN.domains, Domain("auth", ("pkg/sec/tokens.py",)))},
        "info",
        "overlap",
        id="overlap",
    ),
    pytest.param({"expected_jobs": 3}, "warning", "relative-files", id="jobs-without-relative"),
    pytest.param(
        {"core": "sysmon", "python": (3, 11), "branch": False},
        "warning",
        "core",
        id="sysmon-before-3.12",
    ),
    pytest.param({"core": "sysmon", "python": (3, 13)}, "warning", "core", id="sysmon-branch"),
    pytest.param(
        {"source_files": (*CLEAN.source_files, "pkg/tests/helpers.py")},
        "warning",
        "tests-in-source",
        id="tests-dir-in-source",
    ),
    pytest.param(
        {"source_files": (*CLEAN.source_files, "pkg/gov/rules_test.py")},
        "warning",
        "tests-in-source",
        id="test-file-in-source",
    ),
    pytest.param({"trend_error": "not valid JSON"}, "error", "trend", id="trend-unreadable"),
    pytest.param({"trend_ignored": True}, "warning", "trend-ignored", id="trend-ignored"),
    pytest.param({"metrics_ignored": True}, "info", "metrics-ignored", id="metrics-ignored"),
    pytest.param({"xdist": False}, "error", "xdist", id="xdist-missing"),
    pytest.param({"installed": (("coverage", "7.10.2"),)}, "error", "version", id="old-coverage"),
    pytest.param({"installed": (("pytest", "7.3.2"),)}, "error", "version", id="old-pytest"),
    pytest.param({"installed": (("pytest-xdist", "3.4.0"),)}, "error", "version", id="old-xdist"),
    pytest.param(
        {"coverage_objects": ("tests/test_plugin.py",)},
        "warning",
        "coverage-objects",
        id="creates-coverage-objects",
    ),
    pytest.param(
        {"thresholds": (("tool.covtasks.fail_under", 80.125),)},
        "warning",
        "threshold-decimals",
        id="threshold-more-decimals-than-precision",
    ),
    pytest.param(
        {"max_missing": 10, "domains": (Domain("gov", ("pkg/gov/**",), max_missing=10),)},
        "info",
        "threshold-never-decides",
        id="domain-max-missing-not-below-the-top",
    ),
    pytest.param(
        {"file_fail_under": 60, "domains": (Domain("gov", ("pkg/gov/**",), file_fail_under=60),)},
        "info",
        "threshold-never-decides",
        id="domain-file-fail-under-not-above-the-top",
    ),
]


@pytest.mark.parametrize(("changes", "severity", "code"), PROBLEMS)
def test_each_problem_is_one_finding(changes: dict[str, Any], severity: str, code: str) -> None:
    assert found(**changes) == [(severity, code)]


NOT_PROBLEMS = [
    pytest.param({"pytest_args": (PytestArgs(INI, ("--no-cov", "-p", "no:cov")),)}, id="no-cov"),
    pytest.param({"run_omit": ("*/migrations/*",)}, id="omit-outside-domains"),
    pytest.param({"expected_jobs": 3, "relative_files": True}, id="jobs-with-relative"),
    pytest.param({"core": "sysmon", "python": (3, 14)}, id="sysmon-on-3.14"),
    pytest.param({"core": "sysmon", "python": (3, 12), "branch": False}, id="sysmon-no-branch"),
    pytest.param({"core": "ctrace", "python": (3, 9)}, id="ctrace"),
    pytest.param(
        {"source_files": (*CLEAN.source_files, "pkg/tests/t.py"), "run_omit": ("*/tests/*",)},
        id="tests-omitted",
    ),
    pytest.param(
        {"source": ("tests",), "source_files": ("tests/helpers.py",), "domains": ()},
        id="tests-dir-is-the-source",
    ),
    pytest.param({"trend": None, "trend_ignored": True}, id="trend-off"),
    pytest.param({"workers": 0, "xdist": False}, id="no-xdist-needed"),
    pytest.param(
        {"installed": (("coverage", "7.10.3"), ("pytest", "7.4.0"), ("pytest-xdist", "3.5.0"))},
        id="versions-at-the-floors",
    ),
    pytest.param(
        {"installed": (("pytest-xdist", "3.0.0"), ("nox", "2020.1.1")), "workers": 0},
        id="old-xdist-unused-old-nox-not-measured",
    ),
    pytest.param({"installed": (("coverage", None),)}, id="version-unknown"),
    pytest.param(
        {"thresholds": (("tool.covtasks.fail_under", 80.12),)}, id="threshold-at-precision"
    ),
    pytest.param(
        {"thresholds": (("tool.covtasks.fail_under", 80.125),), "precision": 3},
        id="threshold-at-a-higher-precision",
    ),
    pytest.param(
        {"max_missing": 10, "domains": (Domain("gov", ("pkg/gov/**",), max_missing=9),)},
        id="domain-max-missing-below-the-top",
    ),
    pytest.param(
        {
            "file_fail_under": 60,
            "domains": (Domain("gov", ("pkg/gov/**",), 50, file_fail_under=90),),
        },
        id="domain-file-fail-under-above-the-top-and-its-fail-under",
    ),
    pytest.param({"domains": (Domain("gov", ("pkg/gov/**",), max_missing=0),)}, id="max-missing-0"),
]


@pytest.mark.parametrize("changes", NOT_PROBLEMS)
def test_setups_that_are_fine(changes: dict[str, Any]) -> None:
    assert found(**changes) == []


MIGRATIONS = tuple(f"pkg/{d}/migrations/0001_initial.py" for d in ("gov", "sec", "epi"))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, [("info", "omitted")], id="django-migrations-said-once"),
        pytest.param(
            {"report_omit": ("*/0001_initial.py",)},
            [("info", "omitted")],
            id="two-patterns-still-once",
        ),
        pytest.param(
            {"domains": (*CLEAN.domains, Domain("first", ("pkg/gov/migrations/0001_initial.py",)))},
            [("error", "omit"), ("info", "omitted"), ("info", "overlap")],
            id="a-domain-of-omitted-files-only",
        ),
        pytest.param(
            {"domains": (Domain("gov", ("pkg/gov/rules.py", "pkg/gov/migrations/*.py")),)},
            [("info", "omitted")],
            id="named-file-kept",
        ),
        pytest.param(
            {"domains": (Domain("gov", ("pkg/gov/rules.py", *MIGRATIONS[:1])),)},
            [("warning", "omit")],
            id="named-file-omitted",
        ),
    ],
)
def test_omit_of_generated_code(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    facts = {"source_files": (*CLEAN.source_files, *MIGRATIONS), "run_omit": ("*/migrations/*",)}
    assert found(**{**facts, **changes}) == expected


def test_omitted_info_names_every_domain_once() -> None:
    finding = only(source_files=(*CLEAN.source_files, *MIGRATIONS), run_omit=("*/migrations/*",))
    assert finding.line() == (
        "info    omitted: coverage's own settings leave out 2 files of domains governance, "
        "episodes ('*/migrations/*' in [tool.coverage.run] omit in pyproject.toml); "
        "they are not counted in them -> fix: nothing if deliberate (generated code, "
        "migrations); else remove '*/migrations/*' from [tool.coverage.run] omit in "
        "pyproject.toml"
    )


def test_finding_line_format() -> None:
    finding = only(pytest_args=(PytestArgs(INI, ("--cov=pkg", "--cov-fail-under=90")),))
    assert finding.line() == (
        "error   addopts: pytest addopts contain --cov=pkg, --cov-fail-under=90 (pytest-cov "
        "would measure a second time, with thresholds of its own) -> fix: remove --cov=pkg, "
        "--cov-fail-under=90 from [tool.pytest.ini_options] addopts in pyproject.toml "
        "(covtasks measures; thresholds go in [tool.covtasks])"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cov"], ["--cov"]),
        (["--cov", "pkg", "tests"], ["--cov pkg"]),
        (["--cov", "-x"], ["--cov"]),
        (
            ["--cov-report", "term-missing", "--cov-report=xml"],
            ["--cov-report term-missing", "--cov-report=xml"],
        ),
        (["--cov-branch", "tests"], ["--cov-branch"]),
        (["--no-cov", "-ra"], []),
    ],
)
def test_cov_options(args: list[str], expected: list[str]) -> None:
    assert cov_options(args) == expected


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (None, "[tool.coverage.run] omit in pyproject.toml"),
        ("pyproject.toml", "[tool.coverage.run] omit in pyproject.toml"),
        (".coveragerc", "[run] omit in .coveragerc"),
        ("setup.cfg", "[coverage:run] omit in setup.cfg"),
        ("tox.ini", "[coverage:run] omit in tox.ini"),
    ],
)
def test_fix_names_the_coverage_file_and_section(file: str | None, expected: str) -> None:
    assert coverage_key(file, "run", "omit") == expected


def test_omit_fix_names_the_pattern_and_its_file() -> None:
    finding = only(run_omit=("pkg/epi/*",), coverage_file=".coveragerc")
    assert "remove 'pkg/epi/*' from [run] omit in .coveragerc" in finding.fix


def test_outside_source_fix_names_the_directory() -> None:
    finding = only(
        domains=(Domain("security", ("*/sec/*.py",)),), other_files=("scripts/sec/rotate.py",)
    )
    assert finding.fix.startswith("add 'scripts' to tool.covtasks.source in pyproject.toml")


def test_overlap_names_the_count_and_the_domains() -> None:
    finding = only(domains=(*CLEAN.domains, Domain("auth", ("pkg/sec/*",))))
    assert finding.problem.startswith("2 files in both domains security and auth")


def test_tests_in_source_fix_suggests_omit_patterns() -> None:
    files = (*CLEAN.source_files, "pkg/tests/helpers.py", "pkg/test_api.py")
    finding = only(source_files=files)
    assert finding.fix.startswith('add "*/tests/*", "test_*.py" to [tool.coverage.run] omit')


def test_core_from_the_environment_is_fixed_there() -> None:
    finding = only(core="sysmon", core_where="COVERAGE_CORE", python=(3, 11))
    assert finding.fix == "unset COVERAGE_CORE (covtasks picks the core)"


@pytest.mark.parametrize(
    ("value", "precision", "flagged"),
    [(80, 0, False), (80.0, 0, False), (80.5, 0, True), (80.12, 2, False), (1e-05, 2, True)],
)
def test_threshold_decimals(value: float, precision: int, flagged: bool) -> None:
    facts = {"thresholds": (("tool.covtasks.fail_under", value),), "precision": precision}
    assert found(**facts) == ([("warning", "threshold-decimals")] if flagged else [])


def test_threshold_decimals_names_the_effective_threshold() -> None:
    finding = only(thresholds=(("tool.covtasks.domains.gov.file_fail_under", 80.125),))
    assert finding.problem == (
        "tool.covtasks.domains.gov.file_fail_under = 80.125 has more decimals than "
        "precision = 2: coverage.py releases before 7.17.1 compare the figure rounded to 2 "
        "decimals, so the threshold is effectively 80.13"
    )
    assert (
        finding.fix
        == "round tool.covtasks.domains.gov.file_fail_under to 2 decimals, or raise precision"
    )


def test_gather_lists_the_thresholds_that_are_set(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(
        "fail_under = 50\n\n", "fail_under = 50\nfile_fail_under = 40.5\nmax_missing = 7\n\n", 1
    )
    p = project(extra={"pyproject.toml": toml})
    facts = gather(p.root, load_config(p.root))
    assert facts.thresholds == (
        ("tool.covtasks.fail_under", 50),
        ("tool.covtasks.file_fail_under", 40.5),
        ("tool.covtasks.domains.governance.fail_under", 50),
        ("tool.covtasks.domains.security.fail_under", 50),
    )
    assert (facts.max_missing, facts.precision) == (7, 2)


def test_findings_are_ordered_by_severity() -> None:
    findings = diagnose(replace(CLEAN, metrics_ignored=True, expected_jobs=2, xdist=False))
    assert [f.severity for f in findings] == ["error", "warning", "info"]


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([], "doctor: no problems found"),
        (["error", "warning", "warning"], "doctor: 1 error, 2 warnings"),
        (["warning"], "doctor: 0 errors, 1 warning"),
        (["error", "error", "info"], "doctor: 2 errors, 0 warnings, 1 info"),
    ],
)
def test_summary_line(severities: list[Any], expected: str) -> None:
    assert summary([Finding(s, "x", "p", "f") for s in severities]) == expected


# --- real temp projects, gathered in this process ------------------------------------------

PYPROJECT = textwrap.dedent(BASIC_FILES["pyproject.toml"])
NO_PYTEST_TABLE = PYPROJECT.replace('[tool.pytest.ini_options]\npythonpath = ["."]\n', "")


def with_pyproject(old: str, new: str) -> dict[str, str]:
    assert old in PYPROJECT
    return {"pyproject.toml": PYPROJECT.replace(old, new)}


def appended(text: str) -> dict[str, str]:
    return {"pyproject.toml": PYPROJECT + text}


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PYTEST_ADDOPTS", "COVERAGE_CORE", "COVERAGE_RCFILE"):
        monkeypatch.delenv(name, raising=False)


def project_findings(p: Project) -> list[tuple[str, str]]:
    return [(f.severity, f.code) for f in diagnose(gather(p.root, load_config(p.root)))]


def test_clean_project_has_no_findings(project: ProjectFactory) -> None:
    assert project_findings(project()) == []


SKIP_314 = pytest.mark.skipif(sys.version_info >= (3, 14), reason="sysmon measures branches")
PLANTED = [
    pytest.param(
        with_pyproject('pythonpath = ["."]', 'pythonpath = ["."]\naddopts = "-ra --cov=pkg"'),
        [("error", "addopts")],
        id="addopts-pyproject",
    ),
    pytest.param(
        {"pytest.ini": "[pytest]\naddopts = --cov-fail-under=90\n"},
        [("error", "addopts")],
        id="addopts-pytest-ini",
    ),
    pytest.param(
        {"pyproject.toml": NO_PYTEST_TABLE, "tox.ini": "[pytest]\naddopts = --cov pkg\n"},
        [("error", "addopts")],
        id="addopts-tox-ini",
    ),
    pytest.param(
        {
            "pyproject.toml": NO_PYTEST_TABLE,
            "setup.cfg": "[tool:pytest]\naddopts = --cov-report=xml\n",
        },
        [("error", "addopts")],
        id="addopts-setup-cfg",
    ),
    pytest.param(
        {"tox.ini": "[pytest]\naddopts = --cov\n"}, [], id="tox-ini-shadowed-by-pyproject"
    ),
    pytest.param(
        {"pytest.toml": '[pytest]\naddopts = ["--cov=pkg"]\n'},
        [("error", "addopts")],
        id="addopts-pytest-toml",
    ),
    pytest.param(
        {"pytest.ini": '[pytest]\naddopts = -k "unbalanced --cov\n'},
        [("error", "addopts")],
        id="addopts-unbalanced-quote",
    ),
    pytest.param(
        appended('\n[tool.coverage.run]\nomit = ["pkg/epi/*"]\n'),
        [("error", "omit")],
        id="run-omit",
    ),
    pytest.param(
        {".coveragerc": "[report]\ninclude =\n    pkg/gov/*\n    pkg/sec/*\n"},
        [("error", "omit")],
        id="report-include",
    ),
    pytest.param(
        {
            "scripts/sec/rotate.py": "",
            **with_pyproject('paths = ["pkg/sec/*.py"]', 'paths = ["pkg/sec/*.py", "*/sec/*.py"]'),
        },
        [("error", "outside-source")],
        id="outside-source",
    ),
    pytest.param(
        appended('\n[tool.covtasks.domains.auth]\npaths = ["pkg/sec/tokens.py"]\n'),
        [("info", "overlap")],
        id="overlap",
    ),
    pytest.param(
        with_pyproject("workers = 2", "workers = 2\nexpected_jobs = 2"),
        [("warning", "relative-files")],
        id="relative-files",
    ),
    pytest.param(
        with_pyproject("workers = 2", 'workers = 2\ncore = "sysmon"'),
        [("warning", "core")],
        id="sysmon",
        marks=SKIP_314,
    ),
    pytest.param(
        {"pkg/tests/__init__.py": "", "pkg/tests/test_inner.py": "def test_x(): pass\n"},
        [("warning", "tests-in-source")],
        id="tests-in-source",
    ),
    pytest.param(
        {"tests/coverage_reports/trends/coverage_trend.json": "{"},
        [("error", "trend")],
        id="trend-unreadable",
    ),
    pytest.param(
        {"tests/test_meta.py": "import coverage\n\ndef test_m():\n    coverage.Coverage()\n"},
        [("warning", "coverage-objects")],
        id="coverage-objects",
    ),
]


@pytest.mark.parametrize(("files", "expected"), PLANTED)
def test_planted_problem_is_found(
    project: ProjectFactory,
    files: Mapping[str, str],
    expected: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COVERAGE_COVERAGE", raising=False)  # set when covtasks measures itself
    assert project_findings(project(extra=files)) == expected


def test_xdist_missing_is_found(project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    p = project()
    monkeypatch.setitem(sys.modules, "xdist", None)  # find_spec("xdist") is None now
    assert project_findings(p) == [("error", "xdist")]


def test_old_coverage_line_names_the_upgrade() -> None:
    assert only(installed=(("coverage", "7.10.0"),)).line() == (
        "error   version: coverage 7.10.0 is installed, covtasks needs >= 7.10.3 (subprocess "
        'measurement of xdist workers) -> fix: pip install -U "coverage>=7.10.3"'
    )


def test_addopts_from_the_environment_is_found(
    project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = project()
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x --cov=pkg")
    finding = diagnose(gather(p.root, load_config(p.root)))[0]
    assert "the PYTEST_ADDOPTS environment variable" in finding.fix


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git_project(project: ProjectFactory, gitignore: str) -> Project:
    p = project(extra={".gitignore": gitignore})
    subprocess.run(["git", "init", "-q", str(p.root)], check=True)
    return p


@needs_git
def test_ignored_trend_is_a_warning(project: ProjectFactory) -> None:
    p = git_project(project, "tests/coverage_reports/trends/\n")
    assert project_findings(p) == [("warning", "trend-ignored")]


@needs_git
def test_ignored_metrics_is_an_info(project: ProjectFactory) -> None:
    p = git_project(project, "tests/coverage_reports/metrics/\n")
    assert project_findings(p) == [("info", "metrics-ignored")]


@needs_git
def test_git_repo_without_ignores_is_clean(project: ProjectFactory) -> None:
    assert project_findings(git_project(project, "__pycache__/\n")) == []


# --- python -m covtasks doctor ------------------------------------------------------------


@pytest.mark.slow
def test_cli_clean_project(project: ProjectFactory) -> None:
    result = project().run("doctor")
    assert (result.returncode, result.stdout) == (0, "doctor: no problems found\n")


@pytest.mark.slow
def test_cli_error_exits_1_with_the_fix(project: ProjectFactory) -> None:
    files = with_pyproject('pythonpath = ["."]', 'pythonpath = ["."]\naddopts = "--cov=pkg"')
    result = project(extra=files).run("doctor")
    assert (result.returncode, result.stdout.splitlines()) == (
        1,
        [
            "error   addopts: pytest addopts contain --cov=pkg (pytest-cov would measure a "
            "second time, with thresholds of its own) -> fix: remove --cov=pkg from "
            "[tool.pytest.ini_options] addopts in pyproject.toml (covtasks measures; "
            "thresholds go in [tool.covtasks])",
            "doctor: 1 error, 0 warnings",
        ],
    )


@pytest.mark.slow
def test_cli_warnings_only_exit_0(project: ProjectFactory) -> None:
    result = project(extra={"pkg/gov/rules_test.py": ""}).run("doctor")
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "doctor: 0 errors, 1 warning")


@pytest.mark.slow
def test_cli_bad_configuration_exits_2(project: ProjectFactory) -> None:
    result = project(extra=with_pyproject("workers = 2", "wrokers = 2")).run("doctor")
    assert (result.returncode, result.stdout) == (2, "")
    assert "tool.covtasks.wrokers: unknown key" in result.stderr


@pytest.mark.slow
def test_run_doctor_stops_before_the_tests(project: ProjectFactory) -> None:
    p = project()
    toml = (
        p.path("pyproject.toml")
        .read_text()
        .replace(
            "[tool.pytest.ini_options]\n", '[tool.pytest.ini_options]\naddopts = "--cov=pkg"\n'
        )
    )
    p.write({"pyproject.toml": toml})
    result = p.run("run", "--doctor")
    assert result.returncode == 2
    assert "test session starts" not in result.stdout
    assert "doctor found errors" in result.stderr


@pytest.mark.slow
def test_run_doctor_on_a_clean_project_goes_on(project: ProjectFactory) -> None:
    result = project().run("run", "--doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "doctor: no problems found" in result.stdout


@pytest.mark.parametrize(
    ("facts", "found"),
    [
        pytest.param({"metacov": True}, False, id="coverage-coverage-set"),
        pytest.param({"workers": 0}, False, id="no-xdist-workers"),
        pytest.param({}, True, id="xdist-workers"),
    ],
)
def test_coverage_objects_matter_only_in_auto_measured_workers(
    facts: dict[str, Any], found: bool
) -> None:
    project = replace(CLEAN, coverage_objects=("tests/test_plugin.py",), **facts)
    codes = [f.code for f in diagnose(project)]
    assert ("coverage-objects" in codes) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("cov = coverage.Coverage(data_file=None)\n", True),
        ("from coverage import Coverage\nc = Coverage ()\n", True),
        ("class LineCoverage(Base): ...\n", False),
        ("import coverage\nprint(coverage.__version__)\n", False),
    ],
)
def test_coverage_objects_are_calls_of_coverage(tmp_path: Path, text: str, found: bool) -> None:
    (tmp_path / "m.py").write_text(text)
    assert (coverage_objects(tmp_path, ["m.py", "missing.py"]) == ["m.py"]) is found


TREND = "tests/coverage_reports/trends/coverage_trend.json"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            '{"format": 2, "baselines": []}',
            f"error   trend: the trend file {TREND}: trend format 2 was written by a newer "
            "covtasks (this one reads format 1); upgrade covtasks -> fix: upgrade covtasks "
            "(pip install -U covtasks)",
            id="newer",
        ),
        pytest.param(
            '{"baselines": [3]}',
            f"error   trend: the trend file {TREND}: baselines[0]: expected an object -> fix: "
            f"repair it by hand, or move it aside (mv {TREND} {TREND}.bak) to start a new trend",
            id="bad-entry",
        ),
        pytest.param(
            "[]",
            f"error   trend: the trend file {TREND}: expected an object with a 'baselines' "
            f"array -> fix: repair it by hand, or move it aside (mv {TREND} {TREND}.bak) to "
            "start a new trend",
            id="not-an-object",
        ),
    ],
)
def test_unreadable_trend_is_one_finding_with_its_fix(
    project: ProjectFactory, text: str, line: str
) -> None:
    p = project(extra={TREND: text})
    assert [f.line() for f in diagnose(gather(p.root, load_config(p.root)))] == [line]
