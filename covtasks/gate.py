"""Thresholds: overall and per-domain ``fail_under``, decided by coverage.py's rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from covtasks import metrics
from covtasks.constants import OVERALL
from covtasks.figures import Analysis, display_percent, should_fail_under


@dataclass(frozen=True)
class Check:
    """One figure against its threshold (or a ratchet baseline)."""

    name: str
    percent: float
    fail_under: float | None
    passed: bool
    kind: str = "fail_under"
    detail: str = ""

    def message(self, precision: int) -> str:
        shown = display_percent(self.percent, precision)
        if self.detail:
            return f"{self.name}: {self.detail}"
        return f"{self.name}: {shown}% is below fail_under = {self.fail_under:g}"


@dataclass(frozen=True)
class Verdict:
    checks: tuple[Check, ...]
    precision: int

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def lines(self) -> list[str]:
        return [c.message(self.precision) for c in self.failures]

    def record(self) -> metrics.GateRecord:
        """The verdict as the metrics record it."""
        checks = [
            metrics.CheckRecord(c.name, c.kind, c.percent, c.fail_under, c.passed)
            for c in self.checks
        ]
        return metrics.GateRecord(self.passed, tuple(self.lines()), tuple(checks))


def threshold_check(name: str, percent: float, fail_under: float | None, precision: int) -> Check:
    passed = fail_under is None or not should_fail_under(percent, fail_under, precision)
    return Check(name, percent, fail_under, passed)


def evaluate(analysis: Analysis, fail_under: float, precision: int) -> Verdict:
    """Overall and every domain against their fail_under."""
    checks = [threshold_check(OVERALL, analysis.overall.percent, fail_under, precision)]
    checks += [
        threshold_check(d.name, d.numbers.percent, d.fail_under, precision)
        for d in analysis.domains
    ]
    return Verdict(tuple(checks), precision)


def evaluate_figures(
    overall: float,
    domains: Mapping[str, float],
    thresholds: Mapping[str, float | None],
    fail_under: float,
    precision: int,
    extra: Sequence[Check] = (),
) -> Verdict:
    """The same verdict from figures read back from a metrics JSON."""
    checks = [threshold_check(OVERALL, overall, fail_under, precision)]
    checks += [
        threshold_check(name, pc, thresholds.get(name), precision) for name, pc in domains.items()
    ]
    return Verdict((*checks, *extra), precision)
