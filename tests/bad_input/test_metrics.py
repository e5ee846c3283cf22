"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py): the
output locations, and the metrics JSON that `gate` reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.bad_input.corpus import (
    METRICS,
    Case,
    ProjectFactory,
    check_refused,
    in_process,
    key,
    metrics,
    metrics_with,
)


def metrics_with_files(files: dict[str, Any]) -> dict[str, str]:
    """A metrics JSON like covtasks writes, with coverage.py's ``files`` object and a
    figure for each domain of the basic project."""
    doc = json.loads(metrics()[METRICS])
    names = ("governance", "security", "episodes")
    doc["covtasks"]["domains"] = {name: {"percent_covered": 84.0} for name in names}
    return {METRICS: json.dumps({**doc, "files": files})}


CASES = [
    # output locations
    Case(
        "metrics-is-a-directory",
        "coverage.json: is a directory, expected a file path for metrics",
        {f"{METRICS}/keep": ""},
    ),
    Case(
        "metrics-parent-is-a-file",
        "not a directory",
        {**key("metrics", '"blocker/coverage.json"'), "blocker": "a file\n"},
    ),
    Case(
        "lcov-is-a-directory",
        "coverage.lcov: is a directory, expected a file path for lcov",
        {**key("lcov", '"out/coverage.lcov"'), "out/coverage.lcov/keep": ""},
    ),
    # gate: the metrics JSON
    Case(
        "gate-no-totals",
        "coverage.json: the metrics JSON has no 'totals' object",
        metrics(totals=True),
        ("gate",),
    ),
    Case(
        "gate-no-files",
        "coverage.json: the metrics JSON has no 'files' object",
        metrics(files=True),
        ("gate",),
    ),
    Case(
        "gate-file-summary-missing",
        "coverage.json: files.pkg/x.py.summary is not a coverage.py file summary",
        {**metrics_with_files({"pkg/x.py": {}}), **key("file_fail_under", "80")},
        ("gate",),
    ),
    Case(
        "gate-file-without-missing-lines",
        "coverage.json: files['pkg/gov/rules.py'].summary.missing_lines is not a count: None",
        {**metrics_with_files({"pkg/gov/rules.py": {}}), **key("file_ratchet", "true")},
        ("gate", "--release"),
    ),
    Case("gate-not-json", "coverage.json: cannot read the metrics JSON", {METRICS: "{"}, ("gate",)),
    Case("gate-no-metrics", "coverage.json: no metrics file", {}, ("gate",)),
    # issue 17: a newer format, wrong types, what json accepts and metrics must not
    Case(
        "gate-format-newer",
        "coverage.json: covtasks.format: metrics format 2 was written by a newer covtasks",
        metrics_with(format=2),
        ("gate",),
    ),
    Case(
        "gate-format-text",
        "coverage.json: covtasks.format: expected a whole number >= 1, got '1'",
        metrics_with(format="1"),
        ("gate",),
    ),
    Case(
        "gate-domains-a-list",
        "coverage.json: covtasks.domains is not an object",
        metrics_with(domains=[]),
        ("gate",),
    ),
    Case(
        "gate-domain-percent-500",
        "coverage.json: covtasks.domains.a.percent_covered is not from 0 to 100: 500",
        metrics_with(domains={"a": {"percent_covered": 500}}),
        ("gate",),
    ),
    Case(
        "gate-commit-a-number",
        "coverage.json: covtasks.commit: wrong type: 5",
        metrics_with(commit=5),
        ("gate",),
    ),
    Case(
        "gate-key-twice",
        "coverage.json: cannot read the metrics JSON: key 'totals' appears twice",
        {METRICS: '{"totals": {}, "totals": {}}'},
        ("gate",),
    ),
    Case(
        "gate-nan-total",
        "coverage.json: totals.percent_covered is not a number",
        {METRICS: metrics()[METRICS].replace("84.0", "NaN")},
        ("gate",),
    ),
    Case(
        "gate-deep-nesting",
        "coverage.json: cannot read the metrics JSON: nested too deeply to be read",
        {METRICS: "[" * 100_000 + "]" * 100_000},
        ("gate",),
    ),
    Case(
        "gate-bom",
        "coverage.json: cannot read the metrics JSON: starts with a UTF-8 byte-order mark",
        {METRICS: b"\xef\xbb\xbf" + metrics()[METRICS].encode()},
        ("gate",),
    ),
    # comment reads the same metrics
    Case(
        "comment-no-files",
        "coverage.json: the metrics JSON has no 'files' object",
        metrics(files=True),
        ("comment",),
    ),
    Case("comment-no-metrics", "coverage.json: no metrics file", {}, ("comment",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
