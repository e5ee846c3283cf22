"""Tables: one model (columns, body rows, an optional total row) and its two renderers.

Every table covtasks shows is a :class:`Table` rendered by :func:`text` (laid out like
``coverage report``: a header, a rule, the rows, and the total row after a second rule)
or by :func:`markdown` (GitHub-flavoured, the total row in bold). The callers build
the rows (what a figure looks like); this module owns only the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Union

Align = Literal["left", "right", "center"]
LEFT: Align = "left"
RIGHT: Align = "right"
CENTER: Align = "center"
_MARKDOWN_RULE = {LEFT: "---", RIGHT: "---:", CENTER: ":---:"}


@dataclass(frozen=True)
class Column:
    """A column: its title, how it is aligned, and optionally a fixed text width.

    ``markdown_align`` overrides ``align`` in Markdown. ``width`` pads every text cell
    to that many characters (as a format spec does: a longer cell is not cut) instead
    of to the widest cell of the column.
    """

    title: str
    align: Align = LEFT
    markdown_align: Align | None = None
    width: int | None = None


@dataclass(frozen=True)
class Markup:
    """A cell whose Markdown differs from its text (``":x: FAIL"`` for ``"FAIL"``).

    Its Markdown is used as it is: neither escaped nor made bold."""

    text: str
    markdown: str


Cell = Union[str, Markup]


@dataclass(frozen=True)
class Table:
    """Body rows and an optional total row, each one cell per column."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    total: tuple[Cell, ...] | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *([self.total] if self.total is not None else [])):
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} cells for {width} columns: {row!r}")


def _plain(cell: Cell) -> str:
    return cell.text if isinstance(cell, Markup) else cell


def _pad(value: str, width: int, align: Align) -> str:
    if align == RIGHT:
        return value.rjust(width)
    if align == CENTER:
        return value.center(width)
    return value.ljust(width)


def text(table: Table, *, header: bool = True, indent: str = "", sep: str = "  ") -> str:
    """The table as plain text: each column as wide as its widest cell (or its fixed
    width), cells joined by ``sep``, trailing blanks cut; with ``header``, the titles
    and a rule as long as the title line; the total row after a rule of its own."""
    titles = [c.title for c in table.columns]
    lines = [[_plain(cell) for cell in row] for row in table.rows]
    total = None if table.total is None else [_plain(cell) for cell in table.total]
    measured = [*([titles] if header else []), *lines, *([total] if total is not None else [])]
    widths = [
        column.width
        if column.width is not None
        else max((len(line[i]) for line in measured), default=0)
        for i, column in enumerate(table.columns)
    ]

    def fmt(cells: Sequence[str]) -> str:
        padded = [_pad(c, w, col.align) for c, w, col in zip(cells, widths, table.columns)]
        return (indent + sep.join(padded)).rstrip()

    out: list[str] = []
    rule = ""
    if header:
        head = fmt(titles)
        rule = "-" * len(head)
        out += [head, rule]
    out += [fmt(line) for line in lines]
    if total is not None:
        out += [*([rule] if header else []), fmt(total)]
    return "\n".join(out)


def _escape(value: str) -> str:
    return value.replace("|", "\\|")


def markdown(table: Table, *, escape: bool = False) -> str:
    """The table in GitHub-flavoured Markdown; the total row last, in bold. With
    ``escape``, a ``|`` in a title or a text cell is escaped."""

    def cell(value: Cell, bold: bool = False) -> str:
        if isinstance(value, Markup):
            return value.markdown
        shown = _escape(value) if escape else value
        return f"**{shown}**" if bold else shown

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    rules = [_MARKDOWN_RULE[c.markdown_align or c.align] for c in table.columns]
    out = [line([cell(c.title) for c in table.columns]), line(rules)]
    out += [line([cell(value) for value in row]) for row in table.rows]
    if table.total is not None:
        out.append(line([cell(value, bold=True) for value in table.total]))
    return "\n".join(out)
