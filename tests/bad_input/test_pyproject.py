"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py):
pyproject.toml: the file as a whole, and every key of [tool.covtasks] with a wrong type
or value."""

from __future__ import annotations

import pytest

from tests.bad_input.corpus import (
    PP,
    PYPROJECT,
    Case,
    ProjectFactory,
    check_refused,
    domain,
    in_process,
    key,
    stable,
    toml,
)

CASES = [
    # pyproject.toml as a whole
    Case("toml-invalid", "pyproject.toml: invalid TOML: ", key("fail_under", "80 %")),
    Case("key-unknown", f"{PP}.frobnicate: unknown key; known keys:", key("frobnicate", '"red"')),
    Case("key-misspelled", "did you mean 'fail_under'?", key("fail_undr", "80")),
    Case(
        "covtasks-not-a-table",
        f"{PP}: expected a table, got 'yes'",
        {"pyproject.toml": '[tool]\ncovtasks = "yes"\n'},
    ),
    # every key with a wrong type or value
    Case(
        "fail_under-true",
        f"{PP}.fail_under: expected a number from 0 to 100, got true",
        key("fail_under", "true"),
    ),
    Case(
        "fail_under-101",
        f"{PP}.fail_under: expected a number from 0 to 100, got 101",
        key("fail_under", "101"),
    ),
    Case(
        "fail_under-string",
        f"{PP}.fail_under: expected a number from 0 to 100, got '80'",
        key("fail_under", '"80"'),
    ),
    Case(
        "precision-negative",
        f"{PP}.precision: expected a whole number from 0 to 10, got -1",
        key("precision", "-1"),
    ),
    Case(
        "precision-float",
        f"{PP}.precision: expected a whole number, got 2.5",
        key("precision", "2.5"),
    ),
    Case(
        "precision-11",
        f"{PP}.precision: expected a whole number from 0 to 10, got 11",
        key("precision", "11"),
    ),
    Case(
        "workers-negative",
        f'{PP}.workers: expected "auto", "logical" or a whole number',
        key("workers", "-2"),
    ),
    Case(
        "workers-many",
        f'{PP}.workers: expected "auto", "logical" or a whole number >= 0, got \'many\'',
        key("workers", '"many"'),
    ),
    Case(
        "workers-true",
        f'{PP}.workers: expected "auto", "logical" or a whole number >= 0, got true',
        key("workers", "true"),
    ),
    Case("branch-yes", f"{PP}.branch: expected true or false, got 'yes'", key("branch", '"yes"')),
    Case("source-empty", f"{PP}.source: must not be empty", key("source", "[]")),
    Case(
        "source-missing",
        f"{PP}.source[0]: 'missing' is not a directory, file or package",
        key("source", '["missing"]'),
    ),
    Case(
        "source-number", f"{PP}.source[0]: expected a non-empty string, got 1", key("source", "[1]")
    ),
    Case("tests-number", f"{PP}.tests: expected an array of strings, got 5", key("tests", "5")),
    Case("metrics-number", f"{PP}.metrics: expected a path, got 7", key("metrics", "7")),
    Case("metrics-empty", f"{PP}.metrics: expected a path, got ''", key("metrics", '""')),
    Case(
        "trend-number",
        f"{PP}.trend: expected a path (or false to turn it off), got 3",
        key("trend", "3"),
    ),
    Case(
        "html-number",
        f"{PP}.html: expected a path (or false to turn it off), got 1",
        key("html", "1"),
    ),
    Case(
        "xml-array",
        f"{PP}.xml: expected a path (or false to turn it off), got an array",
        key("xml", "[]"),
    ),
    Case(
        "lcov-true",
        f"{PP}.lcov: expected a path (or false to turn it off), got true",
        key("lcov", "true"),
    ),
    Case(
        "core-fast",
        f'{PP}.core: expected one of "auto", "ctrace", "sysmon", "pytrace", got \'fast\'',
        key("core", '"fast"'),
    ),
    Case(
        "expected_jobs-0",
        f"{PP}.expected_jobs: expected a whole number >= 1, got 0",
        key("expected_jobs", "0"),
    ),
    Case(
        "expected_jobs-twice",
        f"{PP}.expected_jobs: job id(s) listed twice: a",
        key("expected_jobs", '["a", "a"]'),
    ),
    Case(
        "expected_jobs-table",
        f'{PP}.expected_jobs: expected a number of jobs, an array of job ids or "any", got a table',
        key("expected_jobs", "{}"),
    ),
    Case(
        "expected_jobs-word",
        f"""{PP}.expected_jobs: expected a number of jobs, an array of job ids or "any", """
        "got 'all'",
        key("expected_jobs", '"all"'),
    ),
    Case(
        "tolerance-negative",
        f"{PP}.tolerance: expected a number from 0 to 100, got -1",
        key("tolerance", "-1"),
    ),
    Case(
        "file_fail_under-101",
        f"{PP}.file_fail_under: expected a number from 0 to 100, got 101",
        key("file_fail_under", "101"),
    ),
    Case(
        "file_fail_under-string",
        f"{PP}.file_fail_under: expected a number from 0 to 100, got '80'",
        key("file_fail_under", '"80"'),
    ),
    Case(
        "max_missing-negative",
        f"{PP}.max_missing: expected a whole number >= 0, got -1",
        key("max_missing", "-1"),
    ),
    Case(
        "max_missing-fraction",
        f"{PP}.max_missing: expected a whole number, got 2.5",
        key("max_missing", "2.5"),
    ),
    Case(
        "max_missing-misspelled",
        f"{PP}.max_mising: unknown key (did you mean 'max_missing'?)",
        key("max_mising", "3"),
    ),
    Case(
        "diff_fail_under-200",
        f"{PP}.diff_fail_under: expected a number from 0 to 100, got 200",
        key("diff_fail_under", "200"),
    ),
    Case("job_dir-number", f"{PP}.job_dir: expected a path, got 5", key("job_dir", "5")),
    # [tool.covtasks.stable]
    Case(
        "reruns-9",
        f"{PP}.stable.reruns: expected a whole number from 0 to 5, got 9",
        stable("reruns = 9"),
    ),
    Case(
        "max_flaky-negative",
        f"{PP}.stable.max_flaky: expected a whole number >= 0, got -1",
        stable("max_flaky = -1"),
    ),
    Case(
        "max_flaky-1.5",
        f"{PP}.stable.max_flaky: expected a whole number >= 0 or a fraction below 1, got 1.5",
        stable("max_flaky = 1.5"),
    ),
    Case(
        "quarantine-no-reason",
        f"{PP}.stable.quarantine[0].reason: is required",
        stable('quarantine = [{ id = "tests/test_gov.py::test_blocked" }]'),
    ),
    Case(
        "quarantine-expired",
        f"{PP}.stable.quarantine[0].until: quarantine of "
        "'tests/test_gov.py::test_blocked' expired on 2020-01-31",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "db", '
            "until = 2020-01-31 }]"
        ),
    ),
    Case(
        "quarantine-bad-date",
        f"{PP}.stable.quarantine[0].until: expected a date like 2027-01-31, got 'soon'",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "db", '
            'until = "soon" }]'
        ),
    ),
    Case(
        "quarantine-twice",
        f"{PP}.stable.quarantine[1].id: 'tests/test_gov.py::test_blocked' is quarantined twice",
        stable(
            'quarantine = [{ id = "tests/test_gov.py::test_blocked", reason = "a" }, '
            '{ id = "tests/test_gov.py::test_blocked", reason = "b" }]'
        ),
    ),
    Case(
        "stable-unknown-key",
        f"{PP}.stable.rerun: unknown key (did you mean 'reruns'?)",
        stable("rerun = 2"),
    ),
    # [tool.covtasks.domains.NAME]
    Case(
        "domain-paths-empty",
        f"{PP}.domains.extra.paths: must not be empty",
        domain("extra", "paths = []"),
    ),
    Case(
        "domain-no-paths",
        f"{PP}.domains.extra.paths: is required",
        domain("extra", "fail_under = 50"),
    ),
    Case(
        "domain-glob-matches-nothing",
        f"{PP}.domains.extra.paths[0]: 'pkg/nope/**' matches no source file under pkg",
        domain("extra", 'paths = ["pkg/nope/**"]'),
    ),
    Case(
        "domain-glob-rejected",
        f"{PP}.domains.extra.paths[0]: a file pattern can't include '**x'",
        domain("extra", 'paths = ["pkg/**x"]'),
    ),
    Case(
        "domain-name-space",
        f"{PP}.domains.a b: a domain name may only use letters",
        domain('"a b"', 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-overall",
        f"{PP}.domains.overall: 'overall' is reserved",
        domain("overall", 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-unassigned",
        f"{PP}.domains.unassigned: 'unassigned' is reserved",
        domain("unassigned", 'paths = ["pkg/gov/**"]'),
    ),
    Case(
        "domain-fail_under-high",
        f"{PP}.domains.extra.fail_under: expected a number from 0 to 100, got 'high'",
        domain("extra", 'paths = ["pkg/gov/**"]\nfail_under = "high"'),
    ),
    Case(
        "domain-file_fail_under-negative",
        f"{PP}.domains.extra.file_fail_under: expected a number from 0 to 100, got -5",
        domain("extra", 'paths = ["pkg/gov/**"]\nfile_fail_under = -5'),
    ),
    Case(
        "domain-max_missing-true",
        f"{PP}.domains.extra.max_missing: expected a whole number, got true",
        domain("extra", 'paths = ["pkg/gov/**"]\nmax_missing = true'),
    ),
    Case(
        "domain-file-fail-under-misspelled",
        f"{PP}.domains.extra.file_fail_undr: unknown key (did you mean 'file_fail_under'?)",
        domain("extra", 'paths = ["pkg/gov/**"]\nfile_fail_undr = 80'),
    ),
    Case(
        "domain-key-path",
        f"{PP}.domains.extra.path: unknown key (did you mean 'paths'?)",
        domain("extra", 'path = ["pkg/gov/**"]'),
    ),
    # issue 17: encodings, nesting, the files and environment variables beside it
    Case(
        "toml-latin-1",
        "pyproject.toml: not UTF-8: byte 0xe9 on line 1",
        {"pyproject.toml": "# caf\u00e9\n".encode("latin-1") + PYPROJECT.encode()},
    ),
    Case(
        "toml-bom",
        "pyproject.toml: starts with a UTF-8 byte-order mark (BOM)",
        {"pyproject.toml": b"\xef\xbb\xbf" + PYPROJECT.encode()},
    ),
    Case(
        "toml-utf-16",
        "pyproject.toml: not UTF-8: byte 0xff on line 1",
        {"pyproject.toml": PYPROJECT.encode("utf-16")},
    ),
    Case(
        "toml-deep-nesting",
        "pyproject.toml: invalid TOML: ",
        toml("deep = " + "[" * 100_000 + "]" * 100_000),
    ),
    Case(
        "coveragerc-latin-1",
        ".coveragerc: invalid INI file: ",
        {".coveragerc": "[run]\n# caf\u00e9\nbranch = true\n".encode("latin-1")},
    ),
    Case(
        "env-coverage-rcfile-missing",
        "$COVERAGE_RCFILE: no such file: 'nowhere.ini'",
        env={"COVERAGE_RCFILE": "nowhere.ini"},
    ),
    Case(
        "env-covtasks-commit",
        "$COVTASKS_COMMIT: expected a commit sha (4 to 64 hex digits), got 'HEAD; rm -rf /'",
        env={"COVTASKS_COMMIT": "HEAD; rm -rf /"},
    ),
    Case(
        "env-covtasks-job",
        "$COVTASKS_JOB: job id '..' may only use letters, digits",
        env={"COVTASKS_JOB": ".."},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
