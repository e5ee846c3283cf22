"""Interrupted, killed and concurrent runs lose nothing: real processes, no sleeping.

Every wait here is for an event: a FIFO the project's own test writes to when it is
running, a temporary file that holds a complete document, a process that exits. The
clock only bounds a wait that would otherwise hang, it is never asserted on.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Project, cli_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, process groups and /proc"),
]
ProjectFactory = Callable[..., Project]

METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"
HANG_GUARD = 300.0  # seconds: only ever a bound on a wait for an event, never asserted

# Passes quickly unless BLOCK_STARTED names a FIFO: then it says "started PID PPID" there
# and blocks opening BLOCK_FOREVER, a FIFO that nobody ever opens for writing (deaf to
# SIGINT with BLOCK_IGNORE_SIGINT, so that pytest-xdist must stop it the hard way).
BLOCKING_TEST = """
    import os
    import signal


    def test_blocks_when_asked():
        started = os.environ.get("BLOCK_STARTED")
        if not started:
            return
        if os.environ.get("BLOCK_IGNORE_SIGINT"):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        with open(started, "w") as fifo:
            fifo.write(f"started {os.getpid()} {os.getppid()}\\n")
        with open(os.environ["BLOCK_FOREVER"]) as never:
            never.read()
    """


# --- helpers ------------------------------------------------------------------------------


def deadline_passed(deadline: float) -> bool:
    return time.monotonic() > deadline


@contextlib.contextmanager
def started(
    p: Project, log: Path, args: tuple[str, ...] = ("run",), env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m covtasks ARGS`` in a session of its own, output to ``log``; whatever
    is left of its process group is killed on the way out."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "covtasks", *args],
            cwd=p.root,
            env=cli_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait(proc: subprocess.Popen[bytes], log: Path) -> int:
    try:
        return proc.wait(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        pytest.fail(f"covtasks did not exit:\n{log.read_text(errors='replace')}")


def read_line_from_fifo(fifo: Path, proc: subprocess.Popen[bytes], log: Path) -> str:
    """The first line a writer puts into ``fifo``; fails if ``proc`` exits first."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # never blocks: no writer needed yet
    received = b""
    deadline = time.monotonic() + HANG_GUARD
    try:
        while b"\n" not in received:
            if proc.poll() is not None or deadline_passed(deadline):
                pytest.fail(f"the test never started:\n{log.read_text(errors='replace')}")
            readable, _, _ = select.select([fd], [], [], 1.0)
            if readable:
                received += os.read(fd, 4096)
    finally:
        os.close(fd)
    return received.decode().splitlines()[0]


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped has stopped running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def processes_of(root: Path) -> list[str]:
    """Running processes that belong to the project at ``root``: started there, or
    with it on their command line or in their environment (COVTASKS_STAGING)."""
    below = (str(root) + os.sep).encode()
    found: list[str] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not alive(int(entry.name)):
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if cwd == str(root) or below in cmdline or below in environ:
            found.append(entry.name + ": " + cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


def wait_until_gone(root: Path, pids: list[int]) -> None:
    """Bounded: the processes recorded, and every process of the project, exit."""
    deadline = time.monotonic() + HANG_GUARD
    while any(alive(pid) for pid in pids) or processes_of(root):
        if deadline_passed(deadline):
            left = [pid for pid in pids if alive(pid)]
            pytest.fail(f"orphaned processes: {left} {processes_of(root)}")
        os.sched_yield()


def staging_dirs(p: Project) -> list[str]:
    parent = p.path(".covtasks")
    return sorted(d.name for d in parent.glob("run-*")) if parent.is_dir() else []


def read_bytes(p: Project, *names: str) -> dict[str, bytes]:
    return {name: p.path(name).read_bytes() for name in names}


def blocking_project(project: ProjectFactory) -> Project:
    p = project(extra={"tests/test_block.py": BLOCKING_TEST})
    first = p.run("run")
    assert first.returncode == 0, first.stdout + first.stderr
    return p


# --- SIGINT during the pytest stage -------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "deaf"),
    [("process-group", False), ("covtasks-only", False), ("process-group", True)],
    ids=["process-group", "covtasks-only", "process-group-deaf-test"],
)
def test_sigint_during_the_tests_writes_nothing(
    project: ProjectFactory, tmp_path: Path, target: str, deaf: bool
) -> None:
    """Ctrl-C in a terminal (the whole group), or SIGINT to covtasks alone: exit 130,
    nothing written, no traceback, no process left. A test deaf to SIGINT makes
    pytest-xdist's teardown slow: it must not be interrupted a second time."""
    p = blocking_project(project)
    before = read_bytes(p, METRICS, TREND)
    fifo, never = tmp_path / "started.fifo", tmp_path / "never.fifo"
    os.mkfifo(fifo)
    os.mkfifo(never)
    log = tmp_path / "covtasks.log"
    env = {"BLOCK_STARTED": str(fifo), "BLOCK_FOREVER": str(never)}
    if deaf:
        env["BLOCK_IGNORE_SIGINT"] = "1"

    with started(p, log, env=env) as proc:
        line = read_line_from_fifo(fifo, proc, log)
        word, test_pid, runner_pid = line.split()
        assert word == "started"
        if target == "process-group":
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            proc.send_signal(signal.SIGINT)
        status = wait(proc, log)
        # Checked before leaving the block, which kills whatever is left of the group.
        wait_until_gone(p.root, [int(test_pid), int(runner_pid)])

    output = log.read_text(errors="replace")
    assert status == 130, output
    assert "covtasks: interrupted" in output
    assert "Traceback" not in output, output
    assert staging_dirs(p) == []
    assert read_bytes(p, METRICS, TREND) == before


# --- SIGKILL while the trend file is being replaced ---------------------------------------


def history(n: int) -> list[dict[str, Any]]:
    return [
        {
            "date": "2025-01-01",
            "timestamp": f"2025-01-01T00:00:00+00:00#{i}",
            "commit": f"{i:040x}",
            "overall": 80.0 + (i % 100) / 10,
            "domains": {"governance": 75.0, "security": 77.5, "episodes": 100.0},
            "flaky": 0,
        }
        for i in range(n)
    ]


def complete_temp_file(proc: subprocess.Popen[bytes], directory: Path, log: Path) -> Path:
    """Poll, without sleeping, until covtasks' temporary trend file holds a whole
    JSON document (written, flushed and fsynced: the pause is just before the rename)."""
    deadline = time.monotonic() + HANG_GUARD
    while not deadline_passed(deadline):
        if proc.poll() is not None:
            pytest.fail(f"covtasks exited before it was killed:\n{log.read_text()}")
        for temp in directory.glob(".coverage_trend.json.*.tmp"):
            with contextlib.suppress(OSError, ValueError):
                json.loads(temp.read_bytes())
                return temp
        os.sched_yield()
    pytest.fail("the temporary trend file never held a whole document")


@pytest.mark.parametrize("baselines", [0, 5000], ids=["one-entry", "5000-entries"])
def test_sigkill_while_replacing_the_trend_keeps_the_old_one(
    project: ProjectFactory, tmp_path: Path, baselines: int
) -> None:
    p = project()
    first = p.run("run")
    assert first.returncode == 0, first.stdout + first.stderr
    trend = p.path(TREND)
    doc = json.loads(trend.read_bytes())
    doc["baselines"] = history(baselines) + doc["baselines"]
    trend.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    before = trend.read_bytes()
    log = tmp_path / "covtasks.log"
    pause = {"COVTASKS_TEST_PAUSE_BEFORE_REPLACE": "coverage_trend.json:60"}

    with started(p, log, ("report",), env=pause) as proc:
        temp = complete_temp_file(proc, trend.parent, log)
        proc.kill()
        assert proc.wait() == -signal.SIGKILL

    assert trend.read_bytes() == before
    assert len(json.loads(before)["baselines"]) == baselines + 1
    assert sorted(f.name for f in trend.parent.iterdir()) == sorted([trend.name, temp.name])
    # The lock died with the process: the next report goes through.
    again = p.run("report")
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(json.loads(trend.read_bytes())["baselines"]) == baselines + 1


# --- two runs at once in one project ------------------------------------------------------


def test_concurrent_runs_keep_every_trend_entry(project: ProjectFactory, tmp_path: Path) -> None:
    old = history(2)
    p = project(extra={TREND: json.dumps({"format": 1, "baselines": old})})
    expected = [e["commit"] for e in old]
    for round_ in range(3):
        commits = [f"{round_}a" * 4, f"{round_}b" * 4]  # shas: hex digits
        logs = [tmp_path / f"{c}.log" for c in commits]
        with contextlib.ExitStack() as stack:
            procs = [
                stack.enter_context(started(p, log, env={"COVTASKS_COMMIT": commit}))
                for commit, log in zip(commits, logs)
            ]
            statuses = [wait(proc, log) for proc, log in zip(procs, logs)]
        assert statuses == [0, 0], [log.read_text() for log in logs]
        trend = json.loads(p.path(TREND).read_bytes())
        found = [e.get("commit") for e in trend["baselines"]]
        expected += commits
        assert sorted(found) == sorted(expected)
        assert trend["baselines"][:2] == old
        assert sorted(os.listdir(p.path(".covtasks"))) == [".coverage", ".gitignore", "trend.lock"]
        metrics = json.loads(p.path(METRICS).read_bytes())
        assert metrics["covtasks"]["commit"] in commits
        assert metrics["totals"]["percent_covered"] > 0
        assert p.coverage("report").returncode == 0  # the kept data is whole


KEEP_DATA_CHILD = """
import sys
from pathlib import Path

from covtasks.publish import keep_data

print("ready", flush=True)
sys.stdin.readline()
for _ in range(500):
    keep_data(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_concurrent_keep_data_never_shares_a_temporary_file(tmp_path: Path) -> None:
    """Both runs copy their combined data to .covtasks/.coverage at the end; a shared
    temporary name made one of them crash (or publish the other's half-written copy)."""
    data = tmp_path / "combined"
    data.write_bytes(os.urandom(200_000))
    dest = tmp_path / "kept" / ".coverage"
    command = [sys.executable, "-c", KEEP_DATA_CHILD, str(data), str(dest)]
    procs = [
        subprocess.Popen(
            command,
            env=cli_env(None),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for proc in procs:  # a start barrier: both are ready before either copies
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=HANG_GUARD) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in outputs]
    assert dest.read_bytes() == data.read_bytes()
    assert [f.name for f in dest.parent.iterdir()] == [".coverage"]


# --- a trend covtasks cannot read ---------------------------------------------------------


def test_corrupt_trend_is_refused_and_left_alone(project: ProjectFactory) -> None:
    p = project(extra={TREND: '{"format": 1, "baselines": [{"date": "2026-01-01", "overa'})
    before = p.path(TREND).read_bytes()
    result = p.run("run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "move it aside" in result.stderr
    assert "test session starts" not in result.stdout
    assert p.path(TREND).read_bytes() == before
