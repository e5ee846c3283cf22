"""The fuzzer: every reader of a file covtasks did not write, fed structured garbage.

The property, for every input: the reader returns a valid result, or refuses with a
:class:`CovtasksError` that is one line (exit status 2), and no file changed. Any other
exception is a finding. Readers are called in-process, for speed; test_process.py
checks the "no traceback" end through the real ``python -m covtasks``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import coverage
from hypothesis import given
from hypothesis import strategies as st

from covtasks import (
    combine,
    covconfig,
    diffcov,
    durations,
    jobs,
    matrix,
    metrics,
    release,
    report,
    shard,
    shardcheck,
    shardrun,
    trend,
)
from covtasks.config import load_config
from covtasks.errors import EXIT_BAD_INPUT, CovtasksError
from covtasks.gitinfo import commit_override
from tests.bad_input.corpus import environment
from tests.fuzz.garbage import (
    damaged,
    json_values,
    mutated,
    texts,
    to_json,
    to_toml,
    toml_values,
)

T = TypeVar("T")


# --- the property ---------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, str]:
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink() or name in dirnames:
                state[key] = "link" if path.is_symlink() else "dir"
            else:
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def refused_or_valid(root: Path, read: Callable[[], T]) -> T | None:
    """``read()``'s result, or None when it refused the input with one line; nothing
    under ``root`` may change either way. Any other exception propagates: a finding."""
    before = snapshot(root)
    try:
        result: T | None = read()
    except CovtasksError as exc:  # the refusal itself is checked, not only its type
        line = exc.line()  # what the CLI prints
        assert len(line.splitlines()) == 1, line
        assert exc.exit_code == EXIT_BAD_INPUT  # noqa: PT017
        result = None
    assert snapshot(root) == before, "a reader changed a file"
    return result


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="covtasks-fuzz-") as name:
        yield Path(name)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        # Text that is not valid UTF-8 (lone surrogates) goes to the file as such.
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    return path


def as_text(doc: str | bytes) -> str | bytes:
    return doc


# --- pyproject.toml and coverage's configuration ---------------------------------------------

PYPROJECT: dict[str, Any] = {
    "tool": {
        "covtasks": {
            "source": ["pkg"],
            "tests": ["tests"],
            "workers": 2,
            "fail_under": 50,
            "precision": 2,
            "branch": True,
            "trend": "build/trend.json",
            "metrics": "build/metrics.json",
            "expected_jobs": ["a", "b"],
            "stable": {
                "reruns": 1,
                "max_flaky": 3,
                "quarantine": [{"id": "tests/test_a.py::test_a", "reason": "db"}],
            },
            "domains": {"gov": {"paths": ["pkg/gov/**"], "fail_under": 50, "tolerance": 1}},
        },
        "coverage": {"run": {"branch": True, "source": ["pkg"], "omit": ["*/x.py"]}},
        "pytest": {"ini_options": {"testpaths": ["tests"]}},
    }
}


def project(root: Path, pyproject: str | bytes) -> Path:
    write(root / "pkg" / "__init__.py", "")
    write(root / "pkg" / "gov" / "rules.py", "x = 1\n")
    write(root / "pyproject.toml", pyproject)
    return root


@given(mutated(PYPROJECT, toml_values))
def test_pyproject_with_wrong_types_and_deep_nesting(doc: dict[str, Any]) -> None:
    with scratch() as root:
        project(root, to_toml(doc))
        refused_or_valid(root, lambda: load_config(root))


@given(damaged(to_toml(PYPROJECT).encode()))
def test_pyproject_truncated_and_bit_flipped(data: bytes) -> None:
    with scratch() as root:
        project(root, data)
        refused_or_valid(root, lambda: load_config(root))


COVERAGERC = b"[run]\nbranch = true\nsource =\n    pkg\n[report]\nprecision = 2\n"


@given(st.sampled_from([".coveragerc", "setup.cfg", "tox.ini"]), damaged(COVERAGERC))
def test_coverage_config_files_damaged(name: str, data: bytes) -> None:
    if name != ".coveragerc":
        data = data.replace(b"[run]", b"[coverage:run]").replace(b"[report]", b"[coverage:x]")
    with scratch() as root:
        write(root / name, data)
        refused_or_valid(root, lambda: covconfig.read_coverage_settings(root))


# --- the trend ----------------------------------------------------------------------------

TREND: dict[str, Any] = {
    "format": 1,
    "baselines": [
        {"date": "2026-01-01", "overall": 80.5, "governance": 70},
        {
            "date": "2026-02-01",
            "timestamp": "2026-02-01T10:00:00+00:00",
            "commit": "0123abcd",
            "overall": 81.25,
            "domains": {"governance": 72.0, "security": 90},
            "flaky": 1,
        },
    ],
}


def read_trend(path: Path) -> Any:
    entries = trend.load_entries(path)
    # What the commands do with accepted entries must hold as well.
    history = trend.baselines(entries)
    trend.merge(
        entries,
        trend.make_entry(
            date="2026-03-01", timestamp="t", commit="abc", overall=1.0, domains={}, flaky=0
        ),
    )
    from covtasks import trendview

    rows = trendview.rows(history, 10, 2)
    trendview.table(rows)
    trendview.markdown_table(rows)
    return entries


@given(mutated(TREND, json_values))
def test_trend_with_any_json_anywhere(doc: Any) -> None:
    with scratch() as root:
        path = write(root / "trend.json", to_json(doc))
        refused_or_valid(root, lambda: read_trend(path))


@given(damaged(to_json(TREND).encode()))
def test_trend_truncated_and_bit_flipped(data: bytes) -> None:
    with scratch() as root:
        path = write(root / "trend.json", data)
        refused_or_valid(root, lambda: read_trend(path))


# --- metrics ---------------------------------------------------------------------------------

METRICS: dict[str, Any] = {
    "meta": {"format": 3, "version": "7.10.3", "branch_coverage": True},
    "files": {
        "pkg/gov/rules.py": {
            "executed_lines": [1, 2],
            "missing_lines": [3],
            "summary": {"percent_covered": 66.0},
        }
    },
    "totals": {"percent_covered": 84.0, "covered_lines": 2},
    "covtasks": {
        "format": 1,
        "commit": "0123abcd",
        "dirty": False,
        "completeness": "checked",
        "domains": {"gov": {"percent_covered": 80.0, "fail_under": 50}},
        "suite": {
            "stable": True,
            "passed": 3,
            "flaky": [{"nodeid": "t::a", "first": "failed", "rerun": "passed"}],
            "quarantined_failed": [],
            "quarantined_passed": ["t::b"],
        },
        "jobs": [{"id": "a"}],
    },
}


def read_metrics(path: Path) -> Any:
    figures = refused_or_valid(path.parent, lambda: release.read_metrics(path))
    refused_or_valid(path.parent, lambda: diffcov.load_report(path))
    # The lenient reader (report's previous run) never refuses.
    report.previous_run(path)
    metrics.Recorded.from_json(None)
    return figures


@given(mutated(METRICS, json_values))
def test_metrics_with_any_json_anywhere(doc: Any) -> None:
    with scratch() as root:
        path = write(root / "metrics.json", to_json(doc))
        read_metrics(path)


@given(damaged(to_json(METRICS).encode()))
def test_metrics_truncated_and_bit_flipped(data: bytes) -> None:
    with scratch() as root:
        path = write(root / "metrics.json", data)
        read_metrics(path)


# --- the durations file ------------------------------------------------------------------

DURATIONS: dict[str, Any] = {"format": 1, "durations": {"t.py::a": 0.25, "t.py::b": 2}}


def read_durations(path: Path) -> Any:
    timed = durations.read(path)
    if timed is not None:  # what `run --shard` does with them
        shard.plan(sorted(timed), 3, timed)
    return timed


@given(st.one_of(mutated(DURATIONS, json_values), mutated(DURATIONS["durations"], json_values)))
def test_durations_with_any_json_anywhere(doc: Any) -> None:
    with scratch() as root:
        path = write(root / "durations.json", to_json(doc))
        refused_or_valid(root, lambda: read_durations(path))


@given(damaged(to_json(DURATIONS).encode()))
def test_durations_truncated_and_bit_flipped(data: bytes) -> None:
    with scratch() as root:
        path = write(root / "durations.json", data)
        refused_or_valid(root, lambda: read_durations(path))


# --- job manifests and coverage data files -------------------------------------------------

_DATA: dict[str, bytes] = {}


def valid_data() -> bytes:
    """A real coverage data file (branch data of one file), made once."""
    if "db" not in _DATA:
        with scratch() as root:
            data = coverage.CoverageData(basename=str(root / "coverage.db"))
            data.add_arcs({str(root / "pkg" / "a.py"): {(-1, 1), (1, 2), (2, -1)}})
            data.write()
            data.close(force=True)
            _DATA["db"] = (root / "coverage.db").read_bytes()
    return _DATA["db"]


MANIFEST: dict[str, Any] = {
    "format": 1,
    "job": "a",
    "created": "2026-11-27T10:00:00+00:00",
    "commit": "0123456789abcdef",
    "dirty": False,
    "root": "/home/ci/project",
    "source": ["pkg"],
    "branch": True,
    "core": "ctrace",
    "python": {"version": "3.12.0", "implementation": "CPython"},
    "platform": "linux",
    "machine": "x86_64",
    "versions": {"covtasks": "0", "coverage": "7.10.3"},
    "suite": {
        "stable": True,
        "collected": 6,
        "passed": 6,
        "flaky": [],
        "reasons": [],
        "quarantined_failed": [],
        "quarantined_passed": [],
    },
    "data_file": "coverage.db",
    "data_files_combined": 2,
    "durations": {"t.py::a": 0.5, "t.py::b": 1},
    "shard": shard.ShardRecord(1, 1, "suite", "files", ("t.py::a", "t.py::b"), (0, 1)).to_json(),
}


def read_jobs(job_dir: Path) -> Any:
    found = jobs.find_jobs([job_dir])
    jobs.problems(found, "any")
    jobs.problems(found, ("a", "b"))
    jobs.problems(found, 2)
    shardcheck.problems(shardcheck.records(found))
    timed = shardrun.jobs_durations(found)
    shard.plan(sorted(timed), 2, timed)
    matrix.combined_suite(found)
    jobs.path_aliases(job_dir.parent, found)
    for job in found:
        job.summary()
        # An accepted manifest never points outside its own directory.
        assert job.data_file.parent == job.dir, job.data_file
        assert job.dir.name == job.id
        if job.data_file.exists():
            combine.inspect_data_file(job.data_file)
    return found


def job_tree(root: Path, manifest: str | bytes, data: bytes | None = None) -> Path:
    job_dir = root / "coverage-jobs"
    write(job_dir / "a" / "manifest.json", manifest)
    write(job_dir / "a" / "coverage.db", valid_data() if data is None else data)
    write(root / "outside" / "coverage.db", valid_data())
    return job_dir


@given(mutated(MANIFEST, json_values))
def test_manifest_with_any_json_anywhere(doc: Any) -> None:
    with scratch() as root:
        job_dir = job_tree(root, to_json(doc))
        refused_or_valid(root, lambda: read_jobs(job_dir))


@given(damaged(to_json(MANIFEST).encode()))
def test_manifest_truncated_and_bit_flipped(data: bytes) -> None:
    with scratch() as root:
        job_dir = job_tree(root, data)
        refused_or_valid(root, lambda: read_jobs(job_dir))


@given(st.data())
def test_data_file_truncated_and_bit_flipped(data: st.DataObject) -> None:
    damaged_db = data.draw(damaged(valid_data()))
    with scratch() as root:
        job_dir = job_tree(root, to_json(MANIFEST), damaged_db)
        refused_or_valid(root, lambda: read_jobs(job_dir))


# --- the command line and the environment -------------------------------------------------

ids = st.one_of(texts, st.text(st.sampled_from("ab{},.=+-_/ 09"), max_size=40))


def parse_expect(text: str) -> Any:
    found = jobs.parse_expect(text)
    if isinstance(found, tuple):
        assert 1 <= len(found) <= jobs.MAX_EXPECTED
        for job_id in found:
            jobs.check_job_id(job_id)
    return found


@given(ids)
def test_expect_patterns(text: str) -> None:
    with scratch() as root:
        refused_or_valid(root, lambda: parse_expect(text))


def job_target(root: Path, job_id: str) -> Path:
    jobs.check_job_id(job_id)
    target = (root / "coverage-jobs" / job_id).resolve()
    assert target.parent == (root / "coverage-jobs").resolve(), target
    return target


@given(ids)
def test_job_ids(job_id: str) -> None:
    with scratch() as root:
        refused_or_valid(root, lambda: job_target(root, job_id))


ENV_READERS: Mapping[str, Callable[[Path], object]] = {
    "COVTASKS_COMMIT": lambda root: commit_override(),
    "COVERAGE_RCFILE": lambda root: covconfig.read_coverage_settings(root),
    "COVTASKS_JOB": lambda root: jobs.check_job_id(os.environ["COVTASKS_JOB"], "$COVTASKS_JOB"),
}


@given(st.sampled_from(sorted(ENV_READERS)), texts.filter(lambda t: "\x00" not in t))
def test_environment_variables(name: str, value: str) -> None:
    with scratch() as root:
        write(root / "pyproject.toml", "")
        with environment({name: value}):
            refused_or_valid(root, lambda: ENV_READERS[name](root))
