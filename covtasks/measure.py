"""Run the suite once, under coverage and pytest-xdist, into a private staging directory.

The staging directory (``.covtasks/run-XXXX`` in the project) receives the parallel
coverage data files of every process, the plugin's ``results.json`` and one marker per
xdist worker. Each run has its own directory, so concurrent runs never mix data, and a
run that is not used (unstable, interrupted) has its directory removed whole, so its
data can never be combined by accident.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import covtasks
from covtasks.config import Config
from covtasks.errors import CovtasksError
from covtasks.pytestargs import usage_error_line
from covtasks.staging import (
    DURATIONS_ENV,
    INTERRUPTED_SUFFIX,
    RESULTS_ENV,
    RESULTS_FILE,
    SHARD_ENV,
    STAGING_ENV,
    WORKERS_DIR,
)

STAGING_PARENT = ".covtasks"
DATA_NAME = ".coverage"
_LAUNCHER = Path(__file__).with_name("_launch.py")
# Beside a run's results: the tail of pytest's stderr when it exited on a usage error.
USAGE_SUFFIX = ".usage"
# Variables that would make an outer coverage run measure this one (covtasks measuring
# a project while itself being measured, as in its own test suite).
# An outer pytest's variables (covtasks run from inside a test) would make the plugin
# take the xdist controller for a worker.
_OUTER_ENV = (
    "COVERAGE_PROCESS_START",
    "COVERAGE_PROCESS_CONFIG",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
    SHARD_ENV,
    DURATIONS_ENV,
)


@dataclass(frozen=True)
class Worker:
    """An xdist worker as the plugin saw it: its id, process id and tests run."""

    id: str
    pid: int
    tests: int


@dataclass(frozen=True)
class RunOutput:
    """What one measured pytest run left in the staging directory."""

    staging: Path
    exitstatus: int
    results: dict[str, Any] | None
    workers: tuple[Worker, ...]
    data_files: tuple[Path, ...]
    pid: int = 0
    usage_error: str = ""  # pytest's usage-error line when it exited 4 on one


def make_staging(root: Path) -> Path:
    """A fresh, private staging directory below ``root/.covtasks``."""
    parent = root / STAGING_PARENT
    try:
        parent.mkdir(exist_ok=True)
        (parent / ".gitignore").write_text("*\n", encoding="utf-8")
    except OSError as exc:
        raise CovtasksError(
            f"cannot create the staging directory: {exc.strerror}", str(parent)
        ) from exc
    remove_abandoned(parent)
    return Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove staging directories of runs whose process is gone (SIGKILL, a crash):
    their data must never be combined, and nobody else will clean them."""
    removed = []
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) kills there
        return removed
    for path in parent.glob("run-*-*"):
        pid = path.name.split("-")[1]
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def remove_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def check_workers_available(workers: object) -> None:
    if workers != 0 and importlib.util.find_spec("xdist") is None:
        raise CovtasksError(
            f"workers = {workers!r} needs pytest-xdist, which is not installed "
            "(pip install pytest-xdist, or set workers = 0)",
            "tool.covtasks.workers",
        )


def pytest_args(cfg: Config, extra: Sequence[str] = ()) -> list[str]:
    """The pytest command line of the measured run (user's extra args win)."""
    args = [*cfg.tests, "-p", "covtasks.pytest_plugin"]
    if cfg.workers != 0:
        args += ["-n", str(cfg.workers)]
    return [*args, *extra]


def resolve_core(
    requested: str, python: tuple[int, int], *, branch: bool, dynamic_context: bool = False
) -> str:
    """The coverage core for ``core = "auto"``: sys.monitoring (sysmon) where it can do
    the configured measurement (Python 3.12+; branches need 3.14+; dynamic contexts
    need ctrace), else the C tracer."""
    if requested != "auto":
        return requested
    if python < (3, 12) or dynamic_context or (branch and python < (3, 14)):
        return "ctrace"
    return "sysmon"


def importable_env(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` where a child Python can import this covtasks even when it is not
    installed (run from a checkout): its parent directory leads ``PYTHONPATH``."""
    env = dict(base)
    home = Path(covtasks.__file__).resolve().parent.parent
    if home.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(home), env.get("PYTHONPATH", "")) if p)
    return env


def child_env(staging: Path | None, core: str | None = None) -> dict[str, str]:
    """The environment of the measured run: no outer coverage, covtasks importable,
    the chosen coverage core (unless ``COVERAGE_CORE`` is already set)."""
    env = importable_env({k: v for k, v in os.environ.items() if k not in _OUTER_ENV})
    if core is not None:
        env.setdefault("COVERAGE_CORE", core)
    if staging is not None:
        env[STAGING_ENV] = str(staging)
    return env


PRERUN_RESULTS = "prerun.json"


def run_prerun(cfg: Config, staging: Path, extra: Sequence[str]) -> RunOutput:
    """``--fail-fast``: a quick unmeasured ``pytest -x --lf`` before the real run.

    The plugin records what failed (``prerun.json``), so that its failures are
    classified and described like the measured run's; no xdist, so that it leaves no
    worker markers for the measured run to expect data from."""
    args = [*cfg.tests, "-x", "--lf", "-q", "-p", "covtasks.pytest_plugin"]
    if importlib.util.find_spec("xdist") is not None:
        args += ["-n", "0"]
    spec = {"measure": False, "usage_file": str(staging / (PRERUN_RESULTS + USAGE_SUFFIX))}
    spec_file = staging / "prerun.json.spec"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    env = child_env(staging)
    env[RESULTS_ENV] = PRERUN_RESULTS
    sys.stdout.flush()
    cmd = [sys.executable, str(_LAUNCHER), str(spec_file), "--", *args, *extra]
    status = subprocess.call(cmd, cwd=cfg.root, env=env)
    return collect(staging, status, PRERUN_RESULTS)


def coverage_rcfile(cfg: Config, staging: Path) -> Path:
    """The project's coverage config file, or an empty one (coverage's subprocess patch
    needs a file to name)."""
    if cfg.coverage_file is not None:
        return cfg.coverage_file
    empty = staging / "coveragerc"
    if not empty.exists():
        empty.write_text("[run]\n", encoding="utf-8")
    return empty


def run_measured(
    cfg: Config,
    staging: Path,
    extra: Sequence[str] = (),
    while_running: Callable[[], object] | None = None,
    env: Mapping[str, str] | None = None,
) -> RunOutput:
    """Run the suite once under coverage; its output streams to this terminal
    (``env``: more variables for it, such as the shard to keep)."""
    args = pytest_args(cfg, extra)
    return launch(cfg, staging, args, while_running=while_running, env=env)


def rerun_args(nodeids: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Failed tests again, alone: no xdist, no random order, same coverage settings."""
    args = [*nodeids, "-p", "covtasks.pytest_plugin", "-p", "no:randomly"]
    if importlib.util.find_spec("xdist") is not None:
        args += ["-n", "0"]
    return [*args, *extra]


def measurement_core(cfg: Config) -> str:
    return resolve_core(
        cfg.core, sys.version_info[:2], branch=cfg.branch, dynamic_context=cfg.dynamic_context
    )


def launch(
    cfg: Config,
    staging: Path,
    args: Sequence[str],
    results: str = RESULTS_FILE,
    *,
    while_running: Callable[[], object] | None = None,
    env: Mapping[str, str] | None = None,
) -> RunOutput:
    """Run pytest with ``args`` under coverage, data and results into ``staging``.

    ``while_running`` is called once the child has started (covtasks imports what it
    needs afterwards there, so that the import time overlaps the tests)."""
    spec = {
        "config_file": str(coverage_rcfile(cfg, staging)),
        "data_file": str(staging / DATA_NAME),
        "source": [str(p) for p in cfg.source_dirs()],
        "branch": cfg.branch,
        "usage_file": str(staging / (results + USAGE_SUFFIX)),
    }
    spec_file = staging / "launch.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    cmd = [sys.executable, str(_LAUNCHER), str(spec_file), "--", *args]
    child = child_env(staging, measurement_core(cfg))
    child.update(env or {})
    child[RESULTS_ENV] = results
    sys.stdout.flush()
    proc = subprocess.Popen(cmd, cwd=cfg.root, env=child)
    try:
        if while_running is not None:
            # An error here is raised again where the caller does the same work.
            with contextlib.suppress(Exception):
                while_running()
        status = proc.wait()
    except KeyboardInterrupt:
        # From a terminal the child got the same SIGINT, and pytest says it is stopping:
        # a second SIGINT would break its teardown of the xdist workers. When only
        # covtasks got it, pass it on. pytest then stops its workers; wait, make sure.
        if not _stopping(proc, staging / (results + INTERRUPTED_SUFFIX)):
            with contextlib.suppress(OSError):
                proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    return collect(staging, status, results, proc.pid)


def _stopping(proc: subprocess.Popen[bytes], marker: Path, grace: float = 10.0) -> bool:
    """Whether the child exits, or its pytest reports an interrupt, within ``grace``.

    Generous: on a loaded machine pytest can take seconds to reach its interrupt hook,
    and a second SIGINT sent before then breaks its teardown (a traceback, workers left
    behind); only a SIGINT that reached covtasks alone waits the whole grace."""
    deadline = time.monotonic() + grace
    while not marker.exists():
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            if time.monotonic() > deadline:
                return False
        else:
            return True
    return True


def collect(
    staging: Path, status: int, results_name: str = RESULTS_FILE, pid: int = 0
) -> RunOutput:
    """Read what a run left in ``staging``."""
    results_path = staging / results_name
    results: dict[str, Any] | None = None
    if results_path.is_file():
        results = json.loads(results_path.read_text(encoding="utf-8"))
    workers = []
    for marker in sorted((staging / WORKERS_DIR).glob("*.json")):
        data = json.loads(marker.read_text(encoding="utf-8"))
        workers.append(Worker(str(data["worker"]), int(data["pid"]), int(data["tests"])))
    data_files = tuple(sorted(staging.glob(DATA_NAME + ".*")))
    usage = staging / (results_name + USAGE_SUFFIX)
    usage_error = usage_error_line(usage.read_text(encoding="utf-8")) if usage.is_file() else ""
    return RunOutput(staging, status, results, tuple(workers), data_files, pid, usage_error)
