"""Tests for covtasks.trend: reading, validating, merging and appending the trend file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from covtasks.errors import CovtasksError
from covtasks.trend import (
    Baseline,
    TrendError,
    append,
    baselines,
    load_entries,
    make_entry,
    merge,
    parse_baseline,
    parse_trend,
)

Entry = dict[str, Any]
HINT = (
    "fix it by hand, or move it aside (mv {where} {where}.bak) to start a new trend; "
    "covtasks never overwrites a trend it cannot read"
)


def entry(commit: str | None, date: str = "2026-11-27", overall: float = 80.0) -> Entry:
    return make_entry(
        date=date,
        timestamp=f"{date}T10:00:00+00:00",
        commit=commit,
        overall=overall,
        domains={"governance": overall - 5},
        flaky=0,
    )


def flat(date: str = "2026-11-27", **figures: Any) -> Entry:
    return {"date": date, "overall": 75.0, "governance": 70.0, **figures}


# --- validation ------------------------------------------------------------------------

BAD_TREND_FILES = [
    pytest.param(
        "not json",
        "{where}: not valid JSON (Expecting value: line 1 column 1 (char 0)); " + HINT,
        id="not-json",
    ),
    pytest.param(
        "[]", "{where}: expected an object with a 'baselines' array; " + HINT, id="top-level-list"
    ),
    pytest.param(
        '"text"',
        "{where}: expected an object with a 'baselines' array; " + HINT,
        id="top-level-string",
    ),
    pytest.param(
        '{"format": 1}',
        "{where}: 'baselines' is missing or not an array; " + HINT,
        id="missing-baselines",
    ),
    pytest.param(
        '{"format": 1, "baselines": {"a": 1}}',
        "{where}: 'baselines' is missing or not an array; " + HINT,
        id="baselines-not-a-list",
    ),
    pytest.param(
        '{"baselines": [1]}', "{where}: baselines[0]: expected an object", id="entry-not-object"
    ),
    pytest.param(
        '{"baselines": [{"date": "2026-01-01"}]}',
        "{where}: baselines[0]: has no 'overall' figure",
        id="entry-without-overall",
    ),
    pytest.param(
        '{"baselines": [{"overall": "85.0"}]}',
        "{where}: baselines[0]: 'overall' is not a number: '85.0'",
        id="overall-string",
    ),
    pytest.param(
        '{"baselines": [{"overall": true}]}',
        "{where}: baselines[0]: 'overall' is not a number: True",
        id="overall-bool",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1}, {"overall": 2, "domains": {"gov": "high"}}]}',
        "{where}: baselines[1]: figure 'gov' is not a number: 'high'",
        id="domain-figure-string",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "domains": [50]}]}',
        "{where}: baselines[0]: 'domains' is not an object",
        id="domains-not-object",
    ),
    pytest.param(
        '{"baselines": [{"date": "2026-01-01", "overall": 1, "governance": null}]}',
        "{where}: baselines[0]: figure 'governance' is not a number: None",
        id="flat-figure-null",
    ),
    pytest.param(
        '{"baselines": [{"date": "2026-01-01", "overall": 1, "security": "n/a"}]}',
        "{where}: baselines[0]: figure 'security' is not a number: 'n/a'",
        id="flat-figure-string",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "commit": 123}]}',
        "{where}: baselines[0]: 'commit' is not a string: 123",
        id="commit-number",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "flaky": "two"}]}',
        "{where}: baselines[0]: 'flaky' is not a number: 'two'",
        id="flaky-string",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "domains": {}, "missing": [1]}]}',
        "{where}: baselines[0]: 'missing' is not an object",
        id="missing-not-object",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "domains": {}, "missing": {"a.py": 1.5}}]}',
        "{where}: baselines[0]: missing count of 'a.py' is not a count: 1.5",
        id="missing-count-fraction",
    ),
    pytest.param(
        '{"baselines": [{"overall": 1, "domains": {}, "missing": {"a.py": -1}}]}',
        "{where}: baselines[0]: missing count of 'a.py' is not a count: -1",
        id="missing-count-negative",
    ),
    pytest.param(
        '{"format": 2, "baselines": []}',
        "{where}: trend format 2 was written by a newer covtasks (this one reads format 1); "
        "upgrade covtasks",
        id="format-newer",
    ),
    pytest.param(
        '{"format": "x", "baselines": []}',
        "{where}: 'format' is not a whole number: 'x'",
        id="format-string",
    ),
    pytest.param(
        '{"format": 1.5, "baselines": []}',
        "{where}: 'format' is not a whole number: 1.5",
        id="format-fraction",
    ),
    pytest.param(
        '{"format": true, "baselines": []}',
        "{where}: 'format' is not a whole number: True",
        id="format-bool",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_TREND_FILES)
def test_bad_trend_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "trend.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CovtasksError) as excinfo:
        load_entries(path)
    assert str(excinfo.value) == message.format(where=path)


@pytest.mark.parametrize(
    ("text", "detail", "fix", "newer"),
    [
        pytest.param("{", "not valid JSON", True, False, id="not-json"),
        pytest.param("[]", "expected an object with a 'baselines' array", True, False, id="list"),
        pytest.param('{"baselines": [3]}', "baselines[0]: expected an object", False, False),
        pytest.param('{"format": 2, "baselines": []}', "trend format 2", False, True, id="newer"),
    ],
)
def test_trend_error_carries_problem_entry_and_fix_apart(
    tmp_path: Path, text: str, detail: str, fix: bool, newer: bool
) -> None:
    path = tmp_path / "trend.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrendError) as excinfo:
        load_entries(path)
    error = excinfo.value
    assert error.detail.startswith(detail)
    assert str(path) not in error.detail
    assert error.fix == (HINT.format(where=path) if fix else "")
    assert error.newer is newer
    assert str(error) == f"{error.where}: {error.message}"


def test_parse_trend_names_the_document() -> None:
    with pytest.raises(CovtasksError) as excinfo:
        parse_trend({"baselines": [{"overall": None}]}, "ci/trend.json")
    assert str(excinfo.value) == "ci/trend.json: baselines[0]: 'overall' is not a number: None"


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"baselines": []}, id="no-format-is-format-1"),
        pytest.param({"format": 1, "baselines": []}, id="format-1"),
        pytest.param({"format": 1.0, "baselines": []}, id="format-1.0"),
        pytest.param({"format": 0, "baselines": []}, id="format-0-older"),
    ],
)
def test_readable_formats(doc: dict[str, Any]) -> None:
    assert parse_trend(doc, "trend.json") == []


def test_parse_trend_returns_entries_untouched() -> None:
    entries = [flat(note="by hand", dirty=True), {**entry("abc"), "extra": [1]}]
    assert parse_trend({"format": 1, "baselines": entries}, "t") is entries


def test_load_entries_of_a_missing_file(tmp_path: Path) -> None:
    assert load_entries(tmp_path / "absent.json") == []


def test_load_entries_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError, match="cannot read the trend file"):
        load_entries(tmp_path)


# --- Baseline: current and legacy flat entries -----------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            {
                "date": "2026-11-27",
                "timestamp": "2026-11-27T10:00:00+00:00",
                "commit": "abc123",
                "overall": 85,
                "domains": {"governance": 90, "security": 70.5},
                "flaky": 2,
            },
            Baseline("2026-11-27", "abc123", 85.0, {"governance": 90.0, "security": 70.5}, 2),
            id="current",
        ),
        pytest.param(
            {"date": "2025-01-01", "overall": 80.5, "governance": 70, "security": 90.25},
            Baseline("2025-01-01", None, 80.5, {"governance": 70.0, "security": 90.25}),
            id="flat",
        ),
        pytest.param(
            {
                "date": "2025-01-01",
                "timestamp": "t",
                "commit": "c",
                "note": "manual",
                "branch": "main",
                "dirty": True,
                "overall": 60,
                "api": 50,
            },
            Baseline("2025-01-01", "c", 60.0, {"api": 50.0}, dirty=True),
            id="flat-with-meta-keys",
        ),
        pytest.param({"overall": 1}, Baseline("", None, 1.0, {}), id="minimal"),
        pytest.param(
            {"overall": 1, "domains": {}, "missing": {"pkg/a.py": 3}},
            Baseline("", None, 1.0, {}, missing={"pkg/a.py": 3}),
            id="missing-counts",
        ),
        pytest.param(
            {"overall": 1, "domains": {}, "missing": {}},
            Baseline("", None, 1.0, {}, missing={}),
            id="no-file-misses-a-statement",
        ),
        pytest.param(
            {"overall": 1, "domains": {}},
            Baseline("", None, 1.0, {}, missing=None),
            id="written-before-the-counts",
        ),
    ],
)
def test_parse_baseline(raw: Entry, expected: Baseline) -> None:
    assert parse_baseline(raw, "t") == expected


def test_baselines_normalise_every_entry() -> None:
    result = baselines([flat("2025-01-01"), entry("abc", overall=90.0)])
    assert [(b.date, b.commit, b.overall) for b in result] == [
        ("2025-01-01", None, 75.0),
        ("2026-11-27", "abc", 90.0),
    ]
    assert [dict(b.domains) for b in result] == [{"governance": 70.0}, {"governance": 85.0}]


def test_baselines_names_the_bad_entry() -> None:
    with pytest.raises(CovtasksError) as excinfo:
        baselines([entry("a"), {"date": "x"}])
    assert str(excinfo.value) == "baselines[1]: has no 'overall' figure"


def test_make_entry_copies_domains() -> None:
    domains = {"governance": 80.0}
    made = make_entry(
        date="2026-11-27", timestamp="ts", commit=None, overall=81.0, domains=domains, flaky=1
    )
    domains["governance"] = 0.0
    assert made == {
        "date": "2026-11-27",
        "timestamp": "ts",
        "commit": None,
        "overall": 81.0,
        "domains": {"governance": 80.0},
        "flaky": 1,
    }


def test_make_entry_keeps_the_missing_counts_when_given() -> None:
    made = make_entry(
        date="d", timestamp="t", commit="c", overall=1.0, domains={}, flaky=0, missing={"a.py": 2}
    )
    assert made["missing"] == {"a.py": 2}
    assert parse_baseline(made, "t").missing == {"a.py": 2}


# --- merge -----------------------------------------------------------------------------


def commits(entries: list[Entry]) -> list[tuple[str | None, float]]:
    return [(e.get("commit"), e["overall"]) for e in entries]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param([], entry("a"), [("a", 80.0)], id="first-entry"),
        pytest.param(
            [entry("a"), entry("b")],
            entry("c", overall=90.0),
            [("a", 80.0), ("b", 80.0), ("c", 90.0)],
            id="new-commit-appended",
        ),
        pytest.param(
            [entry("a"), entry("b"), entry("c")],
            entry("b", overall=90.0),
            [("a", 80.0), ("c", 80.0), ("b", 90.0)],
            id="same-commit-replaced",
        ),
        pytest.param(
            [entry(None, "2026-11-26"), entry(None, "2026-11-27")],
            entry(None, "2026-11-27", overall=90.0),
            [(None, 80.0), (None, 90.0)],
            id="commitless-same-date-replaced",
        ),
        pytest.param(
            [entry(None, "2026-11-26")],
            entry(None, "2026-11-27", overall=90.0),
            [(None, 80.0), (None, 90.0)],
            id="commitless-other-date-appended",
        ),
        pytest.param(
            [entry("a", "2026-11-27")],
            entry(None, "2026-11-27", overall=90.0),
            [("a", 80.0), (None, 90.0)],
            id="commitless-keeps-entry-with-commit",
        ),
        pytest.param(
            [entry(None, "2026-11-27")],
            entry("a", "2026-11-27", overall=90.0),
            [(None, 80.0), ("a", 90.0)],
            id="commit-keeps-commitless-entry",
        ),
    ],
)
def test_merge(old: list[Entry], new: Entry, expected: list[tuple[str | None, float]]) -> None:
    assert commits(merge(old, new)) == expected


@pytest.mark.parametrize(
    "legacy",
    [
        pytest.param(flat("2026-11-27"), id="flat-same-date"),
        pytest.param(flat("2026-11-27", commit="a"), id="flat-same-commit"),
    ],
)
@pytest.mark.parametrize("commit", ["a", None], ids=["new-with-commit", "new-without-commit"])
def test_merge_never_replaces_a_flat_entry(legacy: Entry, commit: str | None) -> None:
    new = entry(commit, "2026-11-27")
    assert merge([legacy], new) == [legacy, new]


def test_merge_does_not_change_its_input() -> None:
    old = [entry("a"), entry("b")]
    snapshot = json.loads(json.dumps(old))
    merge(old, entry("a", overall=99.0))
    assert old == snapshot


# --- append ----------------------------------------------------------------------------


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_append_creates_the_trend(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "trend.json"
    new = entry("a")
    assert append(path, new, tmp_path / ".covtasks" / "trend.lock") == [new]
    assert read(path) == {"format": 1, "baselines": [new]}


def test_append_keeps_existing_entries_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "trend.json"
    legacy = flat("2025-01-01", note="hand-rolled", dirty=False)
    odd = {**entry("b"), "unknown_key": {"kept": [1, 2]}}
    path.write_text(json.dumps({"format": 1, "baselines": [legacy, odd]}), encoding="utf-8")
    new = entry("c")
    append(path, new, tmp_path / "lock")
    assert read(path) == {"format": 1, "baselines": [legacy, odd, new]}


def test_append_adds_format_to_a_file_without_one(tmp_path: Path) -> None:
    path = tmp_path / "trend.json"
    path.write_text(json.dumps({"baselines": [flat()]}), encoding="utf-8")
    append(path, entry("a"), tmp_path / "lock")
    assert read(path)["format"] == 1


def test_append_replaces_the_same_commit(tmp_path: Path) -> None:
    path = tmp_path / "trend.json"
    lock = tmp_path / "lock"
    append(path, entry("a"), lock)
    append(path, entry("b"), lock)
    append(path, entry("a", overall=91.0), lock)
    assert commits(read(path)["baselines"]) == [("b", 80.0), ("a", 91.0)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"baselines": [', id="truncated-json"),
        pytest.param("[]", id="list"),
        pytest.param('{"format": 2, "baselines": []}', id="newer-format"),
        pytest.param('{"baselines": [{"overall": "x"}]}', id="bad-entry"),
        pytest.param("", id="empty"),
    ],
)
def test_append_refuses_a_corrupt_trend(tmp_path: Path, text: str) -> None:
    path = tmp_path / "trend.json"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(CovtasksError) as excinfo:
        append(path, entry("a"), tmp_path / "lock")
    assert str(excinfo.value).startswith(f"{path}: ")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lock", "trend.json"]


def test_append_uses_the_lock_path_given(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    lock = tmp_path / "private" / "trend.lock"
    append(reports / "trend.json", entry("a"), lock)
    assert lock.is_file()
    assert sorted(p.name for p in reports.iterdir()) == ["trend.json"]


def test_append_removes_temp_files_of_killed_writers(tmp_path: Path) -> None:
    trend_file = tmp_path / "trend.json"
    stale = tmp_path / ".trend.json.abc123.tmp"
    stale.write_text("{half")
    append(
        trend_file,
        make_entry(date="d", timestamp="t", commit="c", overall=1.0, domains={}, flaky=0),
        tmp_path / "lock",
    )
    assert not stale.exists()
