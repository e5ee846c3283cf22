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


NOT_SECONDS = "is not a number of seconds from 0 to 1e+09"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "durations is not an object of node id -> seconds"),
        ({"format": 1, "durations": []}, "durations is not an object of node id -> seconds"),
        ({"format": 2, "durations": {}}, "durations format 2 is not 1"),
        ({"format": True, "durations": {}}, "durations format True is not 1"),
        ({"t::a": "1"}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": -1}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": True}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": float("inf")}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": float("nan")}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": 10**400}, f"durations['t::a'] {NOT_SECONDS}"),
        ({"t::a": 2e9}, f"durations['t::a'] {NOT_SECONDS}"),
    ],
)
def test_parse_refuses(data: object, message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        durations.parse(data, "d.json")
    assert str(info.value) == f"d.json: {message}"


def test_read_missing_is_none(tmp_path: Path) -> None:
    assert durations.read(tmp_path / "d.json") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "the durations file is not valid JSON: "),
        (b'{"t::a": Infinity}', f"durations['t::a'] {NOT_SECONDS}"),
        (b'{"t::a": 1, "t::a": 2}', "the durations file is not valid JSON: "),
        (b'{"t::a": 1e400}', f"durations['t::a'] {NOT_SECONDS}"),
        (b'{"t::a": \xff}', "the durations file is not valid JSON: "),
        (b'{"t::a": 1' + b"0" * 5000 + b"}", "the durations file is not valid JSON: "),
    ],
)
def test_read_refuses_bad_json_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(content)
    with pytest.raises(CovtasksError) as info:
        durations.read(path)
    assert info.value.where == str(path)
    assert info.value.message.startswith(message)
    assert len(info.value.line().splitlines()) == 1


def test_merge_keeps_the_longest_time() -> None:
    assert durations.merge([{"a": 1.0, "b": 2.0}, {"a": 3.0}, {}]) == {"a": 3.0, "b": 2.0}


def test_updated_writes_over_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(durations.updated(path, {"b": 1.23456, "a": 1.0}), encoding="utf-8")
    path.write_text(durations.updated(path, {"b": 2.0}), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"format": 1, "durations": {"a": 1.0, "b": 2.0}}


def test_of_results_reads_the_plugins_record() -> None:
    assert durations.of_results({"durations": {"t": 1}}) == {"t": 1.0}
    assert durations.of_results(None) == {}
