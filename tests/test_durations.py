"""covtasks.durations: the per-test durations file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from covtasks import durations
from covtasks.errors import CovtasksError


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"format": 1, "durations": {"t::a": 1, "t::b": 0.5}}, {"t::a": 1.0, "t::b": 0.5}),
        ({"t::a": 2.5}, {"t::a": 2.5}),  # pytest-split's .test_durations
        ({}, {}),
    ],
)
def test_parse(data: object, expected: dict[str, float]) -> None:
    assert durations.parse(data, "d.json") == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "durations is not an object of node id -> seconds"),
        ({"format": 1, "durations": []}, "durations is not an object of node id -> seconds"),
        ({"format": 2, "durations": {}}, "durations format 2 is not 1"),
        ({"t::a": "1"}, "durations['t::a'] is not a number of seconds >= 0"),
        ({"t::a": -1}, "durations['t::a'] is not a number of seconds >= 0"),
        ({"t::a": True}, "durations['t::a'] is not a number of seconds >= 0"),
    ],
)
def test_parse_refuses(data: object, message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        durations.parse(data, "d.json")
    assert str(info.value) == f"d.json: {message}"


def test_read_missing_is_none_and_unreadable_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    assert durations.read(path) is None
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CovtasksError, match="cannot read the durations file"):
        durations.read(path)


def test_merge_keeps_the_longest_time() -> None:
    assert durations.merge([{"a": 1.0, "b": 2.0}, {"a": 3.0}, {}]) == {"a": 3.0, "b": 2.0}


def test_update_writes_over_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "d.json"
    durations.update(path, {"b": 1.23456, "a": 1.0})
    durations.update(path, {"b": 2.0})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"format": 1, "durations": {"a": 1.0, "b": 2.0}}
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # no temporary file left


def test_of_results_reads_the_plugins_record() -> None:
    assert durations.of_results({"durations": {"t": 1}}) == {"t": 1.0}
    assert durations.of_results(None) == {}
