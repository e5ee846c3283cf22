"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py): the
existing trend file: refused before any test runs."""

from __future__ import annotations

import pytest

from tests.bad_input.corpus import Case, ProjectFactory, check_refused, entry, in_process, trend

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
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
