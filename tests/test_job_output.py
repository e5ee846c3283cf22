"""``run --job``'s output directory is replaced whole and all or nothing (issue 17).

A rerun of a job replaces its directory: nothing of the old run survives beside the
new manifest (a stale data file would be combined as the new run's). A write that
fails (a real file-size limit, as on a full disk) leaves the old directory byte for
byte as it was and no temp directory behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from covtasks.errors import CovtasksError
from covtasks.jobs import DATA, MANIFEST, write_job
from covtasks.metrics import JobManifest
from covtasks.suites import Suite

resource = pytest.importorskip("resource")

REPO = Path(__file__).resolve().parent.parent
SUITE = {"stable": True, "passed": 1, "failed": 0, "errors": 0, "skipped": 0}


def make_manifest(job: str) -> JobManifest:
    return JobManifest(
        job=job,
        created="2026-01-01T00:00:00+00:00",
        commit=None,
        dirty=False,
        root="/ci/proj",
        source=("pkg",),
        branch=True,
        core="ctrace",
        python_version="3.11.7",
        python_implementation="CPython",
        platform="linux",
        machine="x86_64",
        versions={"covtasks": "1"},
        suite=Suite.from_json(SUITE, "test"),
        data_file=DATA,
        data_files_combined=1,
    )


def contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_a_rerun_replaces_the_job_directory_whole(tmp_path: Path) -> None:
    data = tmp_path / "staged.db"
    data.write_bytes(b"old data")
    job = tmp_path / "jobs" / "j1"
    write_job(job, make_manifest("j1"), data)
    (job / "stray.txt").write_text("from the old run", encoding="utf-8")
    assert sorted(contents(job)) == [DATA, MANIFEST, "stray.txt"]
    write_job(job, make_manifest("j1"), None)  # an unstable rerun measures nothing
    assert sorted(contents(job)) == [MANIFEST]
    assert json.loads((job / MANIFEST).read_bytes())["job"] == "j1"
    assert sorted(p.name for p in job.parent.iterdir()) == ["j1"]


def test_a_job_data_file_that_cannot_be_read_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "staged.db"
    data.write_bytes(b"old data")
    job = tmp_path / "jobs" / "j1"
    write_job(job, make_manifest("j1"), data)
    before = contents(job)
    with pytest.raises(CovtasksError, match="cannot write the job output") as caught:
        write_job(job, make_manifest("j1"), tmp_path / "missing.db")
    assert caught.value.where == str(job)
    assert contents(job) == before
    assert sorted(p.name for p in job.parent.iterdir()) == ["j1"]


# Under a real file-size limit (SIGXFSZ ignored, so the write fails with EFBIG as on a
# full disk), replaces the job directory argv[2] with the data file argv[3].
LIMITED_WRITE = """
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from covtasks.errors import CovtasksError
from covtasks.jobs import write_job
from tests.test_job_output import make_manifest
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
try:
    write_job(Path(sys.argv[2]), make_manifest("j1"), Path(sys.argv[3]))
except CovtasksError as exc:
    print(exc.where, exc.message, sep=": ")
    sys.exit(2)
"""


def test_a_job_output_write_fault_leaves_the_old_job_as_it_was(tmp_path: Path) -> None:
    if resource.getrlimit(resource.RLIMIT_FSIZE)[1] != resource.RLIM_INFINITY:
        pytest.skip("the file-size limit cannot be raised back here")
    job = tmp_path / "jobs" / "j1"
    small = tmp_path / "small.db"
    small.write_bytes(b"old data")
    write_job(job, make_manifest("j1"), small)
    before = contents(job)
    big = tmp_path / "big.db"
    big.write_bytes(b"x" * 200_000)
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_WRITE, "100000", str(job), str(big), str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == f"{job}: cannot write the job output: File too large\n"
    assert contents(job) == before
    assert sorted(p.name for p in job.parent.iterdir()) == ["j1"]
