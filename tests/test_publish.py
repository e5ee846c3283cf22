"""The metrics JSON: coverage.py's report with the covtasks section spliced in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from covtasks.publish import write_metrics

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
