"""The metrics format's one reader and the ``covtasks`` section read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from covtasks import metrics
from covtasks.errors import CovtasksError
from covtasks.metrics import CHECKED, UNCHECKED, FlakyTest, JobRecord, Recorded, Suite


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
        (b"\xff", {}, "m.json: cannot read the metrics JSON: not UTF-8: byte 0xff on line 1"),
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
        (None, Recorded(None, False, Suite({}), (), CHECKED)),
        ([], Recorded(None, False, Suite({}), (), CHECKED)),
        (
            {
                "commit": "abc",
                "dirty": True,
                "suite": SUITE,
                "jobs": [JOB],
                "completeness": "unchecked",
            },
            Recorded("abc", True, Suite(SUITE), (JobRecord(JOB),), UNCHECKED),
        ),
        ({"completeness": "anything"}, Recorded(None, False, Suite({}), (), CHECKED)),
        (
            {"commit": 7, "suite": [], "jobs": {"a": 1}},
            Recorded(None, False, Suite({}), (), CHECKED),
        ),
        ({"jobs": [JOB, "junk"]}, Recorded(None, False, Suite({}), (JobRecord(JOB),), CHECKED)),
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
    assert recorded == Recorded(
        "0123456789abcdef", False, Suite(SUITE), (JobRecord(JOB),), UNCHECKED
    )
    assert metrics.domain_percents(doc["covtasks"], "m.json") == {"api": 75.0}


FLAKY = {"nodeid": "t.py::a", "first": "failed", "rerun": "passed"}


def test_suite_reads_its_typed_parts_and_writes_back_what_it_read() -> None:
    record = {
        "stable": True,
        "passed": 4,
        "quarantined_failed": ["t.py::q"],
        "quarantined_passed": ["t.py::p"],
        "flaky": [FLAKY, {**FLAKY, "job": "py39"}],
        "other": {"kept": True},
    }
    suite = Suite.from_json(record, "m.json")
    assert suite.stable
    assert suite.count("passed") == 4
    assert suite.count("failed") == 0
    assert suite.flaky == (
        FlakyTest("t.py::a", "failed", "passed"),
        FlakyTest("t.py::a", "failed", "passed", "py39"),
    )
    assert (suite.quarantined_failed, suite.quarantined_passed) == (("t.py::q",), ("t.py::p",))
    assert json.dumps(suite.to_json()) == json.dumps(record)


def test_a_stable_stage_result_round_trips_through_the_suite() -> None:
    from covtasks.stable import Counts, Flaky, SuiteResult

    result = SuiteResult(
        exitstatus=1,
        collected=3,
        counts=Counts(passed=2, failed=1),
        quarantined_passed=("t.py::p",),
        flaky=(Flaky("t.py::a", "failed"),),
    )
    suite = result.summary()
    assert json.dumps(suite.to_json()) == json.dumps(result.to_json())
    assert suite.flaky == (FlakyTest("t.py::a", "failed", "passed"),)
    assert Suite.from_json(json.loads(json.dumps(suite.to_json())), "m.json") == suite


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([], "suite is not an object"),
        ({"flaky": {"a": 1}}, "suite.flaky is not a list"),
        ({"flaky": ["x"]}, "suite.flaky[0] is not a flaky test record"),
        ({"flaky": [{**FLAKY, "first": 1}]}, "suite.flaky[0] is not a flaky test record"),
        ({"flaky": [{**FLAKY, "job": 1}]}, "suite.flaky[0] is not a flaky test record"),
        ({"quarantined_failed": "t"}, "suite.quarantined_failed is not a list of test ids"),
        ({"quarantined_passed": [1]}, "suite.quarantined_passed is not a list of test ids"),
    ],
)
def test_a_malformed_suite_is_one_error_naming_file_and_key(record: object, message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        Suite.from_json(record, "job/manifest.json")
    assert str(info.value) == f"job/manifest.json: {message}"


def _section(jobs: tuple[JobRecord, ...], suite: Suite) -> metrics.Section:
    numbers = {"files": 1, "num_statements": 4, "percent_covered": 75.0}
    return metrics.Section(
        versions={"covtasks": "1", "coverage": "7"},
        platform="linux",
        timestamp="2026-01-01T00:00:00+00:00",
        commit="0123456789abcdef",
        dirty=False,
        branch=True,
        precision=2,
        source=("pkg",),
        jobs=jobs,
        completeness=UNCHECKED,
        suite=suite,
        overall=metrics.DomainRecord(numbers, 80.0),
        domains={"api": metrics.DomainRecord(numbers, None, ("pkg/api.py",))},
        unassigned=metrics.DomainRecord({**numbers, "files": 0}, None, ()),
        gate=metrics.GateRecord(
            False,
            ("overall: 75.00% is below fail_under = 80",),
            (metrics.CheckRecord("overall", "fail_under", 75.0, 80.0, False),),
        ),
    )


SECTION_KEYS = [
    *("format", "versions", "platform", "timestamp", "commit", "dirty", "branch"),
    *("precision", "source", "jobs", "cores", "completeness", "suite", "overall"),
    *("domains", "unassigned", "gate"),
]


def test_a_section_writes_its_keys_in_order_and_reads_back() -> None:
    """write -> load -> write: the readers get back what was written, and a section
    rebuilt from what they read writes the same bytes."""
    local = JobRecord.local(workers=2, data_files=3, core="ctrace")
    suite = Suite.combined([("py39", Suite.from_json({**SUITE, "flaky": [FLAKY]}, "m"))])
    section = _section((local, JobRecord(JOB)), suite)
    written = json.dumps(section.to_json(), indent=2)
    doc = json.loads(written)
    assert list(doc) == SECTION_KEYS
    assert doc["cores"] == ["ctrace"]
    assert doc["overall"] == {
        "files": 1,
        "num_statements": 4,
        "percent_covered": 75.0,
        "fail_under": 80.0,
    }
    assert list(doc["domains"]["api"])[-2:] == ["fail_under", "paths"]
    recorded = Recorded.from_json(doc)
    assert recorded == section.recorded()
    assert metrics.domain_percents(doc, "m.json") == {"api": 75.0}
    again = _section(recorded.jobs, recorded.suite)
    assert json.dumps(again.to_json(), indent=2) == written


def test_recorded_reads_the_keys_the_section_writes() -> None:
    from dataclasses import fields

    assert {f.name for f in fields(Recorded)} <= {f.name for f in fields(metrics.Section)}


def test_a_job_manifest_writes_its_keys_in_order() -> None:
    manifest = metrics.JobManifest(
        job="py311",
        created="2026-01-01T00:00:00+00:00",
        commit=None,
        dirty=True,
        root="/ci/proj",
        source=("pkg",),
        branch=False,
        core="sysmon",
        python_version="3.11.7",
        python_implementation="CPython",
        platform="linux",
        machine="x86_64",
        versions={"covtasks": "1"},
        suite=Suite.from_json(SUITE, "m").with_reasons(["setup errors: 2"]),
        data_file="coverage.db",
        data_files_combined=2,
    )
    written = manifest.to_json()
    assert list(written) == [
        *("format", "job", "created", "commit", "dirty", "root", "source", "branch"),
        *("core", "python", "platform", "machine", "versions", "suite", "data_file"),
        *("data_files_combined", "durations"),
    ]
    assert written["python"] == {"version": "3.11.7", "implementation": "CPython"}
    assert written["suite"] == {**SUITE, "reasons": ["setup errors: 2"]}
    assert set(metrics.MANIFEST_REQUIRED) <= set(written)
    job = JobRecord.of_manifest("py311", json.loads(json.dumps(written)))
    assert (job.id, job.core, job.platform, job.passed) == ("py311", "sysmon", "linux", 3)
