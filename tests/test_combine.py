"""Tests for covtasks.combine: inspecting, checking and combining coverage data files."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import coverage
import pytest
from coverage.exceptions import DataError

from covtasks.combine import (
    DataFileInfo,
    check_complete,
    check_consistent,
    combine_files,
    inspect_data_file,
    missing_workers,
    pids_of,
)
from covtasks.errors import CovtasksError
from covtasks.measure import Worker
from tests.helpers import OPENED_COVERAGE

LINES = {"/x/a.py": [1, 2]}
ARCS = {"/x/a.py": [(-1, 1), (1, 2), (2, -1)]}


def line_file(path: Path, lines: dict[str, list[int]] | None = None) -> Path:
    data = coverage.CoverageData(basename=str(path))
    data.add_lines(LINES if lines is None else lines)
    data.write()
    data.close(force=True)
    return path


def arc_file(path: Path) -> Path:
    data = coverage.CoverageData(basename=str(path))
    data.add_arcs(ARCS)
    data.write()
    data.close(force=True)
    return path


def empty_file(path: Path, branch: bool) -> Path:
    """A data file of one kind that measured nothing (a subprocess that ran no code)."""
    data = coverage.CoverageData(basename=str(path))
    if branch:
        data.add_arcs({})
    else:
        data.add_lines({})
    data.write()
    data.close(force=True)
    return path


def read_lines(path: Path) -> dict[str, list[int]]:
    data = coverage.CoverageData(basename=str(path))
    data.read()
    try:
        return {f: sorted(data.lines(f) or []) for f in data.measured_files()}
    finally:
        data.close(force=True)


# --- inspect_data_file -----------------------------------------------------------------


def test_inspect_line_data(tmp_path: Path) -> None:
    path = line_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    assert inspect_data_file(path) == DataFileInfo(path, branch=False, measured=1)


def test_inspect_branch_data(tmp_path: Path) -> None:
    path = arc_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    assert inspect_data_file(path) == DataFileInfo(path, branch=True, measured=1)


def test_inspect_leaves_a_real_file_unchanged(tmp_path: Path) -> None:
    path = line_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    before = path.read_bytes()
    inspect_data_file(path)
    assert path.read_bytes() == before


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _text(path: Path) -> None:
    path.write_text("this is not coverage data\n", encoding="utf-8")


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(20261127).randbytes(8192))


def _truncated(path: Path) -> None:
    real = line_file(path.with_name("real"))
    path.write_bytes(real.read_bytes()[:100])


def _other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("create table notes (text)")
    db.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            _zero_bytes,
            "coverage data file is empty (zero bytes): the process that wrote it was "
            "probably killed; rerun the tests",
            id="zero-bytes",
        ),
        pytest.param(_text, "unreadable coverage data: ", id="text-file"),
        pytest.param(_random_bytes, "unreadable coverage data: ", id="random-bytes"),
        pytest.param(_truncated, "unreadable coverage data: ", id="truncated-to-100-bytes"),
        pytest.param(_other_sqlite, "unreadable coverage data: ", id="sqlite-not-coverage"),
    ],
)
def test_inspect_refuses_bad_data_and_leaves_it_unchanged(
    tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / ".coverage.h.pid1.Xaaaaaax"
    make(path)
    before = path.read_bytes()
    with pytest.raises(CovtasksError) as excinfo:
        inspect_data_file(path)
    assert str(excinfo.value).startswith(f"{path}: {message}")
    # coverage.py writes its schema into an empty database it opens: it must not here.
    assert path.read_bytes() == before


def test_inspect_refuses_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / ".coverage.h.pid1.Xaaaaaax"
    with pytest.raises(CovtasksError) as excinfo:
        inspect_data_file(path)
    assert str(excinfo.value).startswith(f"{path}: cannot read coverage data: ")
    assert not path.exists()


# --- pids_of / missing_workers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "pids"),
    [
        pytest.param([".coverage.host.pid123.Xabcdefx"], {123}, id="one"),
        pytest.param(
            [".coverage.h.pid1.Xaaaaaax", ".coverage.h.pid22.Xbbbbbbx", ".coverage.h.pid1.Xcx"],
            {1, 22},
            id="several-and-duplicate",
        ),
        pytest.param([".coverage.build.example.com.pid7.Xabcdefx"], {7}, id="dotted-host"),
        pytest.param([".coverage.h.pid7.Xabcdefx.H0123abcdh"], {7}, id="with-hash"),
        pytest.param([".coverage.vm.8593.XYcMIgxx"], {8593}, id="coverage-7.10-name"),
        pytest.param([".coverage.10.0.0.5.42.Xabcdefx"], {42}, id="coverage-7.10-dotted-host"),
        pytest.param([".coverage", ".coverage.myhost.Xabcdefx"], set(), id="no-pid"),
        pytest.param([".coverage.h.pidX.Xabcdefx"], set(), id="pid-not-a-number"),
        pytest.param([], set(), id="none"),
    ],
)
def test_pids_of(names: list[str], pids: set[int]) -> None:
    assert pids_of(Path("/staging") / n for n in names) == pids


GW0 = Worker("gw0", 100, 5)
GW1 = Worker("gw1", 101, 3)
IDLE = Worker("gw2", 102, 0)


def data_names(*pids: int) -> list[Path]:
    return [Path(f".coverage.host.pid{pid}.Xabcdefx") for pid in pids]


@pytest.mark.parametrize(
    ("workers", "files", "missing"),
    [
        pytest.param([GW0, GW1], data_names(100, 101), [], id="all-present"),
        pytest.param([GW0, GW1], data_names(100), [GW1], id="one-missing"),
        pytest.param([GW0, GW1], data_names(999), [GW0, GW1], id="only-a-stranger"),
        pytest.param([GW0, IDLE], data_names(100), [], id="idle-worker-not-required"),
        pytest.param([GW0], data_names(100, 555, 556), [], id="subprocess-files-extra"),
        pytest.param([], data_names(555), [], id="no-xdist"),
        pytest.param([GW0, GW1], [Path(".coverage.a"), Path(".coverage.b")], [], id="count-ok"),
        pytest.param([GW0, GW1], [Path(".coverage.a")], [GW1], id="count-one-short"),
        pytest.param([IDLE, GW0], [Path(".coverage.a")], [], id="count-ignores-idle"),
    ],
)
def test_missing_workers(workers: list[Worker], files: list[Path], missing: list[Worker]) -> None:
    assert missing_workers(workers, files) == missing


# --- check_complete / check_consistent -------------------------------------------------


def test_check_complete_without_any_data() -> None:
    with pytest.raises(CovtasksError) as excinfo:
        check_complete([GW0], [], "staging")
    assert str(excinfo.value) == (
        "staging: the test run wrote no coverage data at all: is coverage installed in the "
        "interpreter that ran pytest?"
    )


def test_check_complete_names_the_missing_worker() -> None:
    with pytest.raises(CovtasksError) as excinfo:
        check_complete([GW0, GW1, IDLE], data_names(100), "staging")
    message = str(excinfo.value)
    assert message.startswith(
        "staging: xdist worker(s) ran tests but wrote no coverage data: gw1 (pid 101, 3 tests); "
    )
    assert "gw0" not in message
    assert "gw2" not in message


@pytest.mark.parametrize(
    ("workers", "files"),
    [
        pytest.param([GW0, GW1], data_names(100, 101), id="xdist"),
        pytest.param([], data_names(100), id="no-xdist"),
    ],
)
def test_check_complete_accepts_a_complete_run(workers: list[Worker], files: list[Path]) -> None:
    check_complete(workers, files, "staging")


def info(name: str, branch: bool, measured: int = 1) -> DataFileInfo:
    return DataFileInfo(Path("/staging") / name, branch, measured)


@pytest.mark.parametrize(
    "infos",
    [
        pytest.param([], id="nothing"),
        pytest.param([info("a", True), info("b", True)], id="all-branch"),
        pytest.param([info("a", False), info("b", False)], id="all-lines"),
        pytest.param([info("a", True), info("b", False, 0)], id="branch-and-empty-lines"),
        pytest.param([info("a", False), info("b", True, 0)], id="lines-and-empty-branch"),
        pytest.param([info("a", True, 0), info("b", False, 0)], id="both-empty"),
    ],
)
def test_check_consistent_accepts(infos: list[DataFileInfo]) -> None:
    check_consistent(infos)


def test_check_consistent_rejects_branch_with_line_data() -> None:
    infos = [info("a", True), info("b", False), info("c", True), info("d", False, 0)]
    with pytest.raises(CovtasksError) as excinfo:
        check_consistent(infos)
    assert str(excinfo.value) == (
        f"{Path('/staging')}: cannot combine branch data with line-only data: "
        "branch in a, c; line-only in b"
    )


def test_check_consistent_on_real_files(tmp_path: Path) -> None:
    infos = [
        inspect_data_file(arc_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")),
        inspect_data_file(line_file(tmp_path / ".coverage.h.pid2.Xbbbbbbx")),
    ]
    with pytest.raises(CovtasksError, match="cannot combine branch data with line-only data"):
        check_consistent(infos)


@pytest.mark.parametrize(
    ("make", "empty_branch"),
    [
        pytest.param(arc_file, False, id="branch-and-empty-lines"),
        pytest.param(line_file, True, id="lines-and-empty-branch"),
    ],
)
def test_check_consistent_accepts_real_empty_files(
    tmp_path: Path, make: Callable[[Path], Path], empty_branch: bool
) -> None:
    empty = inspect_data_file(empty_file(tmp_path / ".coverage.h.pid2.Xbx", empty_branch))
    assert (empty.branch, empty.measured) == (empty_branch, 0)
    check_consistent([inspect_data_file(make(tmp_path / ".coverage.h.pid1.Xax")), empty])


# --- combine_files ---------------------------------------------------------------------


def new_coverage(tmp_path: Path) -> tuple[coverage.Coverage, Path]:
    out = tmp_path / "out" / ".coverage"
    out.parent.mkdir()
    cov = coverage.Coverage(data_file=str(out), config_file=False)
    OPENED_COVERAGE.append(cov)
    return cov, out


def test_combine_files_gives_the_union_of_lines(tmp_path: Path) -> None:
    a = line_file(tmp_path / ".coverage.h.pid1.Xaaaaaax", {"/x/a.py": [1, 2]})
    b = line_file(tmp_path / ".coverage.h.pid2.Xbbbbbbx", {"/x/a.py": [2, 3], "/x/b.py": [5]})
    cov, out = new_coverage(tmp_path)
    combine_files(cov, [a, b])
    assert read_lines(out) == {"/x/a.py": [1, 2, 3], "/x/b.py": [5]}
    assert a.is_file()
    assert b.is_file()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_zero_bytes, id="zero-bytes"),
        pytest.param(_text, id="text-file"),
        pytest.param(_truncated, id="truncated"),
    ],
)
def test_combine_files_refuses_a_corrupt_input(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    good = line_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    bad = tmp_path / ".coverage.h.pid2.Xbbbbbbx"
    make(bad)
    good_bytes, bad_bytes = good.read_bytes(), bad.read_bytes()
    cov, out = new_coverage(tmp_path)
    with pytest.raises(CovtasksError) as excinfo:
        combine_files(cov, [good, bad])
    assert str(excinfo.value).startswith(f"{bad}: ")
    assert good.read_bytes() == good_bytes
    assert bad.read_bytes() == bad_bytes
    assert not out.exists()


def test_combine_files_refuses_mixed_branch_and_line_data(tmp_path: Path) -> None:
    a = arc_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    b = line_file(tmp_path / ".coverage.h.pid2.Xbbbbbbx")
    cov, out = new_coverage(tmp_path)
    with pytest.raises(CovtasksError, match="cannot combine branch data with line-only data"):
        combine_files(cov, [a, b])
    assert not out.exists()


def test_combine_files_turns_a_coverage_error_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise DataError("Couldn't combine:\n    disk full")

    a = line_file(tmp_path / ".coverage.h.pid1.Xaaaaaax")
    cov, _ = new_coverage(tmp_path)
    monkeypatch.setattr(cov, "combine", fail)
    with pytest.raises(CovtasksError) as excinfo:
        combine_files(cov, [a])
    assert str(excinfo.value) == "combining coverage data failed: Couldn't combine: disk full"


def test_abandoned_staging_dirs_are_removed(tmp_path: Path) -> None:
    """A run killed with SIGKILL leaves run-PID-XXXX behind; the next run removes it."""
    from covtasks.measure import make_staging

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    abandoned = tmp_path / ".covtasks" / f"run-{dead.stdout.strip()}-abc"
    abandoned.mkdir(parents=True)
    live = tmp_path / ".covtasks" / f"run-{os.getpid()}-xyz"
    live.mkdir()
    make_staging(tmp_path)
    assert (abandoned.exists(), live.exists()) == (False, True)
