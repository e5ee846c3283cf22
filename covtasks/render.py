"""Human output: the domain table (terminal and Markdown) and the gate verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from covtasks import tables
from covtasks.constants import OVERALL
from covtasks.figures import Analysis, Numbers, display_percent
from covtasks.gate import Verdict
from covtasks.tables import CENTER, RIGHT, Cell, Column, Markup, Table


@dataclass(frozen=True)
class Row:
    name: str
    numbers: Numbers
    fail_under: float | None
    verdict: str


def rows(analysis: Analysis, verdict: Verdict, fail_under: float) -> list[Row]:
    """Domains, then (unassigned) when it has files, then overall."""
    # A row fails when any threshold of its scope fails (fail_under, file_fail_under,
    # max_missing); a row with no threshold set shows "-".
    status: dict[str, str] = {}
    for c in verdict.checks:
        if c.kind != "fail_under" or c.fail_under is not None:
            failed = status.get(c.name) == "FAIL" or not c.passed
            status[c.name] = "FAIL" if failed else "ok"
    result = [
        Row(d.name, d.numbers, d.fail_under, status.get(d.name, "-")) for d in analysis.domains
    ]
    if analysis.unassigned.files:
        result.append(Row(analysis.unassigned.name, analysis.unassigned.numbers, None, "-"))
    result.append(Row(OVERALL, analysis.overall, fail_under, status.get(OVERALL, "-")))
    return result


def _cells(row: Row, precision: int, branch: bool) -> tuple[Cell, ...]:
    n = row.numbers
    cells: list[Cell] = [
        row.name,
        str(n.files),
        str(n.statements),
        str(n.statements - n.covered_lines),
    ]
    if branch:
        cells += [str(n.branches), str(n.partial_branches)]
    cells += [
        display_percent(n.percent, precision) + "%",
        "-" if row.fail_under is None else f"{row.fail_under:g}",
        Markup("FAIL", ":x: FAIL") if row.verdict == "FAIL" else row.verdict,
    ]
    return tuple(cells)


def _columns(branch: bool) -> tuple[Column, ...]:
    titles = ["Files", "Stmts", "Miss"]
    if branch:
        titles += ["Branch", "BrPart"]
    titles += ["Cover", "fail_under"]
    return (
        Column("Domain"),
        *(Column(t, RIGHT) for t in titles),
        Column("Verdict", RIGHT, markdown_align=CENTER),
    )


def _table(table_rows: Sequence[Row], precision: int, branch: bool) -> Table:
    """The rows up to the last as the body, the last (overall) as the total."""
    cells = [_cells(r, precision, branch) for r in table_rows]
    return Table(_columns(branch), tuple(cells[:-1]), cells[-1])


def table(table_rows: Sequence[Row], precision: int, branch: bool) -> str:
    """A plain-text table like ``coverage report``'s."""
    return tables.text(_table(table_rows, precision, branch))


def markdown(table_rows: Sequence[Row], precision: int, branch: bool) -> str:
    """The same table in GitHub-flavoured Markdown."""
    return tables.markdown(_table(table_rows, precision, branch))


def verdict_lines(verdict: Verdict) -> list[str]:
    if verdict.passed:
        return ["covtasks: all thresholds met"]
    return [
        f"covtasks: {len(verdict.failures)} threshold(s) not met:",
        *(f"  - {line}" for line in verdict.lines()),
    ]
