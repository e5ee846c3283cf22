"""Counts, percentages and the fail-under rule, exactly as coverage.py computes them.

A figure is (covered lines + covered branches) / (statements + branches) x 100, summed
over files, so a domain's percent equals ``coverage report --include=<its globs>`` on
the same data. The rounding rules are the installed coverage.py's, called, not copied
(``coverage.results``): ``display_percent`` never shows 0 or 100 unless the value is
exactly that, and ``should_fail_under`` decides pass/fail exactly as
``coverage report --fail-under`` does (coverage >= 7.17.1 also compares at the
threshold's own decimals), so covtasks' verdicts follow the coverage in use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coverage import results as coverage_results

from covtasks.config import Domain
from covtasks.constants import UNASSIGNED
from covtasks.globs import Matcher


@dataclass(frozen=True)
class Numbers:
    """Raw counts for a file or a sum of files; percentages are derived."""

    files: int = 0
    statements: int = 0
    covered_lines: int = 0
    branches: int = 0
    covered_branches: int = 0
    # coverage.py's BrPart: lines with a branch of which some but not all ran.
    partial_branches: int = 0

    def __add__(self, other: Numbers) -> Numbers:
        return Numbers(
            self.files + other.files,
            self.statements + other.statements,
            self.covered_lines + other.covered_lines,
            self.branches + other.branches,
            self.covered_branches + other.covered_branches,
            self.partial_branches + other.partial_branches,
        )

    @property
    def covered(self) -> int:
        return self.covered_lines + self.covered_branches

    @property
    def total(self) -> int:
        return self.statements + self.branches

    @property
    def missing(self) -> int:
        """Statements not run: coverage.py's ``missing_lines``."""
        return self.statements - self.covered_lines

    @property
    def percent(self) -> float:
        if self.total == 0:
            return 100.0
        return 100.0 * self.covered / self.total

    @classmethod
    def from_summary(cls, summary: Mapping[str, Any]) -> Numbers:
        """From a file's ``summary`` in coverage.py's JSON report."""
        return cls(
            files=1,
            statements=int(summary["num_statements"]),
            covered_lines=int(summary["covered_lines"]),
            branches=int(summary.get("num_branches", 0)),
            covered_branches=int(summary.get("covered_branches", 0)),
            partial_branches=int(summary.get("num_partial_branches", 0)),
        )

    def to_json(self, precision: int) -> dict[str, Any]:
        return {
            "files": self.files,
            "num_statements": self.statements,
            "covered_lines": self.covered_lines,
            "num_branches": self.branches,
            "covered_branches": self.covered_branches,
            "num_partial_branches": self.partial_branches,
            "percent_covered": self.percent,
            "percent_covered_display": display_percent(self.percent, precision),
        }


def total(numbers: Iterable[Numbers]) -> Numbers:
    result = Numbers()
    for n in numbers:
        result = result + n
    return result


def display_percent(pc: float, precision: int) -> str:
    """The percent as coverage.py shows it (``coverage.results.display_covered``):
    only exactly 0 shows 0, only exactly 100 shows 100."""
    return coverage_results.display_covered(pc, precision)


def should_fail_under(total: float, fail_under: float, precision: int) -> bool:
    """True if ``total`` fails ``fail_under``: ``coverage.results.should_fail_under``
    of the installed coverage, so the verdict is ``coverage report --fail-under``'s."""
    return coverage_results.should_fail_under(total, fail_under, precision)


def floor_percent(pc: float, precision: int) -> float:
    """The highest threshold at ``precision`` that ``pc`` still passes (for --suggest).

    Found with ``should_fail_under`` itself, so the suggestion passes whichever rule the
    installed coverage applies: start from ``pc`` rounded to ``precision`` (only an exact
    100 passes 100) and step down or up by one unit while the rule says so.
    """
    step = 1.0 / 10**precision
    value = min(round(pc, precision), 100.0)
    while value > 0 and should_fail_under(pc, value, precision):
        value = max(round(value - step, precision), 0.0)
    while value < 100 and not should_fail_under(pc, round(value + step, precision), precision):
        value = round(value + step, precision)
    return value


@dataclass(frozen=True)
class DomainNumbers:
    """One domain's sum and the files in it."""

    name: str
    numbers: Numbers
    files: tuple[str, ...]
    fail_under: float | None = None


@dataclass(frozen=True)
class Analysis:
    """Per-file numbers summed once into the overall figure and each domain."""

    overall: Numbers
    domains: tuple[DomainNumbers, ...]
    unassigned: DomainNumbers
    per_file: Mapping[str, Numbers]

    def domain(self, name: str) -> DomainNumbers:
        for d in self.domains:
            if d.name == name:
                return d
        raise KeyError(name)


def analyse(report: Mapping[str, Any], domains: Sequence[Domain], root: Path) -> Analysis:
    """One pass over coverage.py's JSON report: per-file numbers, then per-domain sums."""
    per_file = {
        name: Numbers.from_summary(entry["summary"]) for name, entry in report["files"].items()
    }
    matchers = [(d, Matcher(d.paths, root)) for d in domains]
    members: dict[str, list[str]] = {d.name: [] for d in domains}
    unassigned: list[str] = []
    for name in per_file:
        hit = False
        for domain, matcher in matchers:
            if matcher.match(name):
                members[domain.name].append(name)
                hit = True
        if not hit:
            unassigned.append(name)

    def summed(name: str, files: list[str], fail_under: float | None) -> DomainNumbers:
        return DomainNumbers(name, total(per_file[f] for f in files), tuple(files), fail_under)

    return Analysis(
        overall=total(per_file.values()),
        domains=tuple(summed(d.name, members[d.name], d.fail_under) for d in domains),
        unassigned=summed(UNASSIGNED, unassigned, None),
        per_file=per_file,
    )
