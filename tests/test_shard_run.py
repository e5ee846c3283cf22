"""Real sharded runs: ``run --job ID --shard K/N`` jobs, then ``combine`` proving that the
shards ran every test of the suite exactly once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from coverage import CoverageData

from covtasks.report import COMBINED_DATA
from covtasks.shard import expand
from tests.helpers import BASIC_FILES, Project, run_cli

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"
DURATIONS = "tests/coverage_reports/durations.json"


def measured(p: Project) -> dict[str, tuple[list[int], list[tuple[int, int]]]]:
    """Each measured file's lines and arcs in the data covtasks kept."""
    data = CoverageData(basename=str(p.path(str(COMBINED_DATA))))
    data.read()
    try:
        return {
            f: (sorted(data.lines(f) or []), sorted(data.arcs(f) or []))
            for f in data.measured_files()
        }
    finally:
        data.close(force=True)


def shard_job(p: Project, job: str, part: str, out: Path, *args: str) -> str:
    result = p.run("run", "--job", job, "--shard", part, "--job-dir", str(out), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def manifest(out: Path, job: str) -> Any:
    return json.loads((out / job / "manifest.json").read_text())


def test_shards_combined_equal_an_unsharded_run(project: ProjectFactory) -> None:
    p = project()
    whole = p.run("run")
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert f"durations: {DURATIONS}" in whole.stdout
    unsharded = measured(p)
    timed = json.loads(p.path(DURATIONS).read_text())["durations"]
    assert len(timed) == 5

    out = p.path("coverage-jobs")
    said = [shard_job(p, f"py-shard{k}", f"{k}/3", out) for k in (1, 2, 3)]
    assert all("split by recorded durations (5 of 5 tests known)" in s for s in said)
    ran = [manifest(out, f"py-shard{k}")["shard"] for k in (1, 2, 3)]
    assert sorted(i for r in ran for i in expand(r["ran"])) == [0, 1, 2, 3, 4]
    assert {r["selection"]["count"] for r in ran} == {5}

    p.path(DURATIONS).unlink()
    combined = p.run("combine", "--expect", "py-shard{1..3}")
    assert combined.returncode == 0, combined.stdout + combined.stderr
    assert measured(p) == unsharded
    suite = json.loads(p.path(METRICS).read_text())["covtasks"]["suite"]
    assert (suite["collected"], suite["passed"]) == (5, 5)
    assert set(json.loads(p.path(DURATIONS).read_text())["durations"]) == set(timed)


def test_a_shard_dealt_no_test_is_a_job_that_ran_nothing(project: ProjectFactory) -> None:
    # More shards than test files (here: -k keeps one file): the split leaves shards
    # empty; each is a job that ran its part, not an unstable suite (pytest says 5).
    p = project()  # with xdist: the workers deselect, the controller reports
    out = p.path("coverage-jobs")
    said = [shard_job(p, f"py-shard{k}", f"{k}/3", out, "-k", "gov") for k in (1, 2, 3)]
    ran = [len(expand(manifest(out, f"py-shard{k}")["shard"]["ran"])) for k in (1, 2, 3)]
    assert sum(ran) == 2, said
    assert 0 in ran, said
    assert all(manifest(out, f"py-shard{k}")["suite"]["stable"] for k in (1, 2, 3))
    combined = p.run("combine", "--expect", "py-shard{1..3}")
    # Combined and published; only the thresholds fail (-k gov measured little).
    assert combined.returncode == 1, combined.stdout + combined.stderr
    assert "covtasks: combined 3 job(s): py-shard1, py-shard2, py-shard3" in combined.stdout
    suite = json.loads(p.path(METRICS).read_text())["covtasks"]["suite"]
    assert (suite["collected"], suite["passed"], suite["stable"]) == (2, 2, True)


def test_a_shard_of_an_empty_selection_is_still_no_tests(project: ProjectFactory) -> None:
    p = project()
    result = p.run("run", "--job", "py-shard1", "--shard", "1/2", "-k", "no_such_test")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "no tests were collected" in result.stdout


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """Shard jobs of the basic project (no xdist): a whole suite in two shards, shard 2
    again with a narrower selection, and a shard of the suite cut in three."""
    root = tmp_path_factory.mktemp("shards")
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 0")
    p = Project(root / "proj").write({**BASIC_FILES, "pyproject.toml": toml})
    p.path(DURATIONS).parent.mkdir(parents=True)
    p.path(DURATIONS).write_text('{"tests/gone.py::test_x": 1.0}')  # stale
    jobs = root / "jobs"
    said = shard_job(p, "py-shard1", "1/2", jobs / "whole")
    assert "(split by test files: the durations file is stale (it knows 0 of 5" in said
    shard_job(p, "py-shard2", "2/2", jobs / "whole")
    shard_job(p, "py-shard2", "2/2", jobs / "narrow", "-k", "not epi")
    shard_job(p, "py-shard2", "2/3", jobs / "thirds")
    return p, jobs


def combine(p: Project, jobs: Path, *dirs: str, expect: str = "any") -> tuple[int, str]:
    here = p.path("combining")
    shutil.rmtree(here, ignore_errors=True)
    for i, name in enumerate(dirs):
        shutil.copytree(jobs / name, here / str(i) / Path(name).name)
    result = p.run("combine", *(str(here / str(i)) for i in range(len(dirs))), "--expect", expect)
    assert result.returncode == 0 or result.stderr.count("\n") == 1, result.stderr
    return result.returncode, result.stderr


def test_a_missing_shard_is_refused(shards: tuple[Project, Path]) -> None:
    code, err = combine(*shards, "whole/py-shard1")
    assert code == 2
    assert "suite 'py-shard': missing shard(s) 2/2" in err


def test_a_shard_run_twice_is_refused(shards: tuple[Project, Path]) -> None:
    code, err = combine(*shards, "whole/py-shard1", "whole/py-shard2", "whole/py-shard2")
    assert code == 2
    assert "suite 'py-shard': shard 2/2 ran more than once (jobs py-shard2, py-shard2)" in err


def test_a_shard_with_a_narrower_selection_is_refused(shards: tuple[Project, Path]) -> None:
    code, err = combine(*shards, "whole/py-shard1", "narrow/py-shard2")
    assert code == 2
    assert (
        "suite 'py-shard': shard 2/2 (job py-shard2) collected a different selection "
        "(3 tests, the others 5): 2 missing from it: tests/test_epi.py::test_segment[1-3], "
        "tests/test_epi.py::test_segment[10-1]"
    ) in err


def test_shards_of_differently_cut_suites_are_refused(shards: tuple[Project, Path]) -> None:
    code, err = combine(*shards, "whole/py-shard1", "thirds/py-shard2", expect="py-shard{1..2}")
    assert code == 2
    assert "its shards disagree on the number of shards: py-shard1=1/2, py-shard2=2/3" in err


def test_the_whole_suite_combines(shards: tuple[Project, Path]) -> None:
    code, err = combine(*shards, "whole/py-shard1", "whole/py-shard2", expect="2")
    assert (code, err) == (0, "")
    suite = json.loads(shards[0].path(METRICS).read_text())["covtasks"]["suite"]
    assert (suite["collected"], suite["passed"], suite["jobs"]) == (5, 5, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--job", "s1", "--shard", "0/3"), "--shard: shard '0/3': K must be from 1 to N"),
        (("--job", "s4", "--shard", "4/3"), "--shard: shard '4/3': K must be from 1 to N"),
        (("--job", "s1", "--shard", "x/3"), "--shard: expected K/N (e.g. 2/4), got 'x/3'"),
        (("--shard", "1/3"), "--shard: --shard needs --job ID: a shard is one CI job"),
        (("--job", "py313", "--shard", "2/3"), "--shard: job id 'py313' must end its numbers"),
    ],
)
def test_bad_shard_values_exit_2_before_any_test(
    project: ProjectFactory, args: tuple[str, ...], message: str
) -> None:
    p = project()
    result = run_cli(p.root, "run", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"covtasks: error: {message}")
    assert result.stderr.count("\n") == 1
    assert not p.path(".covtasks").exists()


@pytest.mark.parametrize("args", [(), ("--job", "s1", "--shard", "1/2")], ids=["run", "shard"])
def test_a_malformed_durations_file_exits_2_before_any_test(
    project: ProjectFactory, args: tuple[str, ...]
) -> None:
    p = project(extra={DURATIONS: '{"format": 1, "durations": {"t": "slow"}}'})
    result = run_cli(p.root, "run", *args)
    assert result.returncode == 2
    assert result.stderr == (
        f"covtasks: error: {p.path(DURATIONS)}: "
        "durations['t'] is not a number of seconds from 0 to 1e+09\n"
    )
    assert not p.path(".covtasks").exists()


def test_a_durations_directory_exits_2_before_any_test(project: ProjectFactory) -> None:
    p = project()
    p.path(DURATIONS).mkdir(parents=True)
    result = run_cli(p.root, "run")
    assert result.returncode == 2
    assert result.stderr == (
        f"covtasks: error: {p.path(DURATIONS)}: is a directory, expected a file path for "
        "durations\n"
    )


def test_nox_coverage_session_runs_one_shard(project: ProjectFactory) -> None:
    noxfile = 'import covtasks.nox\n\ncovtasks.nox.install(venv_backend="none")\n'
    p = project(extra={"noxfile.py": noxfile})
    result = p.module("nox", "-s", "coverage", "--", "--job", "py-shard2", "--shard", "2/2")
    assert result.returncode == 0, result.stdout + result.stderr
    ran = manifest(p.path("coverage-jobs"), "py-shard2")["shard"]
    assert (ran["index"], ran["count"], ran["group"]) == (2, 2, "py-shard")
    assert 0 < len(expand(ran["ran"])) < 5
