"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py): the
existing trend file: refused before any test runs."""

from __future__ import annotations

import pytest

from tests.bad_input.corpus import (
    TREND,
    Case,
    ProjectFactory,
    check_refused,
    entry,
    in_process,
    trend,
)

CASES = [
    # the existing trend file: refused before any test runs
    Case("trend-not-json", "coverage_trend.json: not valid JSON", trend("{baselines: [")),
    Case(
        "trend-no-baselines",
        "coverage_trend.json: 'baselines' is missing or not an array",
        trend('{"format": 1}'),
    ),
    Case(
        "trend-a-list",
        "coverage_trend.json: expected an object with a 'baselines' array",
        trend("[]"),
    ),
    Case("trend-zero-bytes", "coverage_trend.json: not valid JSON", trend("")),
    Case(
        "trend-no-overall",
        "coverage_trend.json: baselines[0]: has no 'overall' figure",
        trend(entry(domains={"governance": 80.0})),
    ),
    Case(
        "trend-figure-text",
        "coverage_trend.json: baselines[0]: figure 'governance' is not a number: 'high'",
        trend(entry(overall=80.0, domains={"governance": "high"})),
    ),
    Case(
        "trend-overall-nan",
        "coverage_trend.json: baselines[0]: 'overall' is not a number: nan",
        trend('{"format": 1, "baselines": [{"date": "2026-01-01", "overall": NaN}]}'),
    ),
    Case(
        "trend-missing-counts-not-counts",
        "coverage_trend.json: baselines[0]: missing count of 'pkg/gov/rules.py' is not a "
        "count: 'two'",
        trend(entry(overall=80.0, domains={}, missing={"pkg/gov/rules.py": "two"})),
    ),
    Case(
        "trend-format-2",
        "coverage_trend.json: trend format 2 was written by a newer covtasks",
        trend('{"format": 2, "baselines": []}'),
    ),
    # issue 17: what json accepts and a trend must not
    Case(
        "trend-key-twice",
        "coverage_trend.json: not valid JSON (key 'overall' appears twice in one object)",
        trend('{"format": 1, "baselines": [{"overall": 80, "overall": 90}]}'),
    ),
    Case(
        "trend-infinity",
        "coverage_trend.json: baselines[0]: 'overall' is not a number: inf",
        trend('{"format": 1, "baselines": [{"overall": Infinity}]}'),
    ),
    Case(
        "trend-overall-negative",
        "coverage_trend.json: baselines[0]: 'overall' is not from 0 to 100: -5",
        trend(entry(overall=-5)),
    ),
    Case(
        "trend-domain-101",
        "coverage_trend.json: baselines[0]: figure 'governance' is not from 0 to 100: 101",
        trend(entry(overall=80.0, domains={"governance": 101})),
    ),
    Case(
        "trend-flaky-fraction",
        "coverage_trend.json: baselines[0]: 'flaky' is not a whole number >= 0: 1.5",
        trend(entry(overall=80.0, flaky=1.5)),
    ),
    Case(
        "trend-date-object",
        "coverage_trend.json: baselines[0]: 'date' is not a string: {}",
        trend('{"format": 1, "baselines": [{"date": {}, "overall": 80}]}'),
    ),
    Case(
        "trend-entry-a-number",
        "coverage_trend.json: baselines[1]: expected an object",
        trend('{"format": 1, "baselines": [{"overall": 80}, 80]}'),
    ),
    Case(
        "trend-number-too-long",
        "coverage_trend.json: not valid JSON (a number is too long to be read",
        trend('{"format": 1, "baselines": [{"overall": ' + "9" * 5000 + "}]}"),
    ),
    Case(
        "trend-deep-nesting",
        "coverage_trend.json: not valid JSON (nested too deeply to be read)",
        trend('{"format": 1, "baselines": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ),
    Case(
        "trend-bom",
        "coverage_trend.json: cannot read the trend file: starts with a UTF-8 byte-order mark",
        {TREND: b'\xef\xbb\xbf{"format": 1, "baselines": []}'},
    ),
    Case(
        "trend-latin-1",
        "coverage_trend.json: cannot read the trend file: not UTF-8: byte 0xe9",
        {
            TREND: '{"format": 1, "baselines": [{"note": "caf\u00e9", "overall": 1}]}'.encode(
                "latin-1"
            )
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
