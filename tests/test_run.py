"""End-to-end: real pytest + xdist + coverage through ``python -m covtasks run``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.helpers import BASIC_FILES, DB_DOWN, Project

pytestmark = pytest.mark.slow
ProjectFactory = Callable[..., Project]

METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"


def metrics(p: Project) -> dict:  # type: ignore[type-arg]
    return json.loads(p.path(METRICS).read_text())  # type: ignore[no-any-return]


def test_passing_suite_writes_metrics_and_trend(project: ProjectFactory) -> None:
    p = project()
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    data = metrics(p)
    assert set(data) >= {"meta", "files", "totals", "covtasks"}
    assert set(data["covtasks"]["domains"]) == {"governance", "security", "episodes"}
    trend = json.loads(p.path(TREND).read_text())
    assert trend["format"] == 1
    assert trend["baselines"][0]["overall"] == data["totals"]["percent_covered"]


def test_table_is_printed(project: ProjectFactory) -> None:
    result = project().run("run")
    assert "governance" in result.stdout
    assert "covtasks: all thresholds met" in result.stdout


@pytest.mark.parametrize("branch", [True, False])
def test_domain_percent_equals_coverage_report_include(
    project: ProjectFactory, branch: bool
) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(
        "workers = 2", f"workers = 2\n        branch = {str(branch).lower()}"
    )
    p = project(extra={"pyproject.toml": toml})
    assert p.run("run").returncode == 0
    data = metrics(p)
    assert data["meta"]["branch_coverage"] is branch
    domains = {"governance": "pkg/gov/**", "security": "pkg/sec/*.py", "episodes": "pkg/epi/**"}
    ours = {n: data["covtasks"]["domains"][n]["percent_covered_display"] for n in domains}
    theirs = {
        n: p.coverage("report", f"--include={g}", "--precision=2", "--format=total").stdout.strip()
        for n, g in domains.items()
    }
    assert ours == theirs


def test_domain_verdict_equals_coverage_fail_under(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(
        'paths = ["pkg/gov/**"]\n        fail_under = 50',
        'paths = ["pkg/gov/**"]\n        fail_under = 90',
    )
    p = project(extra={"pyproject.toml": toml})
    result = p.run("run")
    ours_failed = not metrics(p)["covtasks"]["gate"]["checks"][1]["passed"]
    theirs = p.coverage("report", "--include=pkg/gov/**", "--precision=2", "--fail-under=90")
    assert ours_failed == (theirs.returncode == 2)
    assert result.returncode == 1


def test_below_threshold_exits_1_and_names_domain(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(
        '[tool.covtasks.domains.episodes]\n        paths = ["pkg/epi/**"]',
        '[tool.covtasks.domains.episodes]\n        paths = ["pkg/epi/**"]\n'
        "        fail_under = 100",
    )
    p = project(
        extra={"pyproject.toml": toml, "tests/test_epi.py": "def test_nothing():\n    pass\n"}
    )
    result = p.run("run")
    assert result.returncode == 1
    assert "episodes: 0.00% is below fail_under = 100" in result.stdout


def test_gate_failure_still_writes_metrics(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50\n\n", "fail_under = 99\n\n", 1)
    p = project(extra={"pyproject.toml": toml})
    assert p.run("run").returncode == 1
    assert metrics(p)["covtasks"]["gate"]["passed"] is False


IMPORT_ERROR = {"tests/test_broken.py": "import pkg.does_not_exist\n\ndef test_x():\n    pass\n"}


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (IMPORT_ERROR, "collection/import errors: 1"),
        (DB_DOWN, "setup errors (database): 2"),
        ({"tests/test_fail.py": "def test_fails():\n    assert 1 == 2\n"}, "test failures: 1"),
    ],
    ids=["import-error", "db-fixture", "failure"],
)
def test_unstable_suite_exits_3_and_writes_nothing(
    project: ProjectFactory, broken: dict[str, str], expected: str
) -> None:
    p = project()
    assert p.run("run").returncode == 0
    before = (p.path(METRICS).read_bytes(), p.path(TREND).read_bytes())
    p.write(broken)
    result = p.run("run", "-p", "no:randomly")
    assert result.returncode == 3, result.stdout + result.stderr
    assert expected in result.stdout
    assert (p.path(METRICS).read_bytes(), p.path(TREND).read_bytes()) == before


def test_unstable_run_leaves_no_staging_data(project: ProjectFactory) -> None:
    p = project(extra=DB_DOWN)
    assert p.run("run").returncode == 3
    assert [x.name for x in p.path(".covtasks").iterdir()] == [".gitignore"]


def test_db_error_message_is_shown_once_with_its_nodes(project: ProjectFactory) -> None:
    result = project(extra=DB_DOWN).run("run")
    assert "sqlite3.OperationalError: unable to open database file" in result.stdout
    assert "tests/test_db.py::test_a" in result.stdout


def test_quarantined_failure_does_not_block(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"] + (
        '\n[[tool.covtasks.stable.quarantine]]\nid = "tests/test_fail.py::test_fails"\n'
        'reason = "upstream bug #12"\n'
    )
    fail = {"tests/test_fail.py": "def test_fails():\n    assert 1 == 2\n"}
    p = project(extra={"pyproject.toml": toml, **fail})
    result = p.run("run")
    assert result.returncode == 0, result.stdout
    suite = metrics(p)["covtasks"]["suite"]
    assert suite["quarantined_failed"] == ["tests/test_fail.py::test_fails"]
    assert (suite["stable"], suite["pytest_exitstatus"]) == (True, 1)  # pytest's own status


QUARANTINED_FAILURE = {
    "tests/test_fail.py": "def test_fails():\n    assert 1 == 2\n",
    "pyproject.toml": BASIC_FILES["pyproject.toml"]
    + (
        '\n[[tool.covtasks.stable.quarantine]]\nid = "tests/test_fail.py::test_fails"\n'
        'reason = "upstream bug #12"\nuntil = 2099-12-31\n'
    ),
}
QUARANTINE_LINE = (
    "covtasks: quarantined test failed (not blocking): tests/test_fail.py::test_fails "
    "(reason: upstream bug #12; until 2099-12-31)"
)


@pytest.mark.parametrize("job", [False, True], ids=["run", "run-job"])
def test_quarantined_failure_is_named_after_pytests_summary(
    project: ProjectFactory, job: bool
) -> None:
    p = project(extra=QUARANTINED_FAILURE)
    result = p.run("run", *(["--job", "j1"] if job else []))
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.index("1 failed")
    assert result.stdout.index(QUARANTINE_LINE) > summary
    assert result.stdout.count(QUARANTINE_LINE) == 1
    if job:
        suite = json.loads(p.path("coverage-jobs/j1/manifest.json").read_text())["suite"]
    else:
        suite = metrics(p)["covtasks"]["suite"]
    assert (suite["stable"], suite["pytest_exitstatus"]) == (True, 1)


def test_xdist_and_serial_measure_identical_lines(project: ProjectFactory) -> None:
    p = project()
    assert p.run("run").returncode == 0
    with_xdist = {f: v["executed_lines"] for f, v in metrics(p)["files"].items()}
    p.write({"pyproject.toml": BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 0")})
    assert p.run("run").returncode == 0
    serial = {f: v["executed_lines"] for f, v in metrics(p)["files"].items()}
    assert with_xdist == serial


def test_rerun_on_same_commit_replaces_trend_entry(project: ProjectFactory) -> None:
    p = project()
    env = {"COVTASKS_COMMIT": "abc123"}
    assert p.run("run", env=env).returncode == 0
    assert p.run("run", env=env).returncode == 0
    trend = json.loads(p.path(TREND).read_text())
    assert [b["commit"] for b in trend["baselines"]] == ["abc123"]


def test_legacy_flat_trend_entries_are_kept(project: ProjectFactory) -> None:
    legacy = {"date": "2026-01-01", "overall": 15.57, "governance": 14.0, "security": 0}
    seed = json.dumps({"baselines": [legacy]})
    p = project(extra={TREND: seed})
    assert p.run("run").returncode == 0
    trend = json.loads(p.path(TREND).read_text())
    assert trend["baselines"][0] == legacy
    assert len(trend["baselines"]) == 2


def test_source_never_imported_is_named(project: ProjectFactory) -> None:
    p = project(extra={"pkg2/__init__.py": "X = 1\n"})
    toml = BASIC_FILES["pyproject.toml"].replace('source = ["pkg"]', 'source = ["pkg", "pkg2"]')
    p.write({"pyproject.toml": toml})
    result = p.run("run")
    assert "nothing under pkg2/ ran during the tests" in result.stdout


def test_pytest_args_pass_through(project: ProjectFactory) -> None:
    result = project().run("run", "--", "-k", "autonomous")
    assert "1 passed" in result.stdout


FLAKY = {
    "tests/test_flaky.py": """
        from pathlib import Path

        def test_passes_second_time():
            marker = Path(__file__).with_name("flaky-marker")
            if not marker.exists():
                marker.write_text("failed once")
                assert False, "first run fails"
        """,
}


def test_flaky_test_is_rerun_and_recorded(project: ProjectFactory) -> None:
    p = project(extra=FLAKY)
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    suite = metrics(p)["covtasks"]["suite"]
    assert (suite["stable"], suite["pytest_exitstatus"]) == (True, 1)  # the measured run's
    flaky = suite["flaky"]
    assert flaky == [
        {
            "nodeid": "tests/test_flaky.py::test_passes_second_time",
            "first": "failed",
            "rerun": "passed",
        }
    ]


def test_flaky_count_goes_into_the_trend(project: ProjectFactory) -> None:
    p = project(extra=FLAKY)
    p.run("run")
    assert json.loads(p.path(TREND).read_text())["baselines"][-1]["flaky"] == 1


def test_always_failing_test_is_broken_after_rerun(project: ProjectFactory) -> None:
    p = project(extra={"tests/test_fail.py": "def test_fails():\n    assert 1 == 2\n"})
    result = p.run("run")
    assert result.returncode == 3
    assert "rerunning 1 failed test(s) alone" in result.stdout
    assert not p.path(METRICS).exists()


def test_setup_errors_are_never_rerun(project: ProjectFactory) -> None:
    result = project(extra=DB_DOWN).run("run")
    assert result.returncode == 3
    assert "rerunning" not in result.stdout


def test_more_flaky_than_max_flaky_is_unstable(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"] + "\n[tool.covtasks.stable]\nmax_flaky = 0\n"
    p = project(extra={**FLAKY, "pyproject.toml": toml})
    result = p.run("run")
    assert result.returncode == 3
    assert not p.path(METRICS).exists()


def test_quarantined_test_that_passes_is_listed_for_release(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"] + (
        '\n[[tool.covtasks.stable.quarantine]]\nid = "tests/test_gov.py::test_blocked"\n'
        'reason = "was flaky"\nuntil = 2099-12-31\n'
    )
    result = project(extra={"pyproject.toml": toml}).run("run")
    assert "release it from stable.quarantine: tests/test_gov.py::test_blocked" in result.stdout


def test_src_layout_works_with_no_covtasks_config(project: ProjectFactory) -> None:
    p = project(
        files={
            "src/mylib/__init__.py": "def double(x):\n    return 2 * x\n",
            "tests/test_lib.py": "from mylib import double\n\ndef test_double():\n"
            "    assert double(2) == 4\n",
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        }
    )
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(metrics(p)["files"]) == {"src/mylib/__init__.py"}


COVERAGE_AWARE_TEST = """
    import coverage
    from pkg.gov.rules import decide

    def test_makes_its_own_coverage_object(tmp_path):
        coverage.Coverage(data_file=str(tmp_path / "own"))
        assert decide(5) == "autonomous"

    def test_other():
        assert decide(0) == "blocked"
    """


def test_a_test_creating_a_coverage_object_is_named_as_a_cause(project: ProjectFactory) -> None:
    # coverage.py stops saving an auto-measured process's data once that process
    # creates a Coverage object of its own: covtasks refuses the incomplete data.
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 1")
    p = project(extra={"tests/test_gov.py": COVERAGE_AWARE_TEST, "pyproject.toml": toml})
    result = p.run("run", env={"COVERAGE_COVERAGE": None})  # set when covtasks measures itself
    assert result.returncode == 2, result.stdout + result.stderr
    assert "wrote no coverage data: gw0" in result.stderr
    assert "set COVERAGE_COVERAGE=1" in result.stderr
    assert not p.path(METRICS).exists()


def test_coverage_coverage_measures_code_that_creates_coverage_objects(
    project: ProjectFactory,
) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 1")
    p = project(extra={"tests/test_gov.py": COVERAGE_AWARE_TEST, "pyproject.toml": toml})
    result = p.run("run", env={"COVERAGE_COVERAGE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert metrics(p)["covtasks"]["domains"]["governance"]["percent_covered"] > 0
