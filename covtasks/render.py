"""Human output: the domain table (terminal and Markdown) and the gate verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from covtasks.constants import OVERALL
from covtasks.gate import Verdict
from covtasks.numbers import Analysis, Numbers, display_percent


@dataclass(frozen=True)
class Row:
    name: str
    numbers: Numbers
    fail_under: float | None
    verdict: str


def rows(analysis: Analysis, verdict: Verdict, fail_under: float) -> list[Row]:
    """Domains, then (unassigned) when it has files, then overall."""
    status = {c.name: ("ok" if c.passed else "FAIL") for c in verdict.checks}
    result = [
        Row(
            d.name,
            d.numbers,
            d.fail_under,
            status.get(d.name, "-") if d.fail_under is not None else "-",
        )
        for d in analysis.domains
    ]
    if analysis.unassigned.files:
        result.append(Row(analysis.unassigned.name, analysis.unassigned.numbers, None, "-"))
    result.append(Row(OVERALL, analysis.overall, fail_under, status.get(OVERALL, "-")))
    return result


def _cells(row: Row, precision: int, branch: bool) -> list[str]:
    n = row.numbers
    cells = [
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
        row.verdict,
    ]
    return cells


def _headers(branch: bool) -> list[str]:
    head = ["Domain", "Files", "Stmts", "Miss"]
    if branch:
        head += ["Branch", "BrPart"]
    return [*head, "Cover", "fail_under", "Verdict"]


def table(table_rows: Sequence[Row], precision: int, branch: bool) -> str:
    """A plain-text table like ``coverage report``'s."""
    head = _headers(branch)
    body = [_cells(r, precision, branch) for r in table_rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]

    def fmt(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    rule = "-" * len(fmt(head))
    lines = [fmt(head), rule, *(fmt(c) for c in body[:-1]), rule, fmt(body[-1])]
    return "\n".join(lines)


def markdown(table_rows: Sequence[Row], precision: int, branch: bool) -> str:
    """The same table in GitHub-flavoured Markdown."""
    head = _headers(branch)
    align = ["---", *["---:"] * (len(head) - 2), ":---:"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    for r in table_rows:
        cells = _cells(r, precision, branch)
        if r.name == OVERALL:
            cells = [f"**{c}**" for c in cells]
        if r.verdict == "FAIL":
            cells[-1] = ":x: FAIL"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict_lines(verdict: Verdict) -> list[str]:
    if verdict.passed:
        return ["covtasks: all thresholds met"]
    return [
        f"covtasks: {len(verdict.failures)} threshold(s) not met:",
        *(f"  - {line}" for line in verdict.lines()),
    ]
