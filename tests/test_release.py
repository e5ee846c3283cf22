"""The gate command, the release gate's freshness checks and the ratchet."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from coverage.results import should_fail_under as coverage_should_fail_under

from covtasks.errors import CovtasksError
from covtasks.release import Figures, freshness, ratchet, read_metrics, suggestion
from covtasks.trend import Baseline
from tests.helpers import BASIC_FILES, Project

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"


def figures(overall: float = 80.0, **domains: float) -> Figures:
    return Figures(overall, domains, commit="new", dirty=False, stable=True)


def base(commit: str | None, overall: float, dirty: bool = False, **domains: float) -> Baseline:
    return Baseline(date="2026-11-01", commit=commit, overall=overall, domains=domains, dirty=dirty)


@pytest.mark.parametrize(
    ("now", "previous", "tolerance", "failed"),
    [
        (figures(80.0), [base("old", 80.0)], 0.0, []),
        (figures(79.99), [base("old", 80.0)], 0.0, ["overall"]),
        (figures(79.5), [base("old", 80.0)], 0.5, []),
        (figures(79.4), [base("old", 80.0)], 0.5, ["overall"]),
        (figures(80.0, gov=70.0), [base("old", 80.0, gov=75.0)], 0.0, ["gov"]),
        (figures(80.0, new=10.0), [base("old", 80.0)], 0.0, []),
        (figures(70.0), [base("old", 80.0), base("new", 70.0)], 0.0, ["overall"]),
        (figures(70.0), [base("new", 90.0)], 0.0, []),
        (figures(79.996), [base("old", 80.0)], 0.0, []),
        (figures(70.0), [base("old", 80.0), base("mid", 70.0, dirty=True)], 0.0, ["overall"]),
    ],
    ids=[
        "same",
        "small-drop",
        "within-tolerance",
        "beyond-tolerance",
        "domain-drop",
        "new-domain",
        "skips-own-commit",
        "no-other-commit",
        "equal-at-precision",
        "skips-dirty-entries",
    ],
)
def test_ratchet(
    now: Figures, previous: list[Baseline], tolerance: float, failed: list[str]
) -> None:
    checks = ratchet(now, previous, "new", {"overall": tolerance, "gov": tolerance}, 2)
    assert [c.name for c in checks if not c.passed] == failed


def test_ratchet_names_the_drop_and_the_commit() -> None:
    (check,) = [
        c
        for c in ratchet(figures(90.0, gov=74.36), [base("1a2b3c4d", 90, gov=92.95)], "x", {}, 2)
        if not c.passed
    ]
    assert check.detail == (
        "dropped from 92.95% to 74.36% (-18.59 points, tolerance 0) against 1a2b3c4 (2026-11-01)"
    )


def test_ratchet_reads_legacy_flat_baselines() -> None:
    legacy = Baseline(date="2025-01-01", commit=None, overall=15.57, domains={"gov": 14.0})
    assert all(c.passed for c in ratchet(figures(80.0, gov=81.0), [legacy], "x", {}, 2))


@pytest.mark.parametrize(
    ("commit", "dirty", "stable", "head", "kinds"),
    [
        ("abc", False, True, "abc", []),
        ("old", False, True, "abc", ["fresh"]),
        (None, False, True, "abc", ["fresh"]),
        ("abc", True, True, "abc", ["fresh"]),
        ("abc", False, False, "abc", ["stable"]),
        ("abc", False, True, None, ["fresh"]),
    ],
    ids=["fresh", "stale", "no-commit", "dirty", "unstable", "no-git"],
)
def test_freshness(
    commit: str | None, dirty: bool, stable: bool, head: str | None, kinds: list[str]
) -> None:
    checks = freshness(Figures(90.0, {}, commit, dirty, stable), head)
    assert [c.kind for c in checks] == kinds


@pytest.mark.parametrize(
    ("percent", "configured", "line"),
    [
        (84.376, 50.0, "fail_under = 84.38  # now 50"),
        (84.376, None, "fail_under = 84.38  # now unset"),
        (84.376, 84.38, "fail_under = 84.38  # now 84.38"),
        # coverage 7.17.1+ compares at the threshold's own decimals (84.375 holds);
        # older releases at `precision` (84.37 < 84.375): the installed rule decides.
        (
            84.3749,
            84.375,
            "fail_under = 84.375  # now 84.375"
            if not coverage_should_fail_under(84.3749, 84.375, 2)
            else "# fail_under = 84.375 fails: gov is at 84.37%; raise the coverage "
            "(--suggest never lowers a threshold)",
        ),
        (99.999, 90.0, "fail_under = 99.99  # now 90"),
        (100.0, 100.0, "fail_under = 100  # now 100"),
        (
            65.03,
            80.0,
            "# fail_under = 80 fails: gov is at 65.03%; raise the coverage "
            "(--suggest never lowers a threshold)",
        ),
        (
            99.999,
            100.0,
            "# fail_under = 100 fails: gov is at 99.99%; raise the coverage "
            "(--suggest never lowers a threshold)",
        ),
    ],
    ids=[
        "raise",
        "unset",
        "equal",
        "more-decimals",
        "near-100",
        "exactly-100",
        "failing",
        "failing-100",
    ],
)
def test_suggestion(percent: float, configured: float | None, line: str) -> None:
    assert suggestion("gov", percent, configured, 2) == line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read the metrics JSON"),
        ("[]", "the metrics JSON is not an object"),
        ('{"files": {}, "covtasks": {}}', "the metrics JSON has no 'totals' object"),
        ('{"totals": {}, "covtasks": {}}', "the metrics JSON has no 'files' object"),
        ('{"totals": {}, "files": {}}', "the metrics JSON has no 'covtasks' object"),
        (
            '{"totals": {"percent_covered": "x"}, "files": {}, "covtasks": {}}',
            "totals.percent_covered is not a number",
        ),
    ],
)
def test_bad_metrics(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(CovtasksError, match=message):
        read_metrics(path)


def test_missing_metrics_says_how_to_make_them(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError, match="run `covtasks run`"):
        read_metrics(tmp_path / "nope.json")


# --- real git repositories ---------------------------------------------------------


def git(p: Project, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=p.root, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_all(p: Project, message: str) -> str:
    git(p, "add", "-A")
    git(p, "commit", "-q", "-m", message)
    return git(p, "rev-parse", "HEAD")


@pytest.fixture
def repo(project: ProjectFactory) -> Project:
    """The basic project as a git repository with one commit, measured once."""
    p = project(extra={".gitignore": ".covtasks/\n"})
    git(p, "init", "-q")
    git(p, "config", "user.email", "dev@example.com")
    git(p, "config", "user.name", "dev")
    commit_all(p, "first")
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    commit_all(p, "metrics and trend")
    return p


@pytest.mark.slow
def test_release_gate_passes_on_fresh_metrics(repo: Project) -> None:
    assert repo.run("run").returncode == 0
    result = repo.run("gate", "--release")
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_release_gate_fails_when_a_domain_dropped(repo: Project) -> None:
    repo.path("tests/test_sec.py").unlink()
    commit_all(repo, "remove the security test")
    repo.run("run")
    result = repo.run("gate", "--release")
    assert result.returncode == 1
    assert "  - security: dropped from" in result.stdout


@pytest.mark.slow
def test_drop_within_tolerance_passes(repo: Project) -> None:
    toml = (
        BASIC_FILES["pyproject.toml"]
        .replace("fail_under = 50\n\n", "fail_under = 0\ntolerance = 100\n\n", 1)
        .replace("fail_under = 50", "fail_under = 0")
    )
    repo.write({"pyproject.toml": toml})
    repo.path("tests/test_sec.py").unlink()
    commit_all(repo, "remove the security test, tolerate it")
    repo.run("run")
    result = repo.run("gate", "--release")
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_metrics_of_an_older_commit_are_stale(repo: Project) -> None:
    repo.write({"pkg/gov/more.py": "X = 1\n"})
    head = commit_all(repo, "new code, not measured")
    result = repo.run("gate", "--release")
    assert result.returncode == 1
    assert f"HEAD is {head[:12]}" in result.stdout


@pytest.mark.slow
def test_plain_gate_rechecks_thresholds_of_the_current_config(repo: Project) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50", "fail_under = 99.9", 1)
    repo.write({"pyproject.toml": toml})
    result = repo.run("gate")
    assert result.returncode == 1
    assert "FAIL fail_under overall" in result.stdout


@pytest.mark.slow
def test_suggest_prints_passing_thresholds(repo: Project) -> None:
    overall = json.loads(repo.path(METRICS).read_text())["totals"]["percent_covered"]
    result = repo.run("gate", "--suggest")
    assert f"fail_under = {round(overall, 2):g}" in result.stdout


UNTESTED = "def untested(x: int) -> int:\n    if x:\n        return x\n    return -x\n"


@pytest.mark.slow
def test_a_dirty_run_never_replaces_a_baseline(repo: Project) -> None:
    """Issue 14: an untracked new file measured on commit A must not stand as A's
    baseline, so committing it as B and measuring B shows the drop."""
    repo.write({"pkg/gov/extra.py": UNTESTED})
    dirty = repo.run("run")
    assert dirty.returncode == 0, dirty.stdout + dirty.stderr
    commit_all(repo, "add an untested function")
    assert repo.run("run").returncode == 0
    result = repo.run("gate", "--release")
    assert result.returncode == 1, result.stdout
    assert "  - governance: dropped from" in result.stdout


@pytest.mark.slow
def test_untracked_source_file_makes_the_run_dirty(repo: Project) -> None:
    trend_path = repo.path("tests/coverage_reports/trends/coverage_trend.json")
    before = trend_path.read_text()
    repo.write({"pkg/gov/extra.py": UNTESTED})
    result = repo.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(repo.path(METRICS).read_text())["covtasks"]["dirty"] is True
    assert trend_path.read_text() == before
    assert "coverage_trend.json not updated: uncommitted changes" in result.stdout


@pytest.mark.slow
def test_suggest_never_lowers_a_failing_floor(repo: Project) -> None:
    governance = json.loads(repo.path(METRICS).read_text())["covtasks"]["domains"]["governance"]
    toml = BASIC_FILES["pyproject.toml"].replace(
        '["pkg/gov/**"]\n        fail_under = 50', '["pkg/gov/**"]\n        fail_under = 99'
    )
    assert toml != BASIC_FILES["pyproject.toml"]
    repo.write({"pyproject.toml": toml})
    result = repo.run("gate", "--suggest")
    assert result.returncode == 0, result.stderr
    shown = governance["percent_covered_display"]
    assert f"# fail_under = 99 fails: governance is at {shown}%" in result.stdout
    settings = [line for line in result.stdout.splitlines() if line.startswith("fail_under")]
    assert len(settings) == 3  # overall, security, episodes: governance has none
    assert all("  # now " in line for line in settings)
