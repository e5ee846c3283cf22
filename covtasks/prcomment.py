"""The pull-request comment of ``covtasks comment``: short Markdown, built purely.

:func:`render` turns a :class:`Facts` (the figures of a metrics file, the baseline they
are compared with, the patch coverage, the gate's verdict, the suite and the trend)
into the comment: the hidden marker :data:`MARKER` first (a workflow finds and updates
its own comment by it), a headline, one table (per domain and overall: the figure, its
change against the baseline, the patch coverage), a sparkline of the trend, failing
thresholds, flaky and quarantined tests, and one line saying what was compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from covtasks import tables
from covtasks.constants import OVERALL
from covtasks.diffcov import PatchResult
from covtasks.figures import Numbers, display_percent
from covtasks.figures import should_fail_under as fails
from covtasks.gate import Verdict
from covtasks.suites import Suite
from covtasks.tables import RIGHT, Column, Table
from covtasks.trend import Baseline
from covtasks.trendview import cell, short_commit

MARKER = "<!-- covtasks -->"
BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_LAST = 20
NONE = "\u2013"  # an en dash: no figure to show


def sparkline(values: Sequence[float]) -> str:
    """One block per value, from ▁ (the lowest) to █ (the highest); flat values are ▄."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return BLOCKS[3] * len(values)
    scale = (len(BLOCKS) - 1) / (high - low)
    return "".join(BLOCKS[round((v - low) * scale)] for v in values)


@dataclass(frozen=True)
class Patch:
    """Patch coverage of the changes since ``ref`` (merge-base ``merge_base``)."""

    ref: str
    merge_base: str
    result: PatchResult
    fail_under: float | None = None


@dataclass(frozen=True)
class Facts:
    """Everything the comment says, read by the command."""

    overall: float
    domains: Mapping[str, float]
    verdict: Verdict
    suite: Suite
    history: Sequence[float]
    precision: int
    base: Baseline | None = None
    patch: Patch | None = None


def _patch_cell(numbers: Numbers | None, precision: int) -> str:
    if numbers is None or numbers.statements == 0:
        return NONE
    return f"{display_percent(numbers.percent, precision)}%"


def _table(facts: Facts) -> Table:
    precision, base = facts.precision, facts.base
    patch = facts.patch.result if facts.patch is not None else None
    patch_domains = {d.name: d.numbers for d in patch.domains} if patch is not None else {}
    columns = [Column("Domain"), Column("Coverage", RIGHT)]
    columns += [Column("Change", RIGHT)] if base is not None else []
    columns += [Column("Patch", RIGHT)] if patch is not None else []

    def row(
        name: str, value: float, previous: float | None, changed: Numbers | None
    ) -> tuple[str, ...]:
        shown = cell(value, previous, precision)
        cells = [name, f"{shown.figure}%"]
        if base is not None:
            cells.append(shown.delta or NONE)
        if patch is not None:
            cells.append(_patch_cell(changed, precision))
        return tuple(cells)

    body = tuple(
        row(name, value, base.domains.get(name) if base else None, patch_domains.get(name))
        for name, value in facts.domains.items()
    )
    total = row(
        OVERALL,
        facts.overall,
        base.overall if base is not None else None,
        patch.overall if patch is not None else None,
    )
    return Table(tuple(columns), body, total)


def _headline(facts: Facts) -> str:
    shown = cell(facts.overall, facts.base.overall if facts.base else None, facts.precision)
    change = f" ({shown.delta})" if shown.delta is not None else ""
    mark = ":white_check_mark:" if facts.verdict.passed else ":x:"
    return f"### {mark} Coverage {shown.figure}%{change}"


def _problems(facts: Facts) -> list[str]:
    lines = [f":x: Below threshold: {line}" for line in facts.verdict.lines()]
    patch = facts.patch
    if patch is not None and patch.fail_under is not None:
        percent = patch.result.percent
        if fails(percent, patch.fail_under, facts.precision):
            shown = display_percent(percent, facts.precision)
            lines.append(
                f":x: Below threshold: patch coverage {shown}% is below "
                f"diff_fail_under = {patch.fail_under:g}"
            )
    suite = facts.suite
    if suite.flaky:
        lines.append("Flaky: " + ", ".join(f"`{f.nodeid}`" for f in suite.flaky))
    if suite.quarantined_failed:
        failed = ", ".join(f"`{n}`" for n in suite.quarantined_failed)
        lines.append(f"Quarantined, failed: {failed}")
    if suite.quarantined_passed:
        passed = ", ".join(f"`{n}`" for n in suite.quarantined_passed)
        lines.append(f"Quarantined, passes now (release it): {passed}")
    return lines


def _footer(facts: Facts) -> str:
    parts = []
    if facts.base is not None:
        parts.append(
            f"change against the baseline of {short_commit(facts.base.commit)} ({facts.base.date})"
        )
    else:
        parts.append("no baseline to compare with in the trend")
    if facts.patch is not None:
        parts.append(
            f"patch: lines changed since {facts.patch.ref} "
            f"(merge-base {short_commit(facts.patch.merge_base)})"
        )
    return f"<sub>{'; '.join(parts)}</sub>"


def render(facts: Facts) -> str:
    """The comment, marker first, ending with a newline."""
    lines = [MARKER, _headline(facts), "", tables.markdown(_table(facts)), ""]
    history = list(facts.history)[-SPARK_LAST:]
    if len(history) > 1:
        first = display_percent(history[0], facts.precision)
        last = display_percent(history[-1], facts.precision)
        lines += [f"Trend: {sparkline(history)} {first}% → {last}% (last {len(history)})", ""]
    problems = _problems(facts)
    if problems:
        lines += [*(f"- {line}" for line in problems), ""]
    lines.append(_footer(facts))
    return "\n".join(lines) + "\n"
