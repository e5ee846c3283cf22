"""Tests for covtasks.files: atomic writes that keep the old file, and the trend lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from covtasks.errors import CovtasksError
from covtasks.files import locked, write_atomic, write_json_atomic
from tests.helpers import cli_env

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and signals")
OLD = {"format": 1, "baselines": [{"date": "2026-11-26", "overall": 80.0}]}


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A file that already holds valid JSON."""
    path = tmp_path / "out" / "trend.json"
    path.parent.mkdir()
    path.write_text(json.dumps(OLD), encoding="utf-8")
    return path


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    value: int = request.param
    old = os.umask(value)
    try:
        yield value
    finally:
        os.umask(old)


# --- writing ---------------------------------------------------------------------------


def test_creates_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c.txt"
    write_atomic(path, "hello\n")
    assert path.read_text(encoding="utf-8") == "hello\n"


def test_replaces_content(target: Path) -> None:
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert names(target.parent) == ["trend.json"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"b": 1, "a": [1.5, None, True]}, id="object-order-kept"),
        pytest.param([], id="empty-list"),
        pytest.param("ünïcode", id="non-ascii-string"),
    ],
)
def test_write_json_atomic(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "data.json"
    write_json_atomic(path, data)
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(data, indent=2) + "\n"
    assert json.loads(text) == data


@posix_only
@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755, 0o444], ids=oct)
def test_keeps_an_existing_files_mode(target: Path, mode: int) -> None:
    target.chmod(mode)
    write_json_atomic(target, {"new": True})
    assert target.stat().st_mode & 0o7777 == mode


@posix_only
@pytest.mark.parametrize(
    ("umask", "mode"),
    [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)],
    ids=["022", "027", "077", "002"],
    indirect=["umask"],
)
def test_new_file_mode_follows_umask(tmp_path: Path, umask: int, mode: int) -> None:
    path = tmp_path / "new.json"
    write_json_atomic(path, {})
    assert path.stat().st_mode & 0o7777 == mode == 0o666 & ~umask


# --- failures leave the old file -------------------------------------------------------


def _raise_enospc(*args: object, **kwargs: object) -> NoReturn:
    raise OSError(28, "No space left on device")


def _raise_interrupt(*args: object, **kwargs: object) -> NoReturn:
    raise KeyboardInterrupt


@pytest.mark.parametrize("function", ["replace", "fsync", "chmod"])
def test_failed_write_keeps_the_old_file(
    target: Path, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    before = target.read_bytes()
    monkeypatch.setattr(os, function, _raise_enospc)
    with pytest.raises(CovtasksError) as excinfo:
        write_json_atomic(target, {"new": True})
    assert str(excinfo.value) == f"{target}: cannot write: No space left on device"
    assert target.read_bytes() == before
    assert names(target.parent) == ["trend.json"]


def test_failure_to_create_the_temp_file_names_the_path(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = target.read_bytes()
    monkeypatch.setattr(tempfile, "mkstemp", _raise_enospc)
    with pytest.raises(CovtasksError) as excinfo:
        write_json_atomic(target, {"new": True})
    assert str(excinfo.value) == f"{target}: cannot write: No space left on device"
    assert target.read_bytes() == before


@pytest.mark.parametrize("function", ["replace", "fsync"])
def test_interrupted_write_keeps_the_old_file(
    target: Path, monkeypatch: pytest.MonkeyPatch, function: str
) -> None:
    before = target.read_bytes()
    monkeypatch.setattr(os, function, _raise_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(target, {"new": True})
    assert target.read_bytes() == before
    assert names(target.parent) == ["trend.json"]


# --- locked ----------------------------------------------------------------------------


def test_locked_creates_the_lock_file_and_its_directory(tmp_path: Path) -> None:
    lock = tmp_path / "private" / "trend.lock"
    with locked(lock):
        assert lock.is_file()
    assert lock.is_file()


def test_locked_can_be_used_again_after_release(tmp_path: Path) -> None:
    lock = tmp_path / "trend.lock"
    entered = []
    for i in range(3):
        with locked(lock):
            entered.append(i)
    assert entered == [0, 1, 2]


def test_locked_keeps_an_existing_lock_files_content(tmp_path: Path) -> None:
    lock = tmp_path / "trend.lock"
    lock.write_bytes(b"keep")
    with locked(lock):
        pass
    assert lock.read_bytes() == b"keep"


@posix_only
def test_locked_excludes_other_holders(tmp_path: Path) -> None:
    import fcntl

    lock = tmp_path / "trend.lock"
    with locked(lock), open(lock, "rb") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(lock, "rb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_locked_error_names_the_lock(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory", encoding="utf-8")
    lock = tmp_path / "file" / "trend.lock"
    with pytest.raises(CovtasksError) as excinfo, locked(lock):
        pass
    assert str(excinfo.value).startswith(f"{lock}: cannot lock: ")


# --- a real process killed in the middle of a write ------------------------------------

CHILD = """
import sys
from pathlib import Path
from covtasks.files import write_json_atomic
print("ready", flush=True)
write_json_atomic(Path(sys.argv[1]), {"new": list(range(200))})
"""


def wait_for_complete_temp_file(proc: subprocess.Popen[str], directory: Path, text: str) -> Path:
    """Poll (bounded, no sleeping) until the child's temp file holds all of ``text``."""
    expected = text.encode("utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the child exited before it was killed"
        for path in directory.glob(".trend.json.*.tmp"):
            try:
                if path.read_bytes() == expected:
                    return path
            except FileNotFoundError:
                pass
        getattr(os, "sched_yield", lambda: None)()
    pytest.fail("the child's temp file never held the new content")


@posix_only
def test_sigkill_during_write_leaves_the_old_file(target: Path) -> None:
    env = cli_env({"COVTASKS_TEST_PAUSE_BEFORE_REPLACE": "30"})
    # Not measured: a killed process must not leave coverage data behind.
    for name in ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG"):
        env.pop(name, None)
    new_text = json.dumps({"new": list(range(200))}, indent=2) + "\n"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        temp = wait_for_complete_temp_file(proc, target.parent, new_text)
        proc.kill()
        assert proc.wait() == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert json.loads(target.read_text(encoding="utf-8")) == OLD
    assert names(target.parent) == sorted(["trend.json", temp.name])
