"""The trend file as a table, a Markdown table, an SVG chart, a badge.

The core is pure: :func:`rows` turns normalised baselines into :class:`TrendRow` values
(figures at the configured precision, each with its change against the previous
baseline), and :func:`table` / :func:`markdown_table` / :func:`chart_data` render them;
:func:`overall_badge` and :func:`overall_badge_json` are the badges of the latest figure.
:mod:`covtasks.commands.trend` is the thin I/O shell. Flat legacy entries and current entries mix
freely: both are read through :func:`covtasks.trend.baselines`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from covtasks import tables
from covtasks.chart import BADGE_LABEL, badge_colour, badge_text, render_badge
from covtasks.config import Config
from covtasks.constants import OVERALL
from covtasks.figures import display_percent
from covtasks.gate import threshold_check
from covtasks.tables import RIGHT, Column, Table
from covtasks.trend import Baseline

DEFAULT_LAST = 10
SHORT_SHA = 7
NO_COMMIT = "-"


@dataclass(frozen=True)
class Cell:
    """One figure as shown, with its change against the previous baseline.

    ``delta`` is ``"+1.25"``, ``"-0.40"`` or ``"="``; None when the previous baseline
    has no such figure (or there is no previous baseline).
    """

    value: float
    figure: str
    delta: str | None = None

    @property
    def text(self) -> str:
        return self.figure if self.delta is None else f"{self.figure} ({self.delta})"


@dataclass(frozen=True)
class TrendRow:
    """One baseline as a table row."""

    date: str
    commit: str
    overall: Cell
    domains: Mapping[str, Cell]
    flaky: int | None = None

    @property
    def label(self) -> str:
        """The chart's x label: ``"2026-11-27 abc1234"`` (the date alone without a commit)."""
        return self.date if self.commit == NO_COMMIT else f"{self.date} {self.commit}"


def short_commit(commit: str | None) -> str:
    return commit[:SHORT_SHA] if commit else NO_COMMIT


def delta(current: str, previous: str) -> str:
    """The change between two shown figures (exact: both are decimal strings)."""
    diff = Decimal(current) - Decimal(previous)
    if diff == 0:
        return "="
    places = max(-int(Decimal(current).as_tuple().exponent), 0)
    return f"{diff:+.{places}f}"


def cell(value: float, previous: float | None, precision: int) -> Cell:
    figure = display_percent(value, precision)
    if previous is None:
        return Cell(value, figure)
    return Cell(value, figure, delta(figure, display_percent(previous, precision)))


def rows(history: Sequence[Baseline], last: int, precision: int) -> list[TrendRow]:
    """The last ``last`` baselines as rows; each delta is against the baseline just
    before it (also for the first row shown, when an older baseline exists)."""
    if last < 1:
        raise ValueError("last must be >= 1")
    start = max(len(history) - last, 0)
    result: list[TrendRow] = []
    for i in range(start, len(history)):
        b = history[i]
        prev = history[i - 1] if i > 0 else None
        result.append(
            TrendRow(
                date=b.date,
                commit=short_commit(b.commit),
                overall=cell(b.overall, prev.overall if prev else None, precision),
                domains={
                    name: cell(value, prev.domains.get(name) if prev else None, precision)
                    for name, value in b.domains.items()
                },
                flaky=b.flaky,
            )
        )
    return result


def domain_names(trend_rows: Sequence[TrendRow]) -> list[str]:
    """The union of the rows' domains, in order of first appearance."""
    names: dict[str, None] = {}
    for row in trend_rows:
        names.update(dict.fromkeys(row.domains))
    return list(names)


def has_flaky(trend_rows: Sequence[TrendRow]) -> bool:
    return any(row.flaky is not None for row in trend_rows)


def _table(trend_rows: Sequence[TrendRow]) -> Table:
    """The table shared by the text and Markdown renderings: date and commit on the
    left, the figures on the right."""
    names = domain_names(trend_rows)
    flaky = has_flaky(trend_rows)
    titles = [OVERALL, *names, *(["flaky"] if flaky else [])]
    columns = (Column("Date"), Column("Commit"), *(Column(t, RIGHT) for t in titles))
    body = []
    for row in trend_rows:
        cells = [row.date, row.commit, row.overall.text]
        cells += [row.domains[n].text if n in row.domains else "" for n in names]
        if flaky:
            cells.append("" if row.flaky is None else str(row.flaky))
        body.append(tuple(cells))
    return Table(columns, tuple(body))


def table(trend_rows: Sequence[TrendRow]) -> str:
    """A plain-text table, one row per baseline, oldest first."""
    return tables.text(_table(trend_rows))


def markdown_table(trend_rows: Sequence[TrendRow]) -> str:
    """The same table in GitHub-flavoured Markdown (figures right-aligned)."""
    return tables.markdown(_table(trend_rows), escape=True)


def chart_data(
    trend_rows: Sequence[TrendRow],
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Labels and series (overall first, then each domain) for ``render_trend_svg``."""
    labels = [row.label for row in trend_rows]
    series: dict[str, list[float | None]] = {OVERALL: [row.overall.value for row in trend_rows]}
    for name in domain_names(trend_rows):
        series[name] = [
            row.domains[name].value if name in row.domains else None for row in trend_rows
        ]
    return labels, series


def thresholds(cfg: Config, names: Sequence[str]) -> dict[str, float]:
    """fail_under lines for the charted series (overall only when it is set)."""
    result: dict[str, float] = {}
    if cfg.fail_under > 0:
        result[OVERALL] = cfg.fail_under
    for domain in cfg.domains:
        if domain.fail_under is not None and domain.name in names:
            result[domain.name] = domain.fail_under
    return result


def overall_badge_value(overall: float, cfg: Config) -> tuple[str, bool]:
    """The badge text of an overall figure and the gate's verdict on it.

    It shows the whole percent (truncated), unless that would read below a threshold the
    gate passes (79.996 passes 80 at precision 2): then the figure rounded as the gate
    rounds it ("80.00%", more decimals where the threshold has them), so the text never
    contradicts the colour."""
    check = threshold_check(OVERALL, overall, cfg.fail_under, cfg.precision)
    text = badge_text(overall, 0)
    decimals = cfg.precision
    while check.passed and float(text.rstrip("%")) < cfg.fail_under and decimals <= 10:
        text = display_percent(overall, decimals) + "%"
        decimals += 1
    return text, check.passed


def overall_badge(overall: float, cfg: Config) -> str:
    """The SVG badge of an overall figure, coloured by the gate's verdict on it."""
    text, passed = overall_badge_value(overall, cfg)
    return render_badge(overall, passed=passed, text=text)


def overall_badge_json(overall: float, cfg: Config) -> dict[str, Any]:
    """The same badge as a shields.io endpoint document (``/endpoint?url=...``): the
    same text, and the same colour as the SVG badge."""
    text, passed = overall_badge_value(overall, cfg)
    return {
        "schemaVersion": 1,
        "label": BADGE_LABEL,
        "message": text,
        "color": badge_colour(overall, passed),
    }
