"""The rules of ``covtasks gate``: thresholds from a metrics JSON, and the release gate.

``gate`` re-checks the overall and per-domain ``fail_under`` of the current
configuration against the figures of a metrics file. ``gate --release`` also demands
that the metrics are fresh (measured on HEAD, from a clean tree, by a stable suite)
and that no figure dropped, beyond its tolerance, against the last trend baseline of
another commit (the ratchet; ``--base REF``: against the entry of the merge-base of REF
and HEAD, see :mod:`covtasks.baseline`), and with ``file_ratchet = true`` that no
file's missing statements grew (:mod:`covtasks.fileratchet`). ``gate --suggest``
prints the thresholds the current figures would support, so a team can raise the floor.
This module owns the pure rules (figures -> checks -> verdict); commands/gate.py prints
them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covtasks import baseline, fileratchet, metrics, trend
from covtasks.config import Config, display_path
from covtasks.constants import OVERALL
from covtasks.errors import CovtasksError
from covtasks.figures import Analysis, analyse, display_percent, floor_percent, should_fail_under
from covtasks.gate import Check, Scope, Verdict, evaluate_figures, scope_checks, scopes
from covtasks.gitinfo import git_info


@dataclass(frozen=True)
class Figures:
    """What a metrics file says: overall, per domain, and the run's facts."""

    overall: float
    domains: Mapping[str, float]
    commit: str | None
    dirty: bool
    stable: bool
    # coverage.py's ``files`` object: the per-file figures of file_fail_under/max_missing.
    files: Mapping[str, Any] = field(default_factory=dict)


def read_metrics(path: Path) -> Figures:
    """Read and check a metrics JSON written by covtasks."""
    where = str(path)
    doc = metrics.load(
        path, where, missing="no metrics file: run `covtasks run` (or `nox -s coverage`) first"
    )
    if not isinstance(doc, dict):
        raise CovtasksError("the metrics JSON is not an object", where)
    for key in ("totals", "files", "covtasks"):
        if not isinstance(doc.get(key), dict):
            raise CovtasksError(f"the metrics JSON has no {key!r} object", where)
    section = doc["covtasks"]
    overall = doc["totals"].get("percent_covered")
    if not metrics.is_number(overall):
        raise CovtasksError("totals.percent_covered is not a number", where)
    domains = metrics.domain_percents(section, where)
    recorded = metrics.Recorded.from_json(section)
    return Figures(
        overall=float(overall),
        domains=domains,
        commit=recorded.commit,
        dirty=recorded.dirty,
        stable=recorded.stable,
        files=doc["files"],
    )


def per_file(figures: Figures, cfg: Config) -> Analysis:
    """The per-file figures of the metrics and each configured domain's files."""
    for name, entry in figures.files.items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        fields = ("num_statements", "covered_lines")
        if not isinstance(summary, dict) or not all(
            metrics.is_number(summary.get(k)) for k in fields
        ):
            raise CovtasksError(
                f"files.{name}.summary is not a coverage.py file summary", display_path(cfg.metrics)
            )
    return analyse({"files": figures.files}, cfg.domains, cfg.root)


def file_scopes(figures: Figures, cfg: Config) -> tuple[list[Scope], Analysis | None]:
    """The scopes with per-file thresholds or missing caps, and the figures they need
    (read only when some scope is configured)."""
    if not scopes(cfg, (), {}):
        return [], None
    analysis = per_file(figures, cfg)
    members = {d.name: d.files for d in analysis.domains}
    return scopes(cfg, analysis.per_file, members), analysis


def freshness(figures: Figures, head: str | None) -> list[Check]:
    """Release checks that the metrics describe HEAD as committed, measured stably."""
    checks: list[Check] = []
    how = "run `nox -s coverage` (or `covtasks run`) on a clean checkout of HEAD"
    if head is None:
        checks.append(Check("freshness", 0, None, False, "fresh", "not a git checkout: " + how))
    elif figures.commit != head:
        measured = (figures.commit or "no commit")[:12]
        checks.append(
            Check(
                "freshness",
                0,
                None,
                False,
                "fresh",
                f"metrics are for {measured}, HEAD is {head[:12]}: {how}",
            )
        )
    elif figures.dirty:
        checks.append(
            Check(
                "freshness",
                0,
                None,
                False,
                "fresh",
                f"metrics were measured with uncommitted changes: {how}",
            )
        )
    if not figures.stable:
        checks.append(
            Check("suite", 0, None, False, "stable", "the metrics do not record a stable suite")
        )
    return checks


def ratchet(
    figures: Figures,
    baselines: Sequence[trend.Baseline],
    head: str | None,
    tolerances: Mapping[str, float],
    precision: int,
) -> list[Check]:
    """No figure may drop, beyond its tolerance, against the last baseline of another
    commit (pure). Figures the baseline lacks are new and pass. An entry measured with
    uncommitted changes (``"dirty": true``, from older trend files) is never a baseline."""
    previous = baseline.latest_of_another_commit(baselines, head)
    return ratchet_against(figures, previous, tolerances, precision)


def ratchet_against(
    figures: Figures,
    previous: trend.Baseline | None,
    tolerances: Mapping[str, float],
    precision: int,
) -> list[Check]:
    """No figure may drop, beyond its tolerance, against ``previous`` (pure)."""
    if previous is None:
        return []
    against = baseline.describe(previous)
    pairs = [(OVERALL, figures.overall, previous.overall)]
    pairs += [
        (n, v, previous.domains[n]) for n, v in figures.domains.items() if n in previous.domains
    ]
    checks: list[Check] = []
    for name, new, old in pairs:
        tolerance = tolerances.get(name, tolerances.get(OVERALL, 0.0))
        drop = round(old, precision) - round(new, precision)
        passed = drop <= tolerance + 1e-9
        detail = ""
        if not passed:
            detail = (
                f"dropped from {display_percent(old, precision)}% to "
                f"{display_percent(new, precision)}% ({-drop:+.{precision}f} points, "
                f"tolerance {tolerance:g}) against {against}"
            )
        checks.append(Check(name, new, None, passed, "ratchet", detail))
    return checks


def suggestion(name: str, percent: float, configured: float | None, precision: int) -> str:
    """One TOML line for ``--suggest`` (pure): the highest threshold ``percent`` passes,
    never below the configured one, with the configured value as a comment; for a
    threshold that fails, a comment saying so instead (a floor is never lowered)."""
    if configured is not None and should_fail_under(percent, configured, precision):
        return (
            f"# fail_under = {configured:g} fails: {name} is at "
            f"{display_percent(percent, precision)}%; raise the coverage (--suggest "
            "never lowers a threshold)"
        )
    value = floor_percent(percent, precision)
    if configured is not None:
        value = max(value, configured)
    return f"fail_under = {value:g}  # now {'unset' if configured is None else f'{configured:g}'}"


def tolerances(cfg: Config) -> dict[str, float]:
    result = {OVERALL: cfg.tolerance}
    for domain in cfg.domains:
        result[domain.name] = cfg.tolerance if domain.tolerance is None else domain.tolerance
    return result


def evaluate(cfg: Config, figures: Figures, *, release: bool, base: str | None = None) -> Verdict:
    thresholds = {d.name: d.fail_under for d in cfg.domains}
    missing = [d.name for d in cfg.domains if d.name not in figures.domains]
    if missing:
        raise CovtasksError(
            f"the metrics have no figure for domain(s) {', '.join(missing)}: they were "
            "written before the domain was configured; run `covtasks run` again",
            display_path(cfg.metrics),
        )
    domains = {n: figures.domains[n] for n in thresholds}
    extra: list[Check] = []
    if release:
        head = git_info(cfg.root, cfg.outputs()).commit
        extra += freshness(figures, head)
        entries = trend.load_entries(cfg.trend) if cfg.trend is not None else []
        choice = baseline.choose(cfg.root, trend.baselines(entries), head, base)
        figures_now = Figures(
            figures.overall, domains, figures.commit, figures.dirty, figures.stable
        )
        if choice.note:
            extra.append(Check("baseline", 0, None, True, "ratchet", choice.note))
        extra += ratchet_against(figures_now, choice.baseline, tolerances(cfg), cfg.precision)
        if cfg.file_ratchet:
            counts = fileratchet.missing_counts(figures.files, display_path(cfg.metrics))
            extra += fileratchet.checks(cfg.root, counts, choice.baseline)
    found, analysis = file_scopes(figures, cfg)
    if analysis is not None:
        extra = scope_checks(found, analysis.per_file, cfg.precision) + extra
    return evaluate_figures(
        figures.overall, domains, thresholds, cfg.fail_under, cfg.precision, extra
    )
