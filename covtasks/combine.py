"""Combine parallel data files with coverage's API, refusing incomplete or bad data.

Rules (as explicit as ``coverage combine``'s): every file named ``.coverage.*`` in the
staging directory (or every CI job's ``coverage.db``) is read; a zero-byte, unreadable
or non-SQLite file is an error, not a warning and a silently lower number; every xdist
worker that ran tests must have left a data file; branch and line-only data never mix.
Each file is inspected once (:func:`inspect_files`), then combined by coverage.py.
Input files are kept (the staging directory is removed as a whole afterwards).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import coverage
from coverage import CoverageData
from coverage.exceptions import CoverageException

from covtasks import versions
from covtasks.errors import CovtasksError
from covtasks.measure import Worker

# coverage >= 7.13 names parallel data files .coverage.HOST.pid123.Xabcdefx (a .Hhashh part
# may follow); older releases .coverage.HOST.123.Xabcdefx (HOST may contain dots).
_PID = re.compile(r"\.(?:pid)?(\d+)\.X[A-Za-z0-9]+x(?:\.H[A-Za-z0-9]+h)?$")


@dataclass(frozen=True)
class DataFileInfo:
    path: Path
    branch: bool
    measured: int


def inspect_data_file(path: Path) -> DataFileInfo:
    """Open one data file read-only-in-spirit: refuse it if it is not usable.

    It is opened twice: first by sqlite3, read-only and immutable, to check that it is
    coverage's database at all (coverage's own ``read()`` would write its schema into
    any other SQLite file and read it as empty), then by coverage's ``CoverageData``,
    which validates its schema version and reads its file table. The first open reads
    one row of ``sqlite_master``; repeating coverage's schema check instead would copy
    its rules."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CovtasksError(f"cannot read coverage data: {exc.strerror}", str(path)) from exc
    if size == 0:
        raise CovtasksError(
            "coverage data file is empty (zero bytes): the process that wrote it was "
            "probably killed; rerun the tests",
            str(path),
        )
    if _lacks_coverage_schema(path):
        # CoverageData.read() would write its schema into such a file and read it as
        # empty: a changed input and a silently lower number.
        raise CovtasksError(
            "unreadable coverage data: an SQLite database without coverage's tables",
            str(path),
        )
    data = CoverageData(basename=str(path))
    try:
        data.read()
        measured = len(data.measured_files())
        branch = data.has_arcs()
    except CoverageException as exc:
        raise CovtasksError(f"unreadable coverage data: {_short(exc)}", str(path)) from exc
    finally:
        data.close(force=True)
    return DataFileInfo(path, branch, measured)


def _lacks_coverage_schema(path: Path) -> bool:
    """True for a readable SQLite database that has no ``coverage_schema`` table."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            row = db.execute(
                "select count(*) from sqlite_master where type = 'table' "
                "and name = 'coverage_schema'"
            ).fetchone()
    except sqlite3.Error:
        return False  # not a database at all: coverage's own message says why
    return bool(row[0] == 0)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def pids_of(paths: Iterable[Path]) -> set[int]:
    """Process ids in parallel data file names (``.coverage.HOST.pid123.Xabcx``)."""
    return {int(m.group(1)) for p in paths if (m := _PID.search(p.name))}


def missing_workers(workers: Sequence[Worker], data_files: Sequence[Path]) -> list[Worker]:
    """xdist workers that ran tests but left no data file (pure)."""
    busy = [w for w in workers if w.tests > 0]
    pids = pids_of(data_files)
    if not pids:
        # Unrecognised file names: fall back to counting.
        return busy[len(data_files) :]
    return [w for w in busy if w.pid not in pids]


def check_complete(workers: Sequence[Worker], data_files: Sequence[Path], where: str) -> None:
    """Refuse a run where a process that ran tests left no coverage data."""
    if not data_files:
        raise CovtasksError(
            "the test run wrote no coverage data at all: is coverage installed in the "
            "interpreter that ran pytest?",
            where,
        )
    missing = missing_workers(workers, data_files)
    if missing:
        names = ", ".join(f"{w.id} (pid {w.pid}, {w.tests} tests)" for w in missing)
        raise CovtasksError(
            f"xdist worker(s) ran tests but wrote no coverage data: {names}; coverage's "
            "subprocess measurement did not start in them (is coverage >= "
            f"{versions.floor('coverage')} installed in the workers' interpreter, and its "
            ".pth file processed?), or was turned off "
            "because the tests or the code create a coverage.Coverage object of their own "
            "(set COVERAGE_COVERAGE=1 to measure such code anyway)",
            where,
        )


def check_consistent(infos: Sequence[DataFileInfo]) -> None:
    """Branch and line-only data cannot be combined into one honest figure."""
    kinds = {info.branch for info in infos if info.measured}
    if len(kinds) > 1:
        branch = [i.path.name for i in infos if i.measured and i.branch]
        lines = [i.path.name for i in infos if i.measured and not i.branch]
        raise CovtasksError(
            "cannot combine branch data with line-only data: "
            f"branch in {', '.join(branch[:3])}; line-only in {', '.join(lines[:3])}",
            str(infos[0].path.parent),
        )


def inspect_files(files: Sequence[Path]) -> list[DataFileInfo]:
    """Check each data file, then that they can be combined into one figure."""
    infos = [inspect_data_file(p) for p in files]
    check_consistent(infos)
    return infos


def combine_files(cov: coverage.Coverage, files: Sequence[Path]) -> None:
    """Combine ``files`` into ``cov``'s data file, after checking each of them."""
    combine_inspected(cov, inspect_files(files))


def combine_inspected(cov: coverage.Coverage, infos: Sequence[DataFileInfo]) -> None:
    """Combine data files that :func:`inspect_files` accepted into ``cov``'s data file
    (``combine`` inspects the jobs' files before it creates anything, and does not
    open them again before coverage combines them)."""
    try:
        cov.combine(data_paths=[str(i.path) for i in infos], strict=True, keep=True)
        cov.save()
    except CoverageException as exc:
        raise CovtasksError(f"combining coverage data failed: {_short(exc)}") from exc
