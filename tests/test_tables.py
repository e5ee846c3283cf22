"""The table model and its text and Markdown renderers, from a table of cases."""

from __future__ import annotations

import pytest

from covtasks import tables
from covtasks.tables import CENTER, RIGHT, Column, Markup, Table

TWO = (Column("Name"), Column("N", RIGHT))

TEXT_CASES = [
    pytest.param(Table(TWO), {}, "Name  N\n-------", id="header-only"),
    pytest.param(
        Table(TWO, (("a", "1"), ("bbbbbb", "22"))),
        {},
        "Name     N\n----------\na        1\nbbbbbb  22",
        id="widest-cell",
    ),
    pytest.param(
        Table(TWO, (("a", "1"),), ("total", "100")),
        {},
        "Name     N\n----------\na        1\n----------\ntotal  100",
        id="total-after-rule",
    ),
    pytest.param(
        Table((Column("A"), Column("B")), (("x", ""),)),
        {},
        "A  B\n----\nx",
        id="trailing-blanks-cut",
    ),
    pytest.param(
        Table((Column("A"), Column("B", CENTER)), (("x", "ok"),)),
        {},
        "A  B\n----\nx  ok",
        id="center",
    ),
    pytest.param(
        Table((Column("", width=4), Column("", width=3), Column("")), (("ok", "k", "t"),)),
        {"header": False, "indent": "  ", "sep": " "},
        "  ok   k   t",
        id="fixed-width-no-header",
    ),
    pytest.param(
        Table((Column("", width=2), Column("")), (("long", "t"),)),
        {"header": False, "sep": " "},
        "long t",
        id="fixed-width-overflows",
    ),
    pytest.param(
        Table(TWO, (("a", Markup("FAIL", ":x: FAIL")),)),
        {},
        "Name     N\n----------\na     FAIL",
        id="markup-as-text",
    ),
]


@pytest.mark.parametrize(("table", "options", "expected"), TEXT_CASES)
def test_text(table: Table, options: dict[str, object], expected: str) -> None:
    assert tables.text(table, **options) == expected  # type: ignore[arg-type]


MARKDOWN_CASES = [
    pytest.param(Table(TWO), {}, "| Name | N |\n| --- | ---: |", id="header-only"),
    pytest.param(
        Table(TWO, (("a", "1"),), ("total", "2")),
        {},
        "| Name | N |\n| --- | ---: |\n| a | 1 |\n| **total** | **2** |",
        id="total-bold",
    ),
    pytest.param(
        Table((Column("V", RIGHT, markdown_align=CENTER),), (), (Markup("FAIL", ":x: FAIL"),)),
        {},
        "| V |\n| :---: |\n| :x: FAIL |",
        id="markup-verbatim-and-markdown-align",
    ),
    pytest.param(
        Table((Column("a|b"),), (("x|y",),)),
        {"escape": True},
        "| a\\|b |\n| --- |\n| x\\|y |",
        id="escape",
    ),
    pytest.param(
        Table((Column("a|b"),), (("x|y",),)),
        {},
        "| a|b |\n| --- |\n| x|y |",
        id="no-escape",
    ),
]


@pytest.mark.parametrize(("table", "options", "expected"), MARKDOWN_CASES)
def test_markdown(table: Table, options: dict[str, object], expected: str) -> None:
    assert tables.markdown(table, **options) == expected  # type: ignore[arg-type]


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row has 1 cells for 2 columns"):
        Table(TWO, (("a",),))
