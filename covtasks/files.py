"""Writing outputs safely: atomic replace, fsync, and a lock for read-modify-write.

A metrics or trend file is written to a temporary file in the same directory, flushed
and fsynced, then moved over the old one with ``os.replace``: a reader (or a crash, or
SIGKILL) sees the old file or the new one, never half of either. The trend append is a
read-modify-write, so two runs on one machine serialise it with an exclusive lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from covtasks.errors import CovtasksError

# Test hook: seconds to pause between writing the temp file and replacing the target,
# so a test can kill the process in the middle of a write. "NAME:SECONDS" pauses only
# the write of the file called NAME.
_PAUSE_ENV = "COVTASKS_TEST_PAUSE_BEFORE_REPLACE"


def mode_for(path: Path, *, directory: bool = False) -> int:
    """Keep an existing file's mode; a new file gets the usual 0o666 (a directory
    0o777) less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return (0o777 if directory else 0o666) & ~umask


TEMP_SUFFIX = ".tmp"


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def unfinished_writes(path: Path) -> list[Path]:
    """Temp files of writes of ``path`` that never reached ``os.replace`` (a writer
    killed mid-write; an interrupted or failed one removes its own)."""
    return sorted(path.parent.glob(f"{temp_prefix(path)}*{TEMP_SUFFIX}"))


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` atomically when the block ends without an
    error; on any failure (or interrupt) the old file is intact and no temp file stays.
    Each write has a temp file of its own, so concurrent writers never share one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise CovtasksError(f"cannot write: {exc.strerror}", str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, mode_for(path))
            yield f
            f.flush()
            os.fsync(f.fileno())
        test_pause(path)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CovtasksError(f"cannot write: {exc.strerror or exc}", str(path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically."""
    with atomic_writer(path) as f:
        f.write(text.encode("utf-8"))


def test_pause(path: Path) -> None:
    pause = os.environ.get(_PAUSE_ENV)
    if not pause:
        return
    name, _, seconds = pause.rpartition(":")
    if name and name != path.name:
        return
    import time

    time.sleep(float(seconds))


def fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def check_writable(path: Path, label: str) -> None:
    """Refuse early an output whose directory cannot be created or written."""
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise CovtasksError(f"cannot write {label} here: {parent} is not a directory", str(path))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CovtasksError(f"cannot write {label} here: {parent} is not writable", str(path))


def write_json_atomic(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created if needed; waits for it)."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise CovtasksError(f"cannot lock: {exc.strerror}", str(lock_path)) from exc
    try:
        if sys.platform == "win32":  # pragma: no cover
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()
