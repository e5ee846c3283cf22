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
from pathlib import Path
from typing import Any

import pytest

from covtasks.staging import (
    INTERRUPTED_SUFFIX,
    RESULTS_ENV,
    RESULTS_FILE,
    STAGING_ENV,
    WORKERS_DIR,
)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _error_line(report: Any) -> str:
    """The most telling line of a failure: pytest's ``E   ...`` line, else the first."""
    text = str(report.longreprtext) if report.longrepr is not None else ""
    for line in text.splitlines():
        if line.startswith("E   "):
            return line[4:].strip()[:300]
    return _first_line(text)


class _Recorder:
    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.records: list[dict[str, Any]] = []
        self.tests_run = 0
        self.deselected = 0

    @pytest.hookimpl(trylast=True)
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # pytest counts a failed collector as an error and a skipped one (a module-level
        # pytest.skip, a conftest's collect_ignore...) as skipped: both are recorded.
        if report.failed or report.skipped:
            self.records.append(
                {
                    "nodeid": report.nodeid or ".",
                    "when": "collect",
                    "outcome": report.outcome,
                    "message": _error_line(report) if report.failed else "",
                }
            )

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """xdist: each worker deselects the same tests; the controller hears of it here."""
        output = getattr(node, "workeroutput", None) or {}
        self.deselected = max(self.deselected, int(output.get("covtasks_deselected", 0)))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.records.append(
                {
                    "nodeid": report.nodeid,
                    "when": report.when,
                    "outcome": report.outcome,
                    # A bare @pytest.mark.xfail sets wasxfail to "": presence counts.
                    "xfail": hasattr(report, "wasxfail"),
                    "message": _error_line(report) if report.outcome != "passed" else "",
                }
            )

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
        data = {
            "exitstatus": int(exitstatus),
            "collected": session.testscollected,
            "deselected": self.deselected,
            "records": self.records,
        }
        name = os.environ.get(RESULTS_ENV, RESULTS_FILE)
        (self.staging / name).write_text(json.dumps(data), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    staging = os.environ.get(STAGING_ENV)
    if staging:
        config.pluginmanager.register(_Recorder(Path(staging)), "covtasks-recorder")
