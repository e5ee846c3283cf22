"""The file ratchet: per-file missing counts in the trend, compared at a release gate.

Pure rules from tables first, then git's view of a baseline commit, then real runs in a
real git repository through `python -m covtasks`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from covtasks import git
from covtasks.errors import CovtasksError
from covtasks.fileratchet import checks, compare, missing_counts
from covtasks.trend import Baseline
from tests.helpers import BASIC_FILES, Project, git_repo
from tests.helpers import git as run_git

ProjectFactory = Callable[..., Project]


def summary(missing: object) -> dict[str, Any]:
    return {"summary": {"missing_lines": missing}}


def test_missing_counts_keeps_files_with_missing_statements_sorted() -> None:
    files = {"b.py": summary(2), "a.py": summary(0), "pkg/c.py": summary(1)}
    assert missing_counts(files) == {"b.py": 2, "pkg/c.py": 1}
    assert list(missing_counts(files)) == ["b.py", "pkg/c.py"]


@pytest.mark.parametrize(
    "entry",
    [summary(-1), summary(1.5), summary(True), summary("2"), summary(None), {"summary": 3}, []],
    ids=["negative", "fraction", "bool", "string", "absent", "summary-not-object", "not-object"],
)
def test_missing_counts_refuses_a_malformed_metrics_entry(entry: object) -> None:
    with pytest.raises(CovtasksError) as excinfo:
        missing_counts({"a.py": entry}, "m.json")
    assert str(excinfo.value).startswith("m.json: files['a.py'].summary.missing_lines is not a")


def base(missing: Mapping[str, int] | None, commit: str = "abcdef0123") -> Baseline:
    return Baseline(date="2026-11-01", commit=commit, overall=80.0, domains={}, missing=missing)


AGAINST = "against abcdef0 (2026-11-01)"


@pytest.mark.parametrize(
    ("now", "before", "existed", "failures"),
    [
        ({"a.py": 2}, {"a.py": 2}, {"a.py"}, []),
        ({"a.py": 1}, {"a.py": 2}, {"a.py"}, []),
        ({}, {"a.py": 2}, {"a.py"}, []),
        ({"a.py": 3}, {"a.py": 2}, {"a.py"}, ["a.py: missing statements grew from 2 to 3"]),
        ({"a.py": 1}, {}, {"a.py"}, ["a.py: missing statements grew from 0 to 1"]),
        ({"new.py": 9}, {}, {"a.py"}, []),
        ({"a.py": 9}, {"a.py": 2}, None, ["a.py: missing statements grew from 2 to 9"]),
        ({"b.py": 9}, {"a.py": 2}, None, []),
        (
            {"a.py": 3, "b.py": 5, "c.py": 4},
            {"a.py": 2, "b.py": 4},
            {"a.py", "b.py", "c.py"},
            [
                "c.py: missing statements grew from 0 to 4",
                "a.py: missing statements grew from 2 to 3",
                "b.py: missing statements grew from 4 to 5",
            ],
        ),
    ],
    ids=[
        "same",
        "fewer",
        "now-fully-covered",
        "grew",
        "fully-covered-file-grew",
        "new-file-exempt",
        "shallow-clone-listed-file",
        "shallow-clone-unlisted-file",
        "most-growth-first",
    ],
)
def test_compare(
    now: dict[str, int], before: dict[str, int], existed: set[str] | None, failures: list[str]
) -> None:
    found = compare(now, base(before), None if existed is None else frozenset(existed))
    assert all(c.kind == "file_ratchet" for c in found)
    assert [c.message(2) for c in found if not c.passed] == [f"{f} {AGAINST}" for f in failures]
    assert len(found) == (len(failures) or 1)


def test_compare_names_the_new_files_it_exempts() -> None:
    (check,) = compare({"new.py": 3, "a.py": 1}, base({"a.py": 1}), frozenset({"a.py"}))
    assert check.passed
    assert check.detail == f"no file's missing statements grew {AGAINST} (1 new file(s) exempt)"


def test_compare_says_when_the_baseline_commit_is_not_in_the_clone() -> None:
    (check,) = compare({"a.py": 1}, base({"a.py": 1}), None)
    assert check.passed
    assert "commit abcdef0 (2026-11-01) is not in this clone" in check.detail


def test_a_baseline_without_counts_is_skipped_in_one_line() -> None:
    (check,) = compare({"a.py": 5}, base(None), frozenset())
    assert check.passed
    assert check.detail == (
        "skipped: the baseline abcdef0 (2026-11-01) has no per-file counts (written by an "
        "older covtasks); the next baseline will have them"
    )


def test_no_baseline_passes_in_one_line(tmp_path: Path) -> None:
    (check,) = checks(tmp_path, {"a.py": 5}, None)
    assert (check.passed, check.detail) == (True, "no baseline: nothing to compare")


# --- git's view of the baseline commit ------------------------------------------------------


def test_files_at_lists_the_commit_relative_to_the_project(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo", {"top.py": "", "proj/pkg/a.py": "", "proj/b.py": ""})
    first = run_git(repo, "rev-parse", "HEAD")
    (repo / "proj/pkg/c.py").write_text("", encoding="utf-8")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "c")
    assert git.files_at(repo / "proj", first) == frozenset({"pkg/a.py", "b.py"})
    assert git.files_at(repo / "proj", "f" * 40) is None


def test_checks_compare_a_file_that_was_fully_covered_at_the_baseline(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo", {"a.py": "", "b.py": ""})
    commit = run_git(repo, "rev-parse", "HEAD")
    found = checks(repo, {"a.py": 1, "new.py": 4}, base({"b.py": 1}, commit))
    assert [c.message(2) for c in found] == [
        f"a.py: missing statements grew from 0 to 1 against {commit[:7]} (2026-11-01)"
    ]


# --- real runs in a real git repository -----------------------------------------------------

TREND = "tests/coverage_reports/trends/coverage_trend.json"
METRICS = "tests/coverage_reports/metrics/coverage.json"
# Three statements that no test runs.
UNTESTED = "\n\ndef untested(x: int) -> int:\n    if x:\n        return x\n    return -x\n"


def add_untested(p: Project, rel: str) -> None:
    """Append a function no test calls to the module ``rel``."""
    path = p.path(rel)
    path.write_text(path.read_text(encoding="utf-8") + UNTESTED, encoding="utf-8")


RATCHET_TOML = BASIC_FILES["pyproject.toml"].replace(
    "fail_under = 50\n\n", "fail_under = 50\nfile_ratchet = true\ntolerance = 100\n\n", 1
)


def commit_all(p: Project, message: str) -> str:
    run_git(p.root, "add", "-A")
    run_git(p.root, "commit", "-q", "-m", message)
    return run_git(p.root, "rev-parse", "HEAD")


def measured(p: Project) -> None:
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def repo(project: ProjectFactory) -> tuple[Project, str]:
    """The basic project with ``file_ratchet = true`` (and every percent drop tolerated),
    measured at its first commit, whose sha it returns."""
    p = project(extra={".gitignore": ".covtasks/\n", "pyproject.toml": RATCHET_TOML})
    git_repo(p.root)
    first = run_git(p.root, "rev-parse", "HEAD")
    measured(p)
    commit_all(p, "trend")
    return p, first


def against(p: Project, commit: str) -> str:
    """How the gate names the baseline of ``commit``: its short sha and date."""
    entries = json.loads(p.path(TREND).read_text(encoding="utf-8"))["baselines"]
    (entry,) = [e for e in entries if e["commit"] == commit]
    return f"against {commit[:7]} ({entry['date']})"


def ratchet_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "file_ratchet" in line]


@pytest.mark.slow
def test_every_trend_entry_keeps_the_missing_counts(repo: tuple[Project, str]) -> None:
    p, first = repo
    (entry,) = json.loads(p.path(TREND).read_text(encoding="utf-8"))["baselines"]
    assert entry["commit"] == first
    report = json.loads(p.path(METRICS).read_text(encoding="utf-8"))  # coverage.py's report
    expected = {
        name: f["summary"]["missing_lines"]
        for name, f in report["files"].items()
        if f["summary"]["missing_lines"]
    }
    assert entry["missing"] == expected == {"pkg/gov/rules.py": 2, "pkg/sec/tokens.py": 1}


@pytest.mark.slow
def test_a_file_whose_missing_statements_grew_fails_by_name(repo: tuple[Project, str]) -> None:
    p, first = repo
    add_untested(p, "pkg/gov/rules.py")
    add_untested(p, "pkg/epi/segment.py")
    commit_all(p, "untested code in two files")
    measured(p)
    result = p.run("gate", "--release")
    assert result.returncode == 1, result.stdout + result.stderr
    failures = [line for line in result.stdout.splitlines() if "missing statements grew" in line]
    assert failures[-2:] == [
        f"  - pkg/epi/segment.py: missing statements grew from 0 to 3 {against(p, first)}",
        f"  - pkg/gov/rules.py: missing statements grew from 2 to 5 {against(p, first)}",
    ]
    assert len(failures) == 4  # the two table rows and the two lines above
    assert "covtasks: release gate failed: 2 check(s)" in result.stdout


@pytest.mark.slow
def test_deleting_covered_code_passes(repo: tuple[Project, str]) -> None:
    p, first = repo
    p.write(
        {
            "pkg/gov/rules.py": """
                def decide(level: int) -> str:
                    if level > 1:
                        return "supervised"
                    return "blocked"


                def unused(x: int) -> int:
                    return x * 2
                """,
            "tests/test_gov.py": """
                from pkg.gov.rules import decide

                def test_blocked():
                    assert decide(0) == "blocked"
                """,
        }
    )
    commit_all(p, "delete a covered branch and its test")
    measured(p)
    result = p.run("gate", "--release")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(None, 3)[3] for line in ratchet_lines(result.stdout)] == [
        f"no file's missing statements grew {against(p, first)}"
    ]


@pytest.mark.slow
def test_new_and_renamed_files_are_exempt(repo: tuple[Project, str]) -> None:
    p, _ = repo
    p.write({"pkg/gov/extra.py": UNTESTED})
    run_git(p.root, "mv", "pkg/sec/tokens.py", "pkg/sec/signing.py")
    add_untested(p, "pkg/sec/signing.py")
    test_sec = p.path("tests/test_sec.py")
    test_sec.write_text(test_sec.read_text(encoding="utf-8").replace("tokens", "signing"))
    commit_all(p, "a new file and a renamed one, both with untested code")
    measured(p)
    result = p.run("gate", "--release")
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = ratchet_lines(result.stdout)
    assert line.endswith("(2 new file(s) exempt)")


@pytest.mark.slow
def test_a_trend_written_before_the_counts_still_loads(repo: tuple[Project, str]) -> None:
    p, first = repo
    doc = json.loads(p.path(TREND).read_text(encoding="utf-8"))
    del doc["baselines"][0]["missing"]
    p.path(TREND).write_text(json.dumps(doc, indent=2), encoding="utf-8")
    add_untested(p, "pkg/gov/rules.py")
    commit_all(p, "an older trend, and untested code")
    measured(p)
    result = p.run("gate", "--release")
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = ratchet_lines(result.stdout)
    assert f"skipped: the baseline {first[:7]} (" in line
    assert "has no per-file counts" in line
