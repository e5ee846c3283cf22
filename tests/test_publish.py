"""The metrics JSON: coverage.py's report with the covtasks section spliced in."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from covtasks.config import load_config
from covtasks.figures import display_percent
from covtasks.measure import measurement_core
from covtasks.metrics import JobRecord, cores
from covtasks.publish import _CHUNK, _splice_offset, write_metrics
from tests.helpers import BASIC_FILES, Project

METRICS = "tests/coverage_reports/metrics/coverage.json"

REPORT = {"meta": {"format": 3}, "files": {"a.py": {"summary": {}}}, "totals": {"x": 1}}
SECTION = {"format": 1, "domains": {"gov": {"percent_covered": 80.0}}}


@pytest.mark.parametrize("indent", [None, 4], ids=["compact", "pretty_print"])
def test_spliced_metrics_equal_the_merged_document(tmp_path: Path, indent: int | None) -> None:
    report_file = tmp_path / "coverage.json"
    report_file.write_text(json.dumps(REPORT, indent=indent))
    write_metrics(tmp_path / "m.json", REPORT, SECTION, report_file=report_file)
    assert json.loads((tmp_path / "m.json").read_text()) == {**REPORT, "covtasks": SECTION}


def test_spliced_metrics_keep_coverage_keys_first(tmp_path: Path) -> None:
    report_file = tmp_path / "coverage.json"
    report_file.write_text(json.dumps(REPORT))
    write_metrics(tmp_path / "m.json", REPORT, SECTION, report_file=report_file)
    assert list(json.loads((tmp_path / "m.json").read_text())) == [*REPORT, "covtasks"]


def test_an_empty_report_object_falls_back_to_encoding(tmp_path: Path) -> None:
    report_file = tmp_path / "coverage.json"
    report_file.write_text("{}")
    write_metrics(tmp_path / "m.json", {}, SECTION, report_file=report_file)
    assert json.loads((tmp_path / "m.json").read_text()) == {"covtasks": SECTION}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        pytest.param(b'{"a": 1}', b'{"a": 1', id="compact"),
        pytest.param(b'{\n    "a": 1\n}\n', b'{\n    "a": 1', id="pretty-trailing-newline"),
        pytest.param(b'  {"a": 1}  \r\n\r\n', b'  {"a": 1', id="surrounding-whitespace"),
        pytest.param(b"{}", None, id="empty-object"),
        pytest.param(b"{ \n }", None, id="empty-object-spaced"),
        pytest.param(b'{"a": 1,}', None, id="trailing-comma"),
        pytest.param(b"[1, 2]", None, id="array"),
        pytest.param(b'{"a": 1', None, id="truncated"),
        pytest.param(b"", None, id="empty-file"),
    ],
)
def test_splice_offset(text: bytes, kept: bytes | None) -> None:
    offset = _splice_offset(io.BytesIO(text))
    assert (None if offset is None else text[:offset]) == kept


def test_a_report_larger_than_the_copy_chunks_is_spliced_whole(tmp_path: Path) -> None:
    report = {"files": {f"pkg/module_{i}.py": {"summary": {"n": i}} for i in range(60_000)}}
    report_file = tmp_path / "coverage.json"
    report_file.write_text(json.dumps(report, indent=4) + "\n")
    assert report_file.stat().st_size > 3 * _CHUNK
    # An empty mapping: a fallback to re-encoding would lose every file.
    write_metrics(tmp_path / "m.json", {}, SECTION, report_file=report_file)
    assert json.loads((tmp_path / "m.json").read_text()) == {**report, "covtasks": SECTION}


def test_whitespace_beyond_the_tail_window_falls_back_to_encoding(tmp_path: Path) -> None:
    report_file = tmp_path / "coverage.json"
    report_file.write_text(json.dumps(REPORT) + " " * 70_000)
    write_metrics(tmp_path / "m.json", REPORT, SECTION, report_file=report_file)
    assert json.loads((tmp_path / "m.json").read_text()) == {**REPORT, "covtasks": SECTION}


@pytest.mark.parametrize(
    ("jobs", "expected"),
    [
        ([{"id": "local", "core": "ctrace"}], ["ctrace"]),
        ([{"core": "sysmon"}, {"core": "ctrace"}, {"core": "sysmon"}], ["ctrace", "sysmon"]),
        ([{"id": "old-manifest"}, {"core": None}], []),
    ],
    ids=["local", "matrix", "not-recorded"],
)
def test_cores(jobs: list[dict[str, Any]], expected: list[str]) -> None:
    assert cores([JobRecord(j) for j in jobs]) == expected


# --- a real run ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, Any], str]:
    """The basic project run once, under a GitHub step summary: (project, metrics, summary)."""
    p = Project(tmp_path_factory.mktemp("measured")).write(BASIC_FILES)
    summary = p.path("summary.md")
    result = p.run("run", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stdout + result.stderr
    metrics = json.loads(p.path(METRICS).read_text(encoding="utf-8"))
    return p, metrics, summary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_metrics_and_summary_name_the_core(
    measured: tuple[Project, dict[str, Any], str],
) -> None:
    p, metrics, summary = measured
    core = measurement_core(load_config(p.root))
    assert metrics["covtasks"]["cores"] == [core]
    assert metrics["covtasks"]["jobs"][0]["core"] == core
    assert f"(core: {core})" in summary.strip().splitlines()[-1]


@pytest.mark.slow
def test_coverage_display_fields_use_covtasks_precision(
    measured: tuple[Project, dict[str, Any], str],
) -> None:
    _, metrics, _ = measured
    overall = metrics["covtasks"]["overall"]["percent_covered_display"]
    assert metrics["totals"]["percent_covered_display"] == overall
    assert len(overall.partition(".")[2]) == 2  # precision = 2, the default
    for name, entry in metrics["files"].items():
        percent = entry["summary"]["percent_covered"]
        assert entry["summary"]["percent_covered_display"] == display_percent(percent, 2), name
