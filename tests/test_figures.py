"""Counts, percentages and the fail-under rule agree with coverage.py's own results module."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import coverage
import pytest
from coverage.results import Numbers as CoverageNumbers
from coverage.results import display_covered
from coverage.results import should_fail_under as coverage_should_fail_under

from covtasks.config import Domain, load_config
from covtasks.constants import UNASSIGNED
from covtasks.figures import (
    DomainNumbers,
    Numbers,
    analyse,
    display_percent,
    floor_percent,
    should_fail_under,
    total,
)
from tests.helpers import Project


def test_addition_sums_every_count() -> None:
    a = Numbers(files=1, statements=10, covered_lines=8, branches=4, covered_branches=2)
    b = Numbers(files=2, statements=5, covered_lines=5, branches=0, covered_branches=0)
    assert a + b == Numbers(
        files=3, statements=15, covered_lines=13, branches=4, covered_branches=2
    )


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        pytest.param(Numbers(), 100.0, id="nothing-is-100"),
        pytest.param(Numbers(1, 0, 0, 0, 0), 100.0, id="empty-file-is-100"),
        pytest.param(Numbers(1, 10, 0, 0, 0), 0.0, id="none-covered"),
        pytest.param(Numbers(1, 10, 8, 0, 0), 80.0, id="lines-only"),
        pytest.param(Numbers(1, 10, 8, 4, 2), 100.0 * 10 / 14, id="lines-and-branches"),
        pytest.param(Numbers(1, 3, 3, 2, 2), 100.0, id="all-covered"),
    ],
)
def test_percent(numbers: Numbers, expected: float) -> None:
    assert numbers.percent == expected
    assert numbers.total == numbers.statements + numbers.branches
    assert numbers.covered == numbers.covered_lines + numbers.covered_branches


@pytest.mark.parametrize(
    ("statements", "missing", "branches", "missing_branches"),
    [(0, 0, 0, 0), (10, 2, 0, 0), (10, 2, 4, 2), (7, 7, 6, 6), (3, 1, 3, 1), (1000, 1, 500, 3)],
    ids=["empty", "lines", "branches", "nothing-run", "thirds", "large"],
)
def test_percent_equals_coverage(
    statements: int, missing: int, branches: int, missing_branches: int
) -> None:
    ours = Numbers(1, statements, statements - missing, branches, branches - missing_branches)
    theirs = CoverageNumbers(
        n_files=1,
        n_statements=statements,
        n_missing=missing,
        n_branches=branches,
        n_missing_branches=missing_branches,
    )
    assert ours.percent == theirs.pc_covered


def test_from_line_only_summary() -> None:
    summary = {
        "covered_lines": 8,
        "num_statements": 10,
        "percent_covered": 80.0,
        "percent_covered_display": "80",
        "missing_lines": 2,
        "excluded_lines": 1,
    }
    assert Numbers.from_summary(summary) == Numbers(1, 10, 8, 0, 0)


def test_from_branch_summary() -> None:
    summary = {
        "covered_lines": 8,
        "num_statements": 10,
        "percent_covered": 71.42857142857143,
        "percent_covered_display": "71",
        "missing_lines": 2,
        "excluded_lines": 0,
        "num_branches": 4,
        "num_partial_branches": 2,
        "covered_branches": 2,
        "missing_branches": 2,
    }
    numbers = Numbers.from_summary(summary)
    assert numbers == Numbers(1, 10, 8, 4, 2, partial_branches=2)
    assert numbers.percent == summary["percent_covered"]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param([], Numbers(), id="empty"),
        pytest.param([Numbers(1, 4, 2, 2, 1, 1)], Numbers(1, 4, 2, 2, 1, 1), id="one"),
        pytest.param(
            [Numbers(1, 4, 2, 2, 1, 1), Numbers(1, 6, 6, 0, 0), Numbers(1, 0, 0, 4, 2, 2)],
            Numbers(3, 10, 8, 6, 3, 3),
            id="three",
        ),
    ],
)
def test_total(parts: list[Numbers], expected: Numbers) -> None:
    assert total(parts) == expected
    assert total(iter(parts)) == expected


def test_to_json() -> None:
    assert Numbers(2, 3, 2, 0, 0).to_json(1) == {
        "files": 2,
        "num_statements": 3,
        "covered_lines": 2,
        "num_branches": 0,
        "covered_branches": 0,
        "num_partial_branches": 0,
        "percent_covered": 100.0 * 2 / 3,
        "percent_covered_display": "66.7",
    }


@pytest.mark.parametrize(
    ("pc", "precision", "shown"),
    [
        (0, 2, "0.00"),
        (1e-9, 2, "0.01"),
        (1e-9, 0, "1"),
        (0.004, 2, "0.01"),
        (0.5, 0, "1"),
        (50.125, 2, "50.12"),
        (50.125, 0, "50"),
        (66.66666, 3, "66.667"),
        (87.659, 1, "87.7"),
        (99.5, 0, "99"),
        (99.995, 2, "99.99"),
        (99.9999, 2, "99.99"),
        (100, 2, "100.00"),
        (100, 0, "100"),
    ],
    ids=lambda v: str(v),
)
def test_display_percent_equals_coverage(pc: float, precision: int, shown: str) -> None:
    assert display_percent(pc, precision) == display_covered(pc, precision) == shown


@pytest.mark.parametrize(
    ("pc", "fail_under", "precision", "fails"),
    [
        (79.995, 80, 2, False),
        (79.994, 80, 2, True),
        (79.9951, 80, 2, False),
        (99.9999, 100, 2, True),
        (100, 100, 0, False),
        (100, 100.0, 2, False),
        (80.05, 80.1, 0, True),
        (79.5, 80, 0, False),
        (79.4, 80, 0, True),
        (80, 80, 0, False),
        (0, 0, 2, False),
        (50, 0, 2, False),
        (12.344, 12.345, 1, True),
    ],
    ids=lambda v: str(v),
)
def test_should_fail_under_every_supported_coverage(
    pc: float, fail_under: float, precision: int, fails: bool
) -> None:
    """Verdicts on which every supported coverage release agrees."""
    assert should_fail_under(pc, fail_under, precision) is fails
    assert coverage_should_fail_under(pc, fail_under, precision) is fails


@pytest.mark.parametrize(
    ("pc", "fail_under", "precision"),
    [
        # A threshold with more decimals than the precision: coverage >= 7.17.1 compares
        # at the threshold's decimals (passes), older releases at the precision (fails).
        (80.1, 80.1, 0),
        (12.345, 12.345, 1),
        (0.4, 0.3, 0),
        (12.5, 12.5, 0),
        (79.996, 80, 2),
        (79.9949, 80, 2),
    ],
    ids=lambda v: str(v),
)
def test_should_fail_under_is_the_installed_coverages(
    pc: float, fail_under: float, precision: int
) -> None:
    assert should_fail_under(pc, fail_under, precision) is coverage_should_fail_under(
        pc, fail_under, precision
    )


def fail_under_exit(
    root: Path, statements: int, covered: int, threshold: str, precision: int
) -> int:
    """``coverage report --fail-under`` on real data: ``covered`` of ``statements`` run."""
    source = root / "mod.py"
    source.write_text("x = 1\n" * statements, encoding="utf-8")
    cov = coverage.Coverage(data_file=str(root / ".coverage"))
    data = cov.get_data()
    data.add_lines({str(source): range(1, covered + 1)})
    data.write()
    data.close(force=True)
    command = [sys.executable, "-m", "coverage", "report", "--data-file=.coverage"]
    command += [f"--fail-under={threshold}", f"--precision={precision}"]
    return subprocess.run(command, cwd=root, capture_output=True, check=False).returncode


@pytest.mark.slow
@pytest.mark.parametrize(
    ("statements", "covered", "threshold", "precision"),
    [
        (2500, 1999, "80", 1),  # 79.96: shows 80.0
        (2500, 1998, "80", 1),  # 79.92
        (2000, 1599, "80", 1),  # 79.95
        (2000, 1601, "80.1", 0),  # 80.05
        (1000, 801, "80.1", 0),  # 80.1 against 80.1 at precision 0
        (8, 1, "12.5", 0),  # 12.5 against 12.5 at precision 0
        (1000, 795, "80", 0),  # 79.5 rounds half to even: 80
        (1000, 794, "80", 0),
        (2000, 1999, "100", 1),  # 99.95: only 100 passes 100
        (10, 10, "100", 0),
        (3, 1, "33.33", 2),
        (3, 1, "33.34", 2),
    ],
    ids=lambda v: str(v),
)
def test_should_fail_under_equals_coverage_report_fail_under(
    tmp_path: Path, statements: int, covered: int, threshold: str, precision: int
) -> None:
    """The oracle: the verdict ``coverage report --fail-under`` gives (exit 2 = fails)."""
    pc = Numbers(statements=statements, covered_lines=covered).percent
    status = fail_under_exit(tmp_path, statements, covered, threshold, precision)
    assert status in (0, 2)
    assert should_fail_under(pc, float(threshold), precision) is (status == 2)


@pytest.mark.parametrize(
    ("pc", "precision", "floor"),
    [
        (87.659, 2, 87.66),
        (87.654, 2, 87.65),
        (80.0, 0, 80),
        (79.9951, 2, 80.0),
        (79.994, 2, 79.99),
        (79.999999, 2, 80.0),
        (99.996, 2, 99.99),
        (0.0, 2, 0.0),
        (100.0, 2, 100.0),
        (33.33333, 1, 33.3),
        (80.1, 1, 80.1),
        (0.29 * 100, 2, 29.0),  # 28.999999999999996: float noise is not a lost hundredth
        (99.9999, 2, 99.99),
    ],
    ids=lambda v: str(v),
)
def test_floor_percent(pc: float, precision: int, floor: float) -> None:
    assert floor_percent(pc, precision) == floor


@pytest.mark.parametrize("precision", [0, 1, 2, 3])
def test_floor_percent_is_the_highest_threshold_the_installed_rule_passes(
    precision: int,
) -> None:
    """By property, over many figures: the suggestion passes, one unit more fails."""
    step = 1.0 / 10**precision
    figures = [i / 997 for i in range(0, 99701, 7)]  # 0 .. 100, odd fractions
    figures += [80 - k * 1e-4 for k in range(-60, 60)] + [99.9999, 99.995, 100.0, 0.29 * 100]
    for pc in figures:
        floor = floor_percent(pc, precision)
        assert not should_fail_under(pc, floor, precision), (pc, floor)
        if floor < 100:
            assert should_fail_under(pc, round(floor + step, precision), precision), (pc, floor)


def _summary(
    statements: int, covered: int, branches: int = 0, covered_b: int = 0
) -> dict[str, Any]:
    return {
        "summary": {
            "num_statements": statements,
            "covered_lines": covered,
            "num_branches": branches,
            "covered_branches": covered_b,
        }
    }


REPORT: dict[str, Any] = {
    "meta": {"format": 3, "branch_coverage": True},
    "files": {
        "pkg/__init__.py": _summary(0, 0),
        "pkg/cli.py": _summary(10, 2, 4, 0),
        "pkg/core/models.py": _summary(20, 18, 6, 5),
        "pkg/core/crypto.py": _summary(8, 8, 2, 1),
        "pkg/api/auth.py": _summary(12, 6, 4, 2),
        "pkg/api/auth_routes.py": _summary(5, 5),
        "pkg/api/views.py": _summary(30, 15, 10, 5),
    },
    "totals": {},
}
DOMAINS = (
    Domain("core", ("pkg/core/**",), 80.0),
    Domain("security", ("pkg/api/auth*.py", "pkg/core/crypto.py"), 90.0),
    Domain("api", ("pkg/api/*.py",)),
    Domain("empty", ("pkg/nothing/*.py",)),
)


@pytest.mark.parametrize(
    ("name", "files", "numbers", "fail_under"),
    [
        ("core", ("pkg/core/models.py", "pkg/core/crypto.py"), Numbers(2, 28, 26, 8, 6), 80.0),
        (
            "security",
            ("pkg/core/crypto.py", "pkg/api/auth.py", "pkg/api/auth_routes.py"),
            Numbers(3, 25, 19, 6, 3),
            90.0,
        ),
        (
            "api",
            ("pkg/api/auth.py", "pkg/api/auth_routes.py", "pkg/api/views.py"),
            Numbers(3, 47, 26, 14, 7),
            None,
        ),
        ("empty", (), Numbers(), None),
    ],
    ids=["core", "security-overlaps-core-and-api", "api", "no-files"],
)
def test_analyse_domain_sums(
    tmp_path: Path, name: str, files: tuple[str, ...], numbers: Numbers, fail_under: float | None
) -> None:
    analysis = analyse(REPORT, DOMAINS, tmp_path)
    assert analysis.domain(name) == DomainNumbers(name, numbers, files, fail_under)


def test_analyse_overall_and_unassigned(tmp_path: Path) -> None:
    analysis = analyse(REPORT, DOMAINS, tmp_path)
    assert analysis.overall == Numbers(7, 85, 54, 26, 13)
    assert analysis.unassigned == DomainNumbers(
        UNASSIGNED, Numbers(2, 10, 2, 4, 0), ("pkg/__init__.py", "pkg/cli.py"), None
    )
    assert [d.name for d in analysis.domains] == ["core", "security", "api", "empty"]
    assert analysis.per_file["pkg/api/views.py"] == Numbers(1, 30, 15, 10, 5)
    with pytest.raises(KeyError):
        analysis.domain("nope")


def test_analyse_without_domains(tmp_path: Path) -> None:
    analysis = analyse(REPORT, (), tmp_path)
    assert analysis.domains == ()
    assert analysis.unassigned.numbers == analysis.overall


SOURCES = {
    "pkg/__init__.py": "",
    "pkg/core/models.py": "a = 1\nb = 2\nif a:\n    c = 3\nd = 4\n",
    "pkg/api/auth.py": "x = 1\ny = 2\nz = 3\n",
    "pkg/api/views.py": "p = 1\nq = 2\nr = 3\ns = 4\n",
}
EXECUTED = {
    "pkg/core/models.py": [1, 2, 3, 5],
    "pkg/api/auth.py": [1],
    "pkg/api/views.py": [1, 2, 3],
}


@pytest.mark.parametrize(
    "paths",
    [("pkg/core/**",), ("pkg/api/auth*.py", "pkg/core/*.py"), ("*.py",), ("views.py",)],
    ids=["core", "security", "everything", "basename"],
)
def test_domain_percent_equals_coverage_report_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: tuple[str, ...]
) -> None:
    """The design's oracle: a domain equals ``coverage report --include=<its globs>``."""
    monkeypatch.chdir(tmp_path)
    for name, text in SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    cov = coverage.Coverage(data_file=str(tmp_path / ".coverage"), source=[str(tmp_path / "pkg")])
    data = cov.get_data()
    data.add_lines({str(tmp_path / name): lines for name, lines in EXECUTED.items()})
    data.write()
    cov.json_report(outfile="all.json")
    cov.json_report(outfile="domain.json", include=list(paths))
    cov.get_data().close(force=True)
    full = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    expected = json.loads((tmp_path / "domain.json").read_text(encoding="utf-8"))
    got = analyse(full, [Domain("d", paths)], tmp_path).domain("d")
    assert sorted(got.files) == sorted(expected["files"])
    assert got.numbers.percent == expected["totals"]["percent_covered"]
    assert got.numbers.statements == expected["totals"]["num_statements"]


@pytest.mark.slow
def test_domain_rows_equal_coverage_report_totals(project: Callable[..., Project]) -> None:
    """Each row of covtasks' table reads like the TOTAL row of ``coverage report
    --include=<the domain's globs>`` on the kept data: Stmts, Miss, Branch, BrPart, Cover."""
    p = project()
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    ours = {
        line.split()[0]: line.split()[2:7]
        for line in result.stdout.splitlines()
        if line.split() and line.split()[0] in {"governance", "security", "episodes"}
    }
    assert "BrPart" in result.stdout
    config = load_config(p.root)
    for domain in config.domains:
        report = p.coverage("report", "--precision=2", f"--include={','.join(domain.paths)}")
        assert report.returncode == 0, report.stderr
        assert report.stdout.splitlines()[0].split()[1:] == [
            "Stmts",
            "Miss",
            "Branch",
            "BrPart",
            "Cover",
        ]
        total_row = report.stdout.strip().splitlines()[-1].split()
        assert total_row[0] == "TOTAL"
        assert ours[domain.name] == total_row[1:], domain.name
