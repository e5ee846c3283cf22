"""Tests for covtasks.stable: classifying the plugin's records into a verdict."""

from __future__ import annotations

import datetime
import sqlite3
import types
from typing import Any

import pytest

from covtasks.config import QuarantineEntry
from covtasks.pytest_plugin import _error_line, exception_line, exception_types
from covtasks.stable import (
    COLLECTION,
    FAILURE,
    SETUP,
    TEARDOWN,
    Counts,
    Flaky,
    Problem,
    SuiteResult,
    classify,
    describe,
    quarantine_lines,
    with_reruns,
)

Record = dict[str, Any]
DB_ERROR = "sqlite3.OperationalError: unable to open database file"


def rec(
    nodeid: str,
    when: str = "call",
    outcome: str = "passed",
    *,
    xfail: bool = False,
    message: str = "",
) -> Record:
    """One record as covtasks.pytest_plugin writes it."""
    return {"nodeid": nodeid, "when": when, "outcome": outcome, "xfail": xfail, "message": message}


def fail(nodeid: str, message: str = "AssertionError: assert 1 == 2") -> Record:
    return rec(nodeid, "call", "failed", message=message)


def setup_error(nodeid: str, message: str = DB_ERROR) -> Record:
    return rec(nodeid, "setup", "failed", message=message)


def results(*records: Record, exitstatus: int = 0, collected: int | None = None) -> Record:
    count = len({r["nodeid"] for r in records}) if collected is None else collected
    return {"exitstatus": exitstatus, "collected": count, "records": list(records)}


# --- classify: verdicts and problem kinds ----------------------------------------------


def test_all_passed_is_stable() -> None:
    result = classify(results(rec("t.py::a"), rec("t.py::b")))
    assert result.stable
    assert result.reasons() == []
    assert result.problems == ()
    assert result.counts == Counts(passed=2)
    assert result.collected == 2


def test_call_failure_is_one_failure_problem() -> None:
    result = classify(results(rec("t.py::a"), fail("t.py::b"), exitstatus=1))
    assert not result.stable
    assert result.problems == (Problem("t.py::b", FAILURE, "AssertionError: assert 1 == 2"),)
    assert result.counts == Counts(passed=1, failed=1)
    (reason,) = result.reasons()
    assert "test failures" in reason


@pytest.mark.parametrize(
    ("record", "kind", "database", "title"),
    [
        pytest.param(
            setup_error("t.py::a"), SETUP, True, "setup errors (database)", id="setup-sqlite"
        ),
        pytest.param(
            setup_error("t.py::a", "psycopg.OperationalError: connection refused"),
            SETUP,
            True,
            "setup errors (database)",
            id="setup-postgres",
        ),
        pytest.param(
            setup_error("t.py::a", "fixture 'client' not found"),
            SETUP,
            False,
            "setup errors",
            id="setup-missing-fixture",
        ),
        pytest.param(
            rec("t.py::a", "teardown", "failed", message="RuntimeError: socket left open"),
            TEARDOWN,
            False,
            "teardown errors",
            id="teardown-plain",
        ),
        pytest.param(
            rec("t.py::a", "teardown", "failed", message="sqlalchemy: no such table: users"),
            TEARDOWN,
            True,
            "teardown errors (database)",
            id="teardown-database",
        ),
        pytest.param(
            {"nodeid": "t.py", "when": "collect", "outcome": "failed", "message": "ImportError"},
            COLLECTION,
            False,
            "collection/import errors",
            id="collection-import-error",
        ),
        pytest.param(
            {"nodeid": "t.py", "when": "collect", "outcome": "failed", "message": DB_ERROR},
            COLLECTION,
            False,
            "collection/import errors",
            id="collection-never-database",
        ),
        pytest.param(
            fail("t.py::a", DB_ERROR),
            FAILURE,
            False,
            "test failures",
            id="call-failure-never-database",
        ),
    ],
)
def test_problem_kind_and_title(record: Record, kind: str, database: bool, title: str) -> None:
    result = classify(results(record, exitstatus=1))
    (problem,) = result.problems
    assert (problem.kind, problem.database, problem.title) == (kind, database, title)
    assert not result.stable


@pytest.mark.parametrize(
    ("record", "counts"),
    [
        pytest.param(rec("t.py::a"), Counts(passed=1), id="passed"),
        pytest.param(fail("t.py::a"), Counts(failed=1), id="failed"),
        pytest.param(setup_error("t.py::a"), Counts(errors=1), id="setup-error"),
        pytest.param(rec("t.py::a", "setup", "skipped"), Counts(skipped=1), id="skipped-marker"),
        pytest.param(rec("t.py::a", "call", "skipped"), Counts(skipped=1), id="skipped-in-call"),
        pytest.param(rec("t.py::a", "call", "skipped", xfail=True), Counts(xfailed=1), id="xfail"),
        pytest.param(rec("t.py::a", "call", "passed", xfail=True), Counts(xpassed=1), id="xpass"),
        pytest.param(rec("t.py::a", "setup", "passed"), Counts(), id="setup-pass-not-counted"),
        pytest.param(rec("t.py", "collect", "skipped"), Counts(skipped=1), id="module-skip"),
        pytest.param(
            {"nodeid": "t.py", "when": "collect", "outcome": "failed", "message": "x"},
            Counts(errors=1),
            id="collection-error",
        ),
        pytest.param(
            rec("t.py::a", "call", "failed", message="[XPASS(strict)] "),
            Counts(failed=1),
            id="strict-xpass",
        ),
    ],
)
def test_counts(record: Record, counts: Counts) -> None:
    assert classify(results(record)).counts == counts


def test_setup_and_teardown_error_of_one_test_are_two_errors() -> None:
    records = [setup_error("t.py::a"), rec("t.py::a", "teardown", "failed", message="x")]
    assert classify(results(*records, exitstatus=1)).counts == Counts(errors=2)


def test_deselected_tests_are_counted() -> None:
    data = {**results(rec("t.py::a")), "deselected": 4}
    assert classify(data).counts == Counts(passed=1, deselected=4)


def test_xfailed_and_xpassed_do_not_make_the_suite_unstable() -> None:
    records = [
        rec("t.py::a", outcome="skipped", xfail=True),
        rec("t.py::b", outcome="passed", xfail=True),
    ]
    assert classify(results(*records)).stable


# --- classify: quarantine --------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodeid", "quarantine"),
    [
        pytest.param("tests/t.py::test_a", ["tests/t.py::test_a"], id="exact-id"),
        pytest.param("tests/t.py::test_a[x]", ["tests/t.py::test_a"], id="function-id-param"),
        pytest.param("tests/t.py::test_a[1-b]", ["tests/t.py::test_a"], id="function-id-params"),
        pytest.param("tests/t.py::test_a[x]", ["tests/t.py::test_a[x]"], id="exact-param-id"),
        pytest.param("tests/t.py::test_a", ["tests/t.py"], id="file-id"),
        pytest.param("tests/t.py::TestK::test_a", ["tests/t.py::TestK"], id="class-id"),
        pytest.param("tests/t.py::test_a", ["other.py", "tests/t.py::test_a"], id="second-entry"),
    ],
)
def test_quarantined_failure_does_not_block(nodeid: str, quarantine: list[str]) -> None:
    result = classify(results(fail(nodeid), exitstatus=1), quarantine)
    assert result.stable
    assert result.problems == ()
    assert [p.nodeid for p in result.quarantined_failed] == [nodeid]


@pytest.mark.parametrize(
    ("nodeid", "quarantine"),
    [
        pytest.param("tests/t.py::test_ab", ["tests/t.py::test_a"], id="longer-function-name"),
        pytest.param("tests/t.py::test_a[y]", ["tests/t.py::test_a[x]"], id="other-param"),
        pytest.param("tests/t.pyx::test_a", ["tests/t.py"], id="longer-file-name"),
        pytest.param("tests/u.py::test_a", ["tests/t.py"], id="other-file"),
        pytest.param("tests/t.py::test_a", [], id="empty-quarantine"),
    ],
)
def test_failure_outside_quarantine_blocks(nodeid: str, quarantine: list[str]) -> None:
    result = classify(results(fail(nodeid), exitstatus=1), quarantine)
    assert not result.stable
    assert [p.nodeid for p in result.problems] == [nodeid]


def test_quarantined_setup_error_does_not_block() -> None:
    result = classify(results(setup_error("t.py::a"), exitstatus=1), ["t.py::a"])
    assert result.stable
    assert [p.kind for p in result.quarantined_failed] == [SETUP]


def test_collection_error_is_never_quarantined() -> None:
    record = {"nodeid": "t.py", "when": "collect", "outcome": "failed", "message": "SyntaxError"}
    result = classify(results(record, exitstatus=2), ["t.py"])
    assert [p.kind for p in result.problems] == [COLLECTION]
    assert result.quarantined_failed == ()
    assert not result.stable


def test_quarantined_test_that_passed_is_listed() -> None:
    records = [rec("t.py::a[1]"), rec("t.py::a[2]"), rec("t.py::b")]
    result = classify(results(*records), ["t.py::a"])
    assert result.quarantined_passed == ("t.py::a[1]", "t.py::a[2]")
    assert result.stable


def test_quarantined_test_that_passed_then_failed_teardown_is_not_listed_as_passed() -> None:
    records = [rec("t.py::a"), rec("t.py::a", "teardown", "failed", message="boom")]
    result = classify(results(*records, exitstatus=1), ["t.py::a"])
    assert result.quarantined_passed == ()
    assert [p.nodeid for p in result.quarantined_failed] == ["t.py::a"]


# --- classify: pytest's exit status ----------------------------------------------------


def test_no_results_means_pytest_stopped_early() -> None:
    result = classify(None, exitstatus=1)
    assert not result.stable
    assert result.reasons() == ["pytest stopped before the run finished"]
    assert result.exitstatus is None


@pytest.mark.parametrize(
    ("exitstatus", "reasons"),
    [
        pytest.param(0, [], id="0-passed"),
        pytest.param(1, [], id="1-failures-all-quarantined"),
        pytest.param(2, ["the run was interrupted (pytest exit status 2)"], id="2-interrupted"),
        pytest.param(3, ["pytest hit an internal error (pytest exit status 3)"], id="3-internal"),
        pytest.param(
            4, ["pytest was called wrongly (usage error) (pytest exit status 4)"], id="4-usage"
        ),
        pytest.param(5, ["no tests were collected (pytest exit status 5)"], id="5-no-tests"),
        pytest.param(-9, ["pytest failed (pytest exit status -9)"], id="unknown-status"),
    ],
)
def test_exit_status_reasons(exitstatus: int, reasons: list[str]) -> None:
    result = classify(results(exitstatus=exitstatus, collected=0))
    assert result.reasons() == reasons
    assert result.stable is (reasons == [])


def test_exit_status_argument_is_used_when_results_lack_one() -> None:
    result = classify({"collected": 0, "records": []}, exitstatus=5)
    assert result.exitstatus == 5
    assert not result.stable


# --- with_reruns -----------------------------------------------------------------------


def test_failure_passing_on_rerun_is_flaky_and_suite_stable() -> None:
    first = classify(results(rec("t.py::a"), fail("t.py::b"), exitstatus=1))
    result = with_reruns(first, {"t.py::b": "passed"}, max_flaky=3)
    assert result.flaky == (Flaky("t.py::b", first="failed", rerun="passed"),)
    assert result.problems == ()
    assert result.exitstatus == 1  # pytest's own status; the verdict is `stable`
    assert result.stable


def test_failure_failing_again_on_rerun_stays_a_problem() -> None:
    first = classify(results(fail("t.py::b"), exitstatus=1))
    result = with_reruns(first, {"t.py::b": "failed"}, max_flaky=3)
    assert result.flaky == ()
    assert [p.nodeid for p in result.problems] == ["t.py::b"]
    assert result.exitstatus == 1
    assert not result.stable


def test_only_some_failures_flaky_keeps_exit_status_1() -> None:
    first = classify(results(fail("t.py::a"), fail("t.py::b"), exitstatus=1))
    result = with_reruns(first, {"t.py::a": "passed", "t.py::b": "failed"}, max_flaky=3)
    assert [f.nodeid for f in result.flaky] == ["t.py::a"]
    assert result.exitstatus == 1


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(setup_error("t.py::a"), id="setup-error"),
        pytest.param(rec("t.py::a", "teardown", "failed", message="x"), id="teardown-error"),
        pytest.param(
            {"nodeid": "t.py::a", "when": "collect", "outcome": "failed", "message": "x"},
            id="collection-error",
        ),
    ],
)
def test_errors_are_never_turned_flaky(record: Record) -> None:
    first = classify(results(record, exitstatus=1))
    result = with_reruns(first, {"t.py::a": "passed"}, max_flaky=3)
    assert result.flaky == ()
    assert result.problems == first.problems
    assert not result.stable


@pytest.mark.parametrize(
    ("n_flaky", "max_flaky", "reasons"),
    [
        pytest.param(2, 2, [], id="at-limit"),
        pytest.param(3, 2, ["3 flaky tests, more than stable.max_flaky = 2"], id="over-limit"),
        pytest.param(1, 0, ["1 flaky tests, more than stable.max_flaky = 0"], id="none-allowed"),
        pytest.param(5, None, [], id="no-limit"),
    ],
)
def test_max_flaky(n_flaky: int, max_flaky: int | None, reasons: list[str]) -> None:
    ids = [f"t.py::f{i}" for i in range(n_flaky)]
    first = classify(results(*(fail(n) for n in ids), exitstatus=1))
    result = with_reruns(first, dict.fromkeys(ids, "passed"), max_flaky=max_flaky)
    assert len(result.flaky) == n_flaky
    assert result.reasons() == reasons
    assert result.stable is (reasons == [])


# --- describe --------------------------------------------------------------------------


def test_describe_stable_suite_is_empty() -> None:
    assert describe(classify(results(rec("t.py::a")))) == []


def test_describe_groups_by_message_with_at_most_three_ids() -> None:
    records = [fail(f"t.py::a{i}", "KeyError: 'x'") for i in range(5)]
    records.append(fail("t.py::b", "AssertionError"))
    lines = describe(classify(results(*records, exitstatus=1)))
    assert [line for line in lines if not line.startswith("  - ")] == [
        "test failures: 6",
        "  KeyError: 'x'",
        "    t.py::a0",
        "    t.py::a1",
        "    t.py::a2",
        "    ... and 2 more with this error",
        "  AssertionError",
        "    t.py::b",
    ]


def test_describe_prints_each_message_once() -> None:
    records = [setup_error(f"t.py::a{i}") for i in range(4)]
    lines = describe(classify(results(*records, exitstatus=1)))
    assert lines.count(f"  {DB_ERROR}") == 1


def test_describe_orders_kinds_and_puts_database_setup_first() -> None:
    records = [
        fail("t.py::f"),
        rec("t.py::t", "teardown", "failed", message="RuntimeError"),
        setup_error("t.py::plain", "fixture 'x' not found"),
        setup_error("t.py::db"),
        {"nodeid": "bad.py", "when": "collect", "outcome": "failed", "message": "ImportError"},
    ]
    lines = describe(classify(results(*records, exitstatus=1)))
    titles = [line for line in lines if not line.startswith(" ")]
    assert titles == [
        "collection/import errors: 1",
        "setup errors (database): 1",
        "setup errors: 1",
        "teardown errors: 1",
        "test failures: 1",
    ]


def test_describe_names_an_empty_message() -> None:
    lines = describe(classify(results(fail("t.py::a", ""), exitstatus=1)))
    assert "  (no error message)" in lines


def test_describe_lists_flaky_tests_over_the_limit() -> None:
    first = classify(results(fail("t.py::a"), fail("t.py::b"), exitstatus=1))
    result = with_reruns(first, {"t.py::a": "passed", "t.py::b": "passed"}, max_flaky=1)
    assert describe(result) == [
        "  - 2 flaky tests, more than stable.max_flaky = 1",
        "flaky tests: 2",
        "    t.py::a",
        "    t.py::b",
    ]


def test_describe_pytest_stopped_early() -> None:
    assert describe(classify(None)) == ["  - pytest stopped before the run finished"]


# --- to_json ---------------------------------------------------------------------------


def test_to_json() -> None:
    records = [
        rec("t.py::ok"),
        rec("t.py::q"),
        fail("t.py::qf"),
        fail("t.py::flaky"),
        rec("t.py::s", outcome="skipped"),
    ]
    first = classify(results(*records, exitstatus=1), ["t.py::q", "t.py::qf"])
    result = with_reruns(first, {"t.py::flaky": "passed"}, max_flaky=3)
    assert result.to_json() == {
        "stable": True,
        "pytest_exitstatus": 1,
        "collected": 5,
        "passed": 2,
        "failed": 2,
        "errors": 0,
        "skipped": 1,
        "xfailed": 0,
        "xpassed": 0,
        "deselected": 0,
        "quarantined_failed": ["t.py::qf"],
        "quarantined_passed": ["t.py::q"],
        "flaky": [{"nodeid": "t.py::flaky", "first": "failed", "rerun": "passed"}],
    }


def test_to_json_of_an_unstable_suite() -> None:
    data = SuiteResult(exitstatus=None, collected=0, counts=Counts()).to_json()
    assert data["stable"] is False
    assert data["pytest_exitstatus"] is None


# --- classification from the exception (types, follow-up errors) ----------------------


def test_database_is_told_by_the_exception_types_too() -> None:
    record = setup_error("t.py::a", "TimeoutError: timed out")
    record["types"] = ["TimeoutError", "psycopg.errors.ConnectionTimeout"]
    (problem,) = classify(results(record, exitstatus=1)).problems
    assert problem.types == ("TimeoutError", "psycopg.errors.ConnectionTimeout")
    assert problem.title == "setup errors (database)"


def test_an_error_that_follows_from_a_setup_error_is_counted_with_it() -> None:
    follow = setup_error("t.py::b", "AssertionError")
    follow["follows"] = "SystemExit: 1"
    result = classify(results(setup_error("t.py::a", "SystemExit: 1"), follow, exitstatus=1))
    assert [(p.message, p.follows) for p in result.problems] == [
        ("SystemExit: 1", False),
        ("SystemExit: 1", True),
    ]
    assert result.reasons() == ["setup errors: 2"]
    assert describe(result)[1:] == [
        "setup errors: 2",
        "  SystemExit: 1",
        "    t.py::a",
        "    t.py::b (follows from this error)",
    ]


def _raised(exc: BaseException, during: BaseException | None = None) -> BaseException:
    try:
        if during is None:
            raise exc
        try:
            raise during
        except BaseException:
            raise exc  # noqa: B904 - the implicit __context__ is the point
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    ("exc", "line", "types"),
    [
        pytest.param(KeyError("x"), "KeyError: 'x'", ["KeyError"], id="builtin"),
        pytest.param(SystemExit(1), "SystemExit: 1", ["SystemExit"], id="system-exit"),
        pytest.param(AssertionError(), "AssertionError", ["AssertionError"], id="no-message"),
        pytest.param(
            ValueError("first\nsecond"), "ValueError: first", ["ValueError"], id="first-line"
        ),
        pytest.param(
            _raised(sqlite3.OperationalError("locked"), during=OSError("gone")),
            "sqlite3.OperationalError: locked",
            ["sqlite3.OperationalError", "OSError"],
            id="the-raised-one-then-its-context",
        ),
        pytest.param(
            _raised(pytest.fail.Exception("boom")), "Failed: boom", ["Failed"], id="pytest-fail"
        ),
    ],
)
def test_exception_line_and_types(exc: BaseException, line: str, types: list[str]) -> None:
    assert exception_line(exc) == line
    assert exception_types(exc) == types


@pytest.mark.parametrize(
    ("until", "said"),
    [
        pytest.param(datetime.date(2099, 12, 31), "until 2099-12-31", id="with-expiry"),
        pytest.param(None, "no expiry date", id="without-expiry"),
    ],
)
def test_quarantine_lines_name_each_failed_test_once(
    until: datetime.date | None, said: str
) -> None:
    entries = [QuarantineEntry("t.py::a", "upstream bug #12", until), QuarantineEntry("u.py", "x")]
    records = [
        setup_error("t.py::a[1]"),
        rec("t.py::a[1]", "teardown", "failed", message="x"),
        rec("u.py::ok"),
    ]
    result = classify(results(*records, exitstatus=1), [e.id for e in entries])
    assert quarantine_lines(result, entries) == [
        "covtasks: quarantined test failed (not blocking): t.py::a[1] "
        f"(reason: upstream bug #12; {said})"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            "[gw0] linux -- Python 3.11.7 /venv/bin/python\n"
            "worker 'gw0' crashed while running 'tests/t.py::test_a'",
            "worker 'gw0' crashed while running 'tests/t.py::test_a'",
            id="xdist-crash-without-its-header",
        ),
        pytest.param("def f():\n>   g()\nE   KeyError: 'x'\n", "KeyError: 'x'", id="e-line"),
        pytest.param("[XPASS(strict)] later", "[XPASS(strict)] later", id="first-line"),
    ],
)
def test_error_line_of_a_report_without_an_exception(text: str, line: str) -> None:
    report = types.SimpleNamespace(longrepr=text, longreprtext=text)
    assert _error_line(report) == line
