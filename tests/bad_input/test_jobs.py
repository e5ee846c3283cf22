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
    linked_data,
    linked_job_dir,
    linked_manifest,
    manifest_text,
    manifest_with,
    one_job,
    replace_with_directory,
    schema_99,
    sql,
    two_jobs,
)

ANY = ("combine", "--expect", "any")

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
    # issue 17: job artifacts are untrusted (other CI jobs, possibly forks, wrote them)
    Case(
        "manifest-job-is-not-its-directory",
        "coverage-jobs/a/manifest.json: job: 'b' is not the name of its directory 'a'",
        args=ANY,
        setup=manifest_with(job="b"),
    ),
    Case(
        "manifest-job-dot-dot",
        "coverage-jobs/a/manifest.json: job: '..' is not a valid job id",
        args=ANY,
        setup=manifest_with(job=".."),
    ),
    Case(
        "manifest-data-file-outside",
        "coverage-jobs/a/manifest.json: data_file: '../b/coverage.db' is not a file name",
        args=ANY,
        setup=manifest_with(data_file="../b/coverage.db"),
    ),
    Case(
        "manifest-data-file-absolute",
        "coverage-jobs/a/manifest.json: data_file: '/etc/passwd' is not a file name",
        args=ANY,
        setup=manifest_with(data_file="/etc/passwd"),
    ),
    Case(
        "manifest-format-newer",
        "coverage-jobs/a/manifest.json: format: job manifest format 2 was written by a newer",
        args=ANY,
        setup=manifest_with(format=2),
    ),
    Case(
        "manifest-commit-an-object",
        "coverage-jobs/a/manifest.json: commit: expected a string, got {}",
        args=ANY,
        setup=manifest_with(commit={}),
    ),
    Case(
        "manifest-source-objects",
        "coverage-jobs/a/manifest.json: source: expected an array of paths, got [{}]",
        args=ANY,
        setup=manifest_with(source=[{}]),
    ),
    Case(
        "manifest-branch-text",
        "coverage-jobs/a/manifest.json: branch: expected true or false, got 'no'",
        args=ANY,
        setup=manifest_with(branch="no"),
    ),
    Case(
        "manifest-root-a-number",
        "coverage-jobs/a/manifest.json: root: expected a path, got 5",
        args=ANY,
        setup=manifest_with(root=5),
    ),
    Case(
        "manifest-suite-reasons-a-number",
        "coverage-jobs/a/manifest.json: suite.reasons: expected an array of strings, got 5",
        args=ANY,
        setup=manifest_with(suite={"stable": False, "reasons": 5}),
    ),
    Case(
        "manifest-suite-count-infinite",
        "coverage-jobs/a/manifest.json: suite.passed: expected a whole number >= 0, got inf",
        args=ANY,
        setup=manifest_text(lambda text: text.replace('"passed": 6', '"passed": Infinity')),
    ),
    Case(
        "manifest-key-twice",
        "coverage-jobs/a/manifest.json: job manifest is not valid JSON: key 'job' appears twice",
        args=ANY,
        setup=manifest_text(lambda text: text.replace('"job": "a"', '"job": "a", "job": "b"')),
    ),
    Case(
        "manifest-a-symlink",
        "coverage-jobs/a/manifest.json: is a symbolic link",
        args=ANY,
        setup=linked_manifest,
    ),
    Case(
        "job-dir-a-symlink",
        "coverage-jobs/b: is a symbolic link: a job directory must be a directory",
        args=ANY,
        setup=linked_job_dir,
    ),
    Case(
        "combine-db-a-symlink",
        "coverage-jobs/a/coverage.db: coverage data file is a symbolic link",
        args=ANY,
        setup=linked_data,
    ),
    Case(
        "combine-db-a-directory",
        "coverage-jobs/a/coverage.db: coverage data file is a directory",
        args=ANY,
        setup=job_with(replace_with_directory),
    ),
    Case(
        "combine-db-tables-missing",
        "coverage-jobs/a/coverage.db: unreadable coverage data: an SQLite database that is "
        "not coverage's schema (table 'arc')",
        args=ANY,
        setup=job_with(sql("drop table arc")),
    ),
    Case(
        "combine-db-a-trigger",
        "coverage-jobs/a/coverage.db: unreadable coverage data: an SQLite database with "
        "triggers or views (t)",
        args=ANY,
        setup=job_with(sql("create trigger t after insert on file begin delete from file; end")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
