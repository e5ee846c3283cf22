"""A pytest plugin loaded into the measured run (``-p covtasks.pytest_plugin``).

It records, exactly and by node id, what happened to every test and every collector,
and which xdist workers ran tests in which process. covtasks reads these two records
instead of parsing junit XML: junit (xunit2) loses the node id (quarantine and reruns
need it) and cannot tell a setup error from a teardown error reliably.

Nothing is written unless ``COVTASKS_STAGING`` names the run's staging directory, so
the plugin is inert when a user loads it by accident.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import _pytest
import pytest

from covtasks import datasave, durations, shard
from covtasks.errors import CovtasksError
from covtasks.staging import (
    DURATIONS_ENV,
    INTERRUPTED_SUFFIX,
    RESULTS_ENV,
    RESULTS_FILE,
    SHARD_ENV,
    SHARD_FILE,
    STAGING_ENV,
    WORKERS_DIR,
)

# The line pytest-xdist puts first in a worker's report ("[gw0] linux -- Python 3.11.7
# /venv/bin/python"): it says where, not what ("worker 'gw0' crashed while running ...").
_XDIST_HEADER = re.compile(r"\[gw\d+\] .* -- Python ")
_PYTEST_DIR = os.path.join(os.path.realpath(os.path.dirname(_pytest.__file__)), "")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _error_line(report: Any) -> str:
    """The error of a report without an exception covtasks saw (a collector, a strict
    xpass, a report made by xdist): the crash line pytest recorded in its structured
    ``longrepr`` whatever ``--tb`` is, else its ``E   ...`` line, else the first."""
    message = getattr(getattr(report.longrepr, "reprcrash", None), "message", None)
    if message:
        return _first_line(str(message))
    text = str(report.longreprtext) if report.longrepr is not None else ""
    lines = [line for line in text.splitlines() if not _XDIST_HEADER.match(line)]
    for line in lines:
        if line.startswith("E   "):
            return line[4:].strip()[:300]
    return _first_line("\n".join(lines))


def _type_name(exc: BaseException) -> str:
    """``module.Qualname`` as Python prints it (no module for builtins, as pytest's
    outcomes declare themselves)."""
    kind = type(exc)
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


def exception_line(exc: BaseException) -> str:
    """``Type: first line of its message``: what pytest's ``E`` line says of it."""
    text = _first_line(str(exc))
    return f"{_type_name(exc)}: {text}"[:300] if text else _type_name(exc)


def exception_types(exc: BaseException) -> list[str]:
    """The raised exception's type, then those it was raised from or while handling."""
    types: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(types) < 10:
        seen.add(id(current))
        types.append(_type_name(current))
        current = current.__cause__ or current.__context__
    return types


def _raised_by_pytest(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc`` is pytest's own code."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return os.path.realpath(tb.tb_frame.f_code.co_filename).startswith(_PYTEST_DIR)


class _Recorder:
    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.records: list[dict[str, Any]] = []
        self.tests_run = 0
        self.deselected = 0
        self.setup_error = ""
        self.durations: dict[str, float] = {}

    @pytest.hookimpl(hookwrapper=True)  # not wrapper=True: pytest 7.4 may have old pluggy
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        """Describe a failure from its exception, not from pytest's rendering of it
        (which ``--tb`` changes): the raised exception (not one it was handling), its
        types (for the database check) and, for an error that only follows from an
        earlier setup error of this process, that error. Plain string attributes of a
        report survive xdist's serialisation to the controller."""
        outcome = yield
        report = outcome.get_result()
        if report.failed and call.excinfo is not None:
            exc = call.excinfo.value
            message = exception_line(exc)
            report.covtasks_error = message
            report.covtasks_types = exception_types(exc)
            if report.when == "setup":
                # pytest's own fixture bookkeeping asserts after a fixture raised a
                # BaseException (sys.exit): such an error is a consequence, not a cause.
                if self.setup_error and isinstance(exc, AssertionError) and _raised_by_pytest(exc):
                    report.covtasks_follows = self.setup_error
                else:
                    self.setup_error = message

    @pytest.hookimpl(trylast=True)
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # pytest counts a failed collector as an error and a skipped one (a module-level
        # pytest.skip or importorskip) as skipped: both are recorded.
        if report.failed or report.skipped:
            self.records.append(
                {
                    "nodeid": report.nodeid or ".",
                    "when": "collect",
                    "outcome": report.outcome,
                    "message": _error_line(report) if report.failed else "",
                }
            )

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """``run --shard K/N``: after the project's own deselection, record the whole
        selection and keep only this shard's tests (every xdist worker does the same)."""
        wanted = os.environ.get(SHARD_ENV)
        if not wanted:
            return
        part = shard.parse_shard(wanted)
        recorded: dict[str, float] | None = None
        path = os.environ.get(DURATIONS_ENV)
        if path:
            try:
                recorded = durations.read(Path(path))
            except CovtasksError:  # checked before the run: changed since
                recorded = None
        selection = sorted({item.nodeid for item in items})
        chosen = shard.plan(selection, part.count, recorded)
        keep = set(chosen.shards[part.index - 1])
        items[:] = [item for item in items if item.nodeid in keep]
        record = {
            "index": part.index,
            "count": part.count,
            "split": chosen.method,
            "note": chosen.note,
            "selection": selection,
            "ran": shard.ranges(i for i, n in enumerate(selection) if n in keep),
        }
        tmp = self.staging / f"{SHARD_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, self.staging / SHARD_FILE)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """xdist: each worker deselects the same tests; the controller hears of it here."""
        output = getattr(node, "workeroutput", None) or {}
        self.deselected = max(self.deselected, int(output.get("covtasks_deselected", 0)))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + float(
            getattr(report, "duration", 0.0) or 0.0
        )
        if report.when == "call" or report.outcome != "passed":
            record = {
                "nodeid": report.nodeid,
                "when": report.when,
                "outcome": report.outcome,
                # A bare @pytest.mark.xfail sets wasxfail to "": presence counts.
                "xfail": hasattr(report, "wasxfail"),
                "message": "",
            }
            if report.failed:
                record["message"] = getattr(report, "covtasks_error", "") or _error_line(report)
                record["types"] = list(getattr(report, "covtasks_types", []))
                record["follows"] = str(getattr(report, "covtasks_follows", ""))
            self.records.append(record)

    def pytest_runtest_logfinish(self) -> None:
        self.tests_run += 1

    def pytest_keyboard_interrupt(self) -> None:
        """Say that pytest is stopping, before it tears its xdist workers down, so that
        covtasks does not interrupt that teardown with a second SIGINT."""
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            name = os.environ.get(RESULTS_ENV, RESULTS_FILE) + INTERRUPTED_SUFFIX
            (self.staging / name).touch()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            workeroutput = getattr(session.config, "workeroutput", None)
            if workeroutput is not None:
                workeroutput["covtasks_deselected"] = self.deselected
            marker = self.staging / WORKERS_DIR / f"{worker}.json"
            marker.parent.mkdir(exist_ok=True)
            marker.write_text(
                json.dumps({"worker": worker, "pid": os.getpid(), "tests": self.tests_run}),
                encoding="utf-8",
            )
            return
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self._empty_shard():
            # Dealt no test of a selection that has some (more shards than test files):
            # this shard ran its part, nothing, and failed none. pytest returns the
            # session's status as it stands after this hook.
            exitstatus = session.exitstatus = pytest.ExitCode.OK
        data = {
            "exitstatus": int(exitstatus),
            "collected": session.testscollected,
            "deselected": self.deselected,
            "records": self.records,
            "durations": self.durations,
        }
        name = os.environ.get(RESULTS_ENV, RESULTS_FILE)
        (self.staging / name).write_text(json.dumps(data), encoding="utf-8")

    def _empty_shard(self) -> bool:
        """``run --shard``: whether the split left this shard no test of a non-empty
        selection (the record every process wrote after collection says)."""
        if not os.environ.get(SHARD_ENV):
            return False
        try:
            record = json.loads((self.staging / SHARD_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(record.get("selection")) and not record.get("ran")


def pytest_configure(config: pytest.Config) -> None:
    staging = os.environ.get(STAGING_ENV)
    if staging:
        config.pluginmanager.register(_Recorder(Path(staging)), "covtasks-recorder")
        worker = getattr(config, "workerinput", {}).get("workerid")
        if worker:
            datasave.guard_exit_save(f"xdist worker {worker}")
