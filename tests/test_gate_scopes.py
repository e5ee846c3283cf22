"""The pure per-scope rules: ``file_fail_under`` (every file) and ``max_missing``."""

from __future__ import annotations

from pathlib import Path

import pytest

from covtasks.config import Config, Domain
from covtasks.figures import Numbers
from covtasks.gate import Scope, Verdict, file_checks, missing_check, scope_checks, scopes


def numbers(covered: int, statements: int) -> Numbers:
    """A file of ``statements`` lines, ``covered`` of them run (no branches)."""
    return Numbers(files=1, statements=statements, covered_lines=covered)


# 2 of 3: 66.666...%; 7 of 9: 77.777...%; 99999 of 100000: 99.999%.
FILES = {
    "a.py": numbers(2, 3),
    "b.py": numbers(7, 9),
    "c.py": numbers(99999, 100000),
    "empty.py": Numbers(files=1),
    "full.py": numbers(5, 5),
}


@pytest.mark.parametrize(
    ("files", "threshold", "precision", "failing"),
    [
        (["a.py"], 66.67, 2, []),  # 66.666... rounds to 66.67 at precision 2
        (["a.py"], 66.68, 2, ["a.py"]),
        (["a.py"], 66.7, 1, []),
        (["a.py"], 66.8, 1, ["a.py"]),
        (["a.py"], 67, 0, []),
        (["a.py"], 68, 0, ["a.py"]),
        (["c.py"], 100, 2, ["c.py"]),  # only an exact 100 passes 100
        (["full.py"], 100, 2, []),
        (["empty.py"], 100, 2, []),  # no statements: passes
        (["a.py", "b.py", "full.py"], 70, 2, ["a.py"]),
        (["a.py", "b.py", "full.py"], 80, 2, ["a.py", "b.py"]),  # worst first
        (["b.py", "a.py"], 80, 2, ["a.py", "b.py"]),
        (["gone.py"], 80, 2, []),  # not measured: not in scope
    ],
)
def test_file_checks(
    files: list[str], threshold: float, precision: int, failing: list[str]
) -> None:
    scope = Scope("api", tuple(files), file_fail_under=threshold)
    found = scope_checks([scope], FILES, precision)
    assert [c.file for c in found if not c.passed] == failing
    assert all(c.passed for c in found) == (not failing)


def test_failing_file_message_names_file_figure_threshold_and_scope() -> None:
    (check,) = file_checks(Scope("api", ("a.py",), file_fail_under=80), FILES, 2)
    assert check.message(2) == "a.py: 66.67% is below file_fail_under = 80 (api)"
    assert (check.name, check.kind, check.fail_under) == ("api", "file_fail_under", 80)


def test_passing_scope_is_one_check_with_its_lowest_file() -> None:
    (check,) = file_checks(Scope("api", ("b.py", "full.py"), file_fail_under=50), FILES, 2)
    assert (check.passed, check.file, round(check.percent, 2)) == (True, None, 77.78)


def test_a_file_in_two_scopes_must_meet_each() -> None:
    found = scope_checks(
        [
            Scope("overall", tuple(FILES), file_fail_under=70),
            Scope("api", ("b.py",), file_fail_under=80),
        ],
        FILES,
        2,
    )
    assert [(c.file, c.name) for c in found if not c.passed] == [
        ("a.py", "overall"),
        ("b.py", "api"),
    ]


@pytest.mark.parametrize(
    ("limit", "passed"),
    [(3, True), (2, False), (100, True), (0, False)],
)
def test_max_missing_at_the_exact_count_and_one_below(limit: int, passed: bool) -> None:
    # a.py misses 1, b.py misses 2: 3 in all.
    (check,) = missing_check(Scope("api", ("a.py", "b.py"), max_missing=limit), FILES)
    assert (check.passed, check.missing, check.max_missing) == (passed, 3, limit)
    if not passed:
        assert check.message(2) == f"api: 3 missing statements, more than max_missing = {limit}"


def test_max_missing_counts_missing_lines_not_branches() -> None:
    partial = Numbers(files=1, statements=4, covered_lines=4, branches=2, covered_branches=1)
    (check,) = missing_check(Scope("x", ("p.py",), max_missing=0), {"p.py": partial})
    assert check.passed


def test_scopes_are_only_those_with_a_threshold(tmp_path: Path) -> None:
    cfg = Config(
        root=tmp_path,
        file=tmp_path / "pyproject.toml",
        source=("pkg",),
        file_fail_under=50,
        domains=(
            Domain("api", ("pkg/api/**",), max_missing=3),
            Domain("plain", ("pkg/plain/**",), fail_under=80),
        ),
    )
    found = scopes(cfg, ["pkg/api/x.py", "pkg/y.py"], {"api": ["pkg/api/x.py"]})
    assert found == [
        Scope("overall", ("pkg/api/x.py", "pkg/y.py"), 50, None),
        Scope("api", ("pkg/api/x.py",), None, 3),
    ]


def test_verdict_json_records_failing_files_and_missing_counts() -> None:
    checks = scope_checks(
        [Scope("api", ("a.py", "b.py"), file_fail_under=70, max_missing=1)], FILES, 2
    )
    recorded = Verdict(tuple(checks), 2).record().to_json()
    assert recorded["failures"] == [
        "api: 3 missing statements, more than max_missing = 1",
        "a.py: 66.67% is below file_fail_under = 70 (api)",
    ]
    assert recorded["checks"][1] == {
        "name": "api",
        "kind": "file_fail_under",
        "percent": pytest.approx(66.667, abs=1e-3),
        "fail_under": 70,
        "passed": False,
        "file": "a.py",
    }
    assert recorded["checks"][0]["missing"] == 3
