"""The in-place TOML number edit behind ``gate --suggest --write``: only the numbers
change, every other byte stays, and layouts it cannot edit faithfully are refused."""

from __future__ import annotations

import sys

import pytest

from covtasks.errors import CovtasksError
from covtasks.tomledit import format_number, set_numbers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

TOP = ("tool", "covtasks", "fail_under")
GOV = ("tool", "covtasks", "domains", "governance", "fail_under")
GOV_FILES = ("tool", "covtasks", "domains", "governance", "file_fail_under")

COMMENTED = """\
# The project's settings.
[tool.covtasks]   # covtasks
source = ["pkg"]  # what we measure
fail_under    =   50   # raise me, never lower
precision = 2

# Domains: one table each.
[tool.covtasks.domains.governance]
paths = [
    "pkg/gov/**",  # fail_under = 1 in a comment is not a key
]
"fail_under" = 60.5
file_fail_under=40#tight

[tool.covtasks.domains."my api"]
paths = ["pkg/api/**"]
fail_under = 10
"""


def test_only_the_numbers_change() -> None:
    new = set_numbers(COMMENTED, {TOP: 84.37, GOV: 75, GOV_FILES: 70.5}, 2, "pyproject.toml")
    assert new == COMMENTED.replace("=   50   #", "=   84.37   #").replace(
        '"fail_under" = 60.5', '"fail_under" = 75'
    ).replace("file_fail_under=40#", "file_fail_under=70.5#")
    doc = tomllib.loads(new)["tool"]["covtasks"]
    assert (doc["fail_under"], doc["domains"]["governance"]["fail_under"]) == (84.37, 75)
    assert doc["domains"]["my api"]["fail_under"] == 10


def test_quoted_table_names_and_crlf_line_endings() -> None:
    text = COMMENTED.replace("\n", "\r\n")
    path = ("tool", "covtasks", "domains", "my api", "fail_under")
    new = set_numbers(text, {path: 20}, 2, "pyproject.toml")
    assert new == text.replace("fail_under = 10\r\n", "fail_under = 20\r\n")


def test_dotted_keys() -> None:
    text = "[tool]\ncovtasks.fail_under = 50  # dotted\ncovtasks.source = ['pkg']\n"
    assert set_numbers(text, {TOP: 60}, 2, "p") == text.replace("= 50", "= 60")


@pytest.mark.parametrize(
    "text",
    [
        "[tool.covtasks]\ndomains = { governance = { paths = ['x'], fail_under = 50 } }\n",
        "[tool.covtasks.domains]\ngovernance = { paths = ['x'], fail_under = 50 }\n",
    ],
    ids=["inline-table", "inline-domain"],
)
def test_inline_tables_are_refused_naming_the_key(text: str) -> None:
    with pytest.raises(CovtasksError) as info:
        set_numbers(text, {GOV: 60}, 2, "pyproject.toml")
    assert str(info.value) == (
        "pyproject.toml: tool.covtasks.domains.governance.fail_under: --write changes only "
        "a `key = number` line below its table's [header] (not in an inline table or an "
        "array of tables): raise this one by hand"
    )


@pytest.mark.parametrize("first", [True, False], ids=["string-first", "string-last"])
def test_a_key_line_inside_a_multiline_string_is_never_edited(first: bool) -> None:
    note = 'note = """\nfail_under = 50\n"""\n'
    body = [note, "fail_under = 50\n"] if first else ["fail_under = 50\n", note]
    text = "[tool.covtasks]\n" + "".join(body)
    new = set_numbers(text, {TOP: 60}, 2, "p")
    assert tomllib.loads(new)["tool"]["covtasks"] == {"note": "fail_under = 50\n", "fail_under": 60}


def test_no_change_is_the_same_text() -> None:
    assert set_numbers(COMMENTED, {}, 2, "p") is COMMENTED


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (85.0, 2, "85"),
        (84.37, 2, "84.37"),
        (84.3, 2, "84.3"),
        (84.0, 0, "84"),
        (99.125, 3, "99.125"),
    ],
)
def test_format_number(value: float, precision: int, text: str) -> None:
    assert format_number(value, precision) == text
