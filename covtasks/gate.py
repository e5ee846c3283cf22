"""Thresholds: overall and per-domain ``fail_under``, decided by coverage.py's rule, and
per scope (overall or a domain) ``file_fail_under`` (every file) and ``max_missing``
(missing statements at most). Pure: figures in, checks and a verdict out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from covtasks import metrics
from covtasks.config import Config
from covtasks.constants import OVERALL
from covtasks.figures import Analysis, Numbers, display_percent, should_fail_under, total


@dataclass(frozen=True)
class Check:
    """One figure against its threshold (or a ratchet baseline)."""

    name: str
    percent: float
    fail_under: float | None
    passed: bool
    kind: str = "fail_under"
    detail: str = ""
    # file_fail_under: the file that fails (None: the scope's summary check).
    file: str | None = None
    # max_missing: the scope's missing statements and the limit.
    missing: int | None = None
    max_missing: int | None = None

    def message(self, precision: int) -> str:
        shown = display_percent(self.percent, precision)
        if self.detail:
            return f"{self.file or self.name}: {self.detail}"
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
            metrics.CheckRecord(
                c.name,
                c.kind,
                c.percent,
                c.fail_under,
                c.passed,
                file=c.file,
                missing=c.missing,
                max_missing=c.max_missing,
            )
            for c in self.checks
        ]
        return metrics.GateRecord(self.passed, tuple(self.lines()), tuple(checks))


FILE_FAIL_UNDER = "file_fail_under"
MAX_MISSING = "max_missing"


@dataclass(frozen=True)
class Scope:
    """The files a per-file threshold and a missing-statement cap apply to: all measured
    files (``overall``) or one domain's."""

    name: str
    files: tuple[str, ...]
    file_fail_under: float | None = None
    max_missing: int | None = None


def scopes(cfg: Config, files: Iterable[str], members: Mapping[str, Sequence[str]]) -> list[Scope]:
    """The scopes with a ``file_fail_under`` or ``max_missing`` set: overall (``files``),
    then each domain (its ``members``)."""
    found = [Scope(OVERALL, tuple(files), cfg.file_fail_under, cfg.max_missing)]
    found += [
        Scope(d.name, tuple(members.get(d.name, ())), d.file_fail_under, d.max_missing)
        for d in cfg.domains
    ]
    return [s for s in found if s.file_fail_under is not None or s.max_missing is not None]


def file_checks(scope: Scope, per_file: Mapping[str, Numbers], precision: int) -> list[Check]:
    """Every file of the scope against its ``file_fail_under``: one check per failing
    file, or one passing check for the scope. Files with no statements pass."""
    threshold = scope.file_fail_under
    if threshold is None:
        return []
    measured = [(f, per_file[f]) for f in scope.files if f in per_file and per_file[f].total]
    failing = [
        Check(
            scope.name,
            n.percent,
            threshold,
            False,
            FILE_FAIL_UNDER,
            f"{display_percent(n.percent, precision)}% is below file_fail_under = "
            f"{threshold:g} ({scope.name})",
            file=f,
        )
        for f, n in measured
        if should_fail_under(n.percent, threshold, precision)
    ]
    if failing:
        return failing
    lowest = min((n.percent for _, n in measured), default=100.0)
    return [Check(scope.name, lowest, threshold, True, FILE_FAIL_UNDER)]


def missing_check(scope: Scope, per_file: Mapping[str, Numbers]) -> list[Check]:
    """The scope's missing statements (coverage.py's ``missing_lines``, summed) against
    its ``max_missing``."""
    if scope.max_missing is None:
        return []
    numbers = total(per_file[f] for f in scope.files if f in per_file)
    passed = numbers.missing <= scope.max_missing
    detail = (
        ""
        if passed
        else f"{numbers.missing} missing statements, more than max_missing = {scope.max_missing}"
    )
    return [
        Check(
            scope.name,
            numbers.percent,
            None,
            passed,
            MAX_MISSING,
            detail,
            missing=numbers.missing,
            max_missing=scope.max_missing,
        )
    ]


def scope_checks(
    found: Sequence[Scope], per_file: Mapping[str, Numbers], precision: int
) -> list[Check]:
    """The ``max_missing`` checks, the passing ``file_fail_under`` checks, then every
    failing file, worst first (a file failing in several scopes is listed in each)."""
    checks: list[Check] = []
    failing: list[Check] = []
    for scope in found:
        checks += missing_check(scope, per_file)
        for check in file_checks(scope, per_file, precision):
            (checks if check.passed else failing).append(check)
    failing.sort(key=lambda c: (c.percent, c.file or "", c.name))
    return checks + failing


def threshold_check(name: str, percent: float, fail_under: float | None, precision: int) -> Check:
    passed = fail_under is None or not should_fail_under(percent, fail_under, precision)
    return Check(name, percent, fail_under, passed)


def evaluate(
    analysis: Analysis, fail_under: float, precision: int, found: Sequence[Scope] = ()
) -> Verdict:
    """Overall and every domain against their fail_under, then the ``found`` scopes'
    per-file thresholds and missing-statement caps."""
    checks = [threshold_check(OVERALL, analysis.overall.percent, fail_under, precision)]
    checks += [
        threshold_check(d.name, d.numbers.percent, d.fail_under, precision)
        for d in analysis.domains
    ]
    checks += scope_checks(found, analysis.per_file, precision)
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
