"""The metrics format's one reader and the ``covtasks`` section read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from covtasks import metrics
from covtasks.errors import CovtasksError
from covtasks.metrics import CHECKED, UNCHECKED, Recorded


def test_load_returns_the_parsed_document(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"totals": {}}', encoding="utf-8")
    assert metrics.load(path, "m.json") == {"totals": {}}


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (None, {}, "m.json: no metrics file: run `covtasks run` first"),
        (None, {"missing": "nothing here"}, "m.json: nothing here"),
        ("{", {}, "m.json: cannot read the metrics JSON: Expecting"),
        ("{", {"unreadable": "cannot read the metrics"}, "m.json: cannot read the metrics: "),
        (b"\xff", {}, "m.json: cannot read the metrics JSON: 'utf-8' codec"),
    ],
    ids=["missing", "missing-worded", "not-json", "not-json-worded", "not-utf8"],
)
def test_load_errors_name_the_file(
    tmp_path: Path, content: str | bytes | None, options: dict[str, str], message: str
) -> None:
    path = tmp_path / "m.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CovtasksError) as info:
        metrics.load(path, "m.json", **options)
    assert str(info.value).startswith(message)


SUITE = {"stable": True, "passed": 3, "flaky": []}
JOB = {"id": "py311", "suite": {"stable": True}}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (None, Recorded(None, False, {}, (), CHECKED)),
        ([], Recorded(None, False, {}, (), CHECKED)),
        (
            {
                "commit": "abc",
                "dirty": True,
                "suite": SUITE,
                "jobs": [JOB],
                "completeness": "unchecked",
            },
            Recorded("abc", True, SUITE, (JOB,), UNCHECKED),
        ),
        ({"completeness": "anything"}, Recorded(None, False, {}, (), CHECKED)),
        ({"commit": 7, "suite": [], "jobs": {"a": 1}}, Recorded(None, False, {}, (), CHECKED)),
        ({"jobs": [JOB, "junk"]}, Recorded(None, False, {}, (JOB,), CHECKED)),
    ],
    ids=["none", "not-an-object", "complete", "unknown-completeness", "malformed", "junk-job"],
)
def test_recorded_from_json(section: Any, expected: Recorded) -> None:
    assert Recorded.from_json(section) == expected


def test_recorded_stable_comes_from_the_suite() -> None:
    assert Recorded.from_json({"suite": {"stable": True}}).stable
    assert not Recorded.from_json({"suite": {}}).stable


def test_domain_percents() -> None:
    section = {"domains": {"api": {"percent_covered": 50}, "core": {"percent_covered": 12.5}}}
    assert metrics.domain_percents(section, "m.json") == {"api": 50.0, "core": 12.5}
    assert metrics.domain_percents({}, "m.json") == {}


@pytest.mark.parametrize("entry", [{"percent_covered": "x"}, {"percent_covered": True}, {}, 3])
def test_domain_percents_refuse_a_non_number(entry: object) -> None:
    with pytest.raises(CovtasksError) as info:
        metrics.domain_percents({"domains": {"api": entry}}, "m.json")
    assert str(info.value) == "m.json: covtasks.domains.api.percent_covered is not a number"


def test_a_written_section_reads_back(tmp_path: Path) -> None:
    """What publish writes (through JSON) is what the readers get back."""
    section = {
        "format": metrics.FORMAT,
        "commit": "0123456789abcdef",
        "dirty": False,
        "jobs": [JOB],
        "completeness": UNCHECKED,
        "suite": SUITE,
        "domains": {"api": {"percent_covered": 75.0}},
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"totals": {}, "covtasks": section}), encoding="utf-8")
    doc = metrics.load(path, "m.json")
    recorded = Recorded.from_json(doc["covtasks"])
    assert recorded == Recorded("0123456789abcdef", False, SUITE, (JOB,), UNCHECKED)
    assert metrics.domain_percents(doc["covtasks"], "m.json") == {"api": 75.0}
