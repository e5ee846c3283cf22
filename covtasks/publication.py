"""All-or-nothing publishing: every output is prepared beside its target, then all of
them replace their targets together.

A run publishes several outputs (the metrics, the kept combined data, the XML and html
reports, the trend, the durations file, the step summary). Each is first written in
full to a temp file (``.NAME.XXXX.tmp``, the names ``covtasks.files.unfinished_writes``
knows) or a temp directory beside its target, flushed and fsynced. Only when every one
of them is ready does ``commit`` replace the targets, files first, then directories; a
failure before that (a full disk, a file-size limit, an interrupt) removes every temp
file and leaves every existing output byte for byte as it was.

What is not atomic, honestly: the replaces are separate renames, one per output, so a
crash (SIGKILL, power loss) between two of them leaves some outputs new and the others
old, each of them whole. A rename within a directory needs no disk space, so a full
disk cannot stop the sequence half-way. A directory (the html report) is swapped with
two renames (old aside, new in place): between them the directory does not exist;
entries of the old directory that the new report does not have (another output nested
in it, a file of the user's) are moved into the new one before the swap, so the swap
loses nothing that writing into the directory would have kept. A job's output
directory (``run --job``) is the exception: a rerun replaces it whole.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from covtasks.errors import CovtasksError
from covtasks.files import TEMP_SUFFIX, fsync_dir, mode_for, temp_prefix, test_pause


@dataclass(frozen=True)
class _Staged:
    temp: Path
    target: Path
    directory: bool
    carry: bool = False


def _cannot(exc: OSError, target: Path) -> CovtasksError:
    return CovtasksError(f"cannot write: {exc.strerror or exc}", str(target))


class Publication:
    """The outputs of one publish, prepared one by one, then replaced together."""

    def __init__(self) -> None:
        self._staged: list[_Staged] = []

    def file(self, target: Path) -> Path:
        """An empty temp file beside ``target`` (with ``target``'s mode) for a writer
        that takes a path (coverage.py's XML report); fsynced by ``commit``."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent
            )
        except OSError as exc:
            raise _cannot(exc, target) from exc
        os.close(fd)
        self._staged.append(_Staged(Path(name), target, directory=False))
        try:
            os.chmod(name, mode_for(target))
        except OSError as exc:  # pragma: no cover - the file was just created by us
            raise _cannot(exc, target) from exc
        return Path(name)

    @contextlib.contextmanager
    def writer(self, target: Path) -> Iterator[BinaryIO]:
        """A binary temp file that will replace ``target``, fsynced when the block ends."""
        temp = self.file(target)
        try:
            with open(temp, "wb") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise _cannot(exc, target) from exc

    def write_text(self, target: Path, text: str) -> None:
        with self.writer(target) as f:
            f.write(text.encode("utf-8"))

    def directory(self, target: Path, *, carry: bool = True) -> Path:
        """An empty temp directory beside ``target`` that will replace it; with ``carry``
        the old directory's entries that the new one lacks are moved into it, without it
        the new directory replaces the old one whole (a rerun job's output)."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            name = tempfile.mkdtemp(
                prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent
            )
        except OSError as exc:
            raise _cannot(exc, target) from exc
        self._staged.append(_Staged(Path(name), target, directory=True, carry=carry))
        try:
            os.chmod(name, mode_for(target, directory=True))
        except OSError as exc:  # pragma: no cover - the directory was just created by us
            raise _cannot(exc, target) from exc
        return Path(name)

    def commit(self) -> None:
        """Replace every target: files (fsynced first), then directories."""
        files = [s for s in self._staged if not s.directory]
        for staged in files:
            try:
                _fsync_file(staged.temp)
            except OSError as exc:
                raise _cannot(exc, staged.target) from exc
        for staged in files:
            test_pause(staged.target)
            try:
                os.replace(staged.temp, staged.target)
            except OSError as exc:
                raise _cannot(exc, staged.target) from exc
            self._staged.remove(staged)
        for staged in [s for s in self._staged if s.directory]:
            try:
                _swap_directory(staged.temp, staged.target, carry=staged.carry)
            except OSError as exc:
                raise _cannot(exc, staged.target) from exc
            self._staged.remove(staged)
        for parent in sorted({s.target.parent for s in files}):
            fsync_dir(parent)

    def discard(self) -> None:
        """Remove every temp file and directory not yet committed."""
        for staged in self._staged:
            if staged.directory:
                shutil.rmtree(staged.temp, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(staged.temp)
        self._staged.clear()


@contextlib.contextmanager
def publication() -> Iterator[Publication]:
    """A publication whose uncommitted temp files are removed whatever happens."""
    pub = Publication()
    try:
        yield pub
    finally:
        pub.discard()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_directory(new: Path, target: Path, *, carry: bool) -> None:
    """Put directory ``new`` in place of ``target`` (which may not exist yet), keeping
    (with ``carry``) the entries of the old ``target`` that ``new`` lacks; on failure
    ``target`` is as it was."""
    if not target.exists():
        os.rename(new, target)
        return
    carried: list[str] = []
    aside: Path | None = None
    try:
        for entry in os.listdir(target) if carry else ():
            if not os.path.lexists(new / entry):
                os.rename(target / entry, new / entry)
                carried.append(entry)
        aside = Path(
            tempfile.mkdtemp(prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent)
        )
        os.rename(target, aside)  # replaces the empty directory just made
        try:
            os.rename(new, target)
        except OSError:
            os.rename(aside, target)
            aside = None
            raise
    except OSError:
        for entry in carried:
            with contextlib.suppress(OSError):
                os.rename(new / entry, target / entry)
        if aside is not None:
            with contextlib.suppress(OSError):
                os.rmdir(aside)
        raise
    shutil.rmtree(aside, ignore_errors=True)
