"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py): job
directories (`combine`) and the kept combined data (`report`)."""

from __future__ import annotations

import pytest

from tests.bad_input.corpus import (
    Case,
    ProjectFactory,
    bad_manifest,
    check_refused,
    in_process,
    job_with,
    kept_data,
    one_job,
    schema_99,
    two_jobs,
)

CASES = [
    # combine: job directories
    Case(
        "combine-db-zero-bytes",
        "coverage-jobs/a/coverage.db: coverage data file is empty",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_bytes(b"")),
    ),
    Case(
        "combine-db-text",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_text("not a database\n")),
    ),
    Case(
        "combine-db-truncated",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.write_bytes(db.read_bytes()[:512])),
    ),
    Case(
        "combine-db-schema-99",
        "coverage-jobs/a/coverage.db: unreadable coverage data",
        args=("combine", "--expect", "any"),
        setup=job_with(schema_99),
    ),
    Case(
        "combine-db-missing",
        "coverage-jobs: cannot combine: job 'a': its data file",
        args=("combine", "--expect", "any"),
        setup=job_with(lambda db: db.unlink()),
    ),
    Case(
        "combine-manifest-not-json",
        "coverage-jobs/a/manifest.json: job manifest is not valid JSON",
        args=("combine", "--expect", "any"),
        setup=bad_manifest,
    ),
    Case(
        "combine-branch-and-line",
        "coverage-jobs: cannot combine: branch and line-only jobs cannot be combined: "
        "a=branch, b=line",
        args=("combine", "--expect", "any"),
        setup=two_jobs,
    ),
    Case(
        "combine-expect-0",
        "--expect: expected at least 1 job",
        args=("combine", "--expect", "0"),
        setup=two_jobs,
    ),
    Case(
        "combine-no-job-dir",
        "coverage-jobs: no such job directory",
        {},
        ("combine", "--expect", "any"),
    ),
    Case(
        "combine-empty-job-dir",
        "no job output (*/manifest.json) found in coverage-jobs",
        {"coverage-jobs/.keep": ""},
        ("combine", "--expect", "any"),
    ),
    Case(
        "combine-no-expectation",
        "--expect: combine needs to know which jobs to expect: give --expect N (a number "
        "of jobs), --expect ID,ID (their ids), expected_jobs in [tool.covtasks], or "
        "--expect any to combine whatever is there without checking that it is complete",
        args=("combine",),
        setup=one_job,
    ),
    # report: the kept combined data
    Case(
        "report-corrupt-data",
        ".covtasks/.coverage: unreadable coverage data",
        args=("report",),
        setup=kept_data("not a database\n"),
    ),
    Case(
        "report-empty-data",
        ".covtasks/.coverage: coverage data file is empty",
        args=("report",),
        setup=kept_data(""),
    ),
    Case("report-no-data", ".covtasks/.coverage: no combined data", args=("report",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
