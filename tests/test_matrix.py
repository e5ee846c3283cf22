"""CI matrix: job mode, manifests, and a complete, remapped combine."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from covtasks import jobs, matrix
from covtasks.config import load_config
from covtasks.errors import CovtasksError
from covtasks.measure import measurement_core
from tests.helpers import BASIC_FILES, Project, cli_env, run_cli, write_job

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("py39", ["py39"]),
        ("py{39,313}", ["py39", "py313"]),
        ("py{39,313}-{linux,mac}", ["py39-linux", "py39-mac", "py313-linux", "py313-mac"]),
        ("{a}", ["a"]),
        (
            "py{3.9,3.13}-shard{1..2}",
            ["py3.9-shard1", "py3.9-shard2", "py3.13-shard1", "py3.13-shard2"],
        ),
        ("s{3..1}", ["s3", "s2", "s1"]),
        ("s{01..2}", ["s1", "s2"]),
    ],
)
def test_expand_braces(text: str, expected: list[str]) -> None:
    assert jobs.expand_braces(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3),
        ("py39,py313", ("py39", "py313")),
        ("py{39,313}-linux,win", ("py39-linux", "py313-linux", "win")),
        (" a , b ", ("a", "b")),
        ("any", "any"),
    ],
)
def test_parse_expect(value: str, expected: int | tuple[str, ...]) -> None:
    assert jobs.parse_expect(value) == expected


@pytest.mark.parametrize("value", ["0", ",", ""])
def test_parse_expect_rejects_nothing(value: str) -> None:
    with pytest.raises(CovtasksError):
        jobs.parse_expect(value)


def fake_job(job_id: str, tmp: Path, **changes: Any) -> jobs.Job:
    manifest: dict[str, Any] = {
        "format": 1,
        "job": job_id,
        "root": "/ci/proj",
        "source": ["pkg"],
        "branch": True,
        "commit": "abc",
        "suite": {"stable": True},
        "data_file": "coverage.db",
    }
    manifest.update(changes)
    directory = tmp / job_id
    directory.mkdir(exist_ok=True)
    (directory / "coverage.db").write_bytes(b"x")
    return jobs.Job(job_id, directory, manifest)


@pytest.mark.parametrize(
    ("changes", "expect", "problem"),
    [
        ({}, 3, "expected 3 jobs, found 2: a, b"),
        ({}, ("a", "b", "c"), "missing job(s): c"),
        ({}, ("a",), "unexpected job(s): b"),
        (
            {"suite": {"stable": False, "reasons": ["setup errors: 2"]}},
            "any",
            "job 'b': the test suite was not stable (setup errors: 2)",
        ),
        ({"commit": "def"}, "any", "jobs measured different commits: a=abc, b=def"),
        (
            {"branch": False},
            "any",
            "branch and line-only jobs cannot be combined: a=branch, b=line",
        ),
        ({"source": ["src"]}, "any", "jobs measured different source roots: a=pkg; b=src"),
    ],
    ids=["count", "missing", "unexpected", "unstable", "commit", "branch-mix", "source-roots"],
)
def test_problems(tmp_path: Path, changes: dict[str, Any], expect: Any, problem: str) -> None:
    found = [fake_job("a", tmp_path), fake_job("b", tmp_path, **changes)]
    assert jobs.problems(found, expect) == [problem]


@pytest.mark.parametrize(
    ("a", "b", "failed", "passed"),
    [
        ({"quarantined_passed": ["t1"]}, {"quarantined_passed": ["t1"]}, [], ["t1"]),
        ({"quarantined_failed": ["t1"]}, {"quarantined_passed": ["t1"]}, ["t1"], []),
        ({"quarantined_passed": ["t1"]}, {"quarantined_failed": ["t1"]}, ["t1"], []),
        ({"quarantined_passed": ["t1"]}, {}, [], ["t1"]),
        (
            {"quarantined_passed": ["t1", "t2"]},
            {"quarantined_failed": ["t2"], "quarantined_passed": ["t3"]},
            ["t2"],
            ["t1", "t3"],
        ),
    ],
    ids=["passed-in-both", "failed-then-passed", "passed-then-failed", "ran-in-one", "mixed"],
)
def test_combined_quarantine(
    tmp_path: Path, a: dict[str, Any], b: dict[str, Any], failed: list[str], passed: list[str]
) -> None:
    found = [
        fake_job("a", tmp_path, suite={"stable": True, **a}),
        fake_job("b", tmp_path, suite={"stable": True, **b}),
    ]
    suite = matrix.combined_suite(found).to_json()
    assert (suite["quarantined_failed"], suite["quarantined_passed"]) == (failed, passed)


def test_combined_counts_sum_every_outcome(tmp_path: Path) -> None:
    counts = dict.fromkeys(matrix.SUITE_COUNTS, 1)
    found = [
        fake_job("a", tmp_path, suite={"stable": True, **counts}),
        fake_job("b", tmp_path, suite={"stable": True, **counts, "deselected": 4}),
    ]
    suite = matrix.combined_suite(found).to_json()
    assert {k: suite[k] for k in matrix.SUITE_COUNTS} == {
        **dict.fromkeys(matrix.SUITE_COUNTS, 2),
        "deselected": 5,
    }


def test_shards_of_one_suite_count_its_deselected_tests_once(tmp_path: Path) -> None:
    def shard(job_id: str, group: str, deselected: int) -> jobs.Job:
        suite = {"stable": True, "passed": 2, "deselected": deselected}
        return fake_job(job_id, tmp_path, suite=suite, shard={"group": group})

    found = [shard("a-1", "a-", 3), shard("a-2", "a-", 3), shard("b-1", "b-", 3)]
    found.append(fake_job("whole", tmp_path, suite={"stable": True, "deselected": 1}))
    suite = matrix.combined_suite(found)
    assert (suite.count("passed"), suite.count("deselected")) == (6, 7)


def test_a_malformed_suite_in_a_manifest_is_one_error_naming_it(tmp_path: Path) -> None:
    found = [
        fake_job("a", tmp_path),
        fake_job("b", tmp_path, suite={"stable": True, "flaky": ["t.py::x"]}),
    ]
    with pytest.raises(CovtasksError) as info:
        matrix.combined_suite(found)
    where = tmp_path / "b" / "manifest.json"
    assert str(info.value) == f"{where}: suite.flaky[0] is not a flaky test record"


def test_expect_any_checks_consistency_not_completeness(tmp_path: Path) -> None:
    found = [fake_job("a", tmp_path)]
    assert jobs.problems(found, "any") == []
    assert jobs.problems(found, 2) == ["expected 2 jobs, found 1: a"]


def test_duplicate_job_ids_are_named(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    found = [fake_job("a", tmp_path), fake_job("a", tmp_path / "x")]
    assert jobs.problems(found, "any")[0].startswith("job 'a' appears more than once")


def test_windows_roots_keep_their_separator(tmp_path: Path) -> None:
    found = [fake_job("w", tmp_path, root="C:\\a\\proj"), fake_job("l", tmp_path)]
    assert jobs.path_aliases(Path("/here"), found) == ["/here/", "C:\\a\\proj\\", "/ci/proj/"]


def test_unmapped_lists_foreign_paths(tmp_path: Path) -> None:
    measured = [str(tmp_path / "pkg/a.py"), "/ci/proj/pkg/b.py", "C:\\x\\c.py", "pkg/rel.py"]
    assert jobs.unmapped(measured, tmp_path) == ["/ci/proj/pkg/b.py", "C:\\x\\c.py"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "job manifest is not valid JSON"),
        ("[]", "job manifest is not a JSON object"),
        ('{"format": 1}', "job manifest lacks job, root, source, branch, suite, data_file"),
    ],
)
def test_bad_manifest(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "manifest.json").write_text(content)
    with pytest.raises(CovtasksError, match=message):
        jobs.read_job(tmp_path)


# --- real jobs --------------------------------------------------------------------


def run_job(p: Project, job: str, out: Path, *args: str, **env: str) -> None:
    result = p.run("run", "--job", job, "--job-dir", str(out), *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def two_checkouts(tmp_path: Path) -> tuple[Project, Project, Project]:
    """The basic project checked out three times: two CI machines and the combiner."""
    made = []
    for name in ("ci-a", "ci-b", "here"):
        made.append(Project(tmp_path / name).write(BASIC_FILES))
    return made[0], made[1], made[2]


def oracle(here: Project, data: list[Path], roots: list[Path]) -> dict[str, list[int]]:
    """Plain coverage.py: combine with an explicit [paths] map, then its JSON report."""
    rc = here.path("oracle.toml")
    paths = json.dumps([str(here.root) + "/", *(str(r) + "/" for r in roots)])
    rc.write_text(f"[tool.coverage.run]\nbranch = true\n[tool.coverage.paths]\nsource = {paths}\n")
    env = cli_env(None)
    data_file = str(here.path("oracle.coverage"))
    options = [f"--rcfile={rc}", f"--data-file={data_file}"]
    for cmd in (
        ["combine", *options, "--keep", *map(str, data)],
        ["json", *options, "-o", str(here.path("oracle.json"))],
    ):
        subprocess.run(
            [sys.executable, "-m", "coverage", *cmd],
            cwd=here.root,
            env=env,
            check=True,
            capture_output=True,
        )
    report = json.loads(here.path("oracle.json").read_text())
    return {f: v["executed_lines"] for f, v in report["files"].items()}


@pytest.mark.slow
def test_combined_jobs_equal_coverage_combine_with_paths(
    two_checkouts: tuple[Project, Project, Project],
) -> None:
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    run_job(a, "a", out, "-k", "gov or sec")
    run_job(b, "b", out, "-k", "epi")
    result = here.run("combine", "--expect", "a,b")
    assert result.returncode == 0, result.stdout + result.stderr
    metrics = json.loads(here.path(METRICS).read_text())
    assert metrics["covtasks"]["cores"] == [measurement_core(load_config(here.root))]
    ours = {f: v["executed_lines"] for f, v in metrics["files"].items()}
    data = [out / "a" / "coverage.db", out / "b" / "coverage.db"]
    assert ours == oracle(here, data, [a.root, b.root])


@pytest.mark.slow
def test_missing_job_is_named(two_checkouts: tuple[Project, Project, Project]) -> None:
    a, _, here = two_checkouts
    run_job(a, "py39", here.path("coverage-jobs"))
    result = here.run("combine", "--expect", "py{39,313}")
    assert result.returncode == 2
    assert "missing job(s): py313" in result.stderr


@pytest.mark.slow
def test_unstable_job_writes_a_manifest_and_blocks_combine(
    two_checkouts: tuple[Project, Project, Project],
) -> None:
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    run_job(a, "good", out)
    b.write({"tests/test_broken.py": "import nowhere\n"})
    assert b.run("run", "--job", "bad", "--job-dir", str(out)).returncode == 3
    result = here.run("combine", "--expect", "good,bad")
    assert "job 'bad': the test suite was not stable (collection/import errors: 1)" in result.stderr


QUARANTINED = {
    "tests/test_q.py": """
        import os

        def test_sometimes():
            assert os.environ.get("Q_FAILS") != "1"
        """,
    "pyproject.toml": BASIC_FILES["pyproject.toml"]
    + """
        [tool.covtasks.stable]
        quarantine = [{ id = "tests/test_q.py::test_sometimes", reason = "flaky on a" }]
        """,
}


@pytest.mark.slow
def test_quarantined_test_that_failed_in_one_job_is_not_released(
    two_checkouts: tuple[Project, Project, Project],
) -> None:
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    for checkout in (a, b, here):
        checkout.write(QUARANTINED)
    run_job(a, "a", out, Q_FAILS="1")
    run_job(b, "b", out)
    result = here.run("combine", "--expect", "a,b")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passes now" not in result.stdout
    suite = json.loads(here.path(METRICS).read_text())["covtasks"]["suite"]
    assert suite["quarantined_failed"] == ["tests/test_q.py::test_sometimes"]
    assert suite["quarantined_passed"] == []


@pytest.mark.slow
def test_jobs_from_another_commit_are_refused(
    two_checkouts: tuple[Project, Project, Project],
) -> None:
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    run_job(a, "a", out, COVTASKS_COMMIT="1111111")
    run_job(b, "b", out, COVTASKS_COMMIT="2222222")
    result = here.run("combine", "--expect", "a,b")
    assert "jobs measured different commits" in result.stderr


@pytest.mark.slow
def test_mixed_branch_and_line_jobs_are_refused(
    two_checkouts: tuple[Project, Project, Project],
) -> None:
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    run_job(a, "a", out)
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 2\nbranch = false")
    b.write({"pyproject.toml": toml})
    run_job(b, "b", out)
    result = here.run("combine", "--expect", "a,b")
    assert "branch and line-only jobs cannot be combined" in result.stderr


def write_foreign_job(out: Path, root: str, files: dict[str, list[int]]) -> None:
    """A job recorded on another machine: its data names files under ``root``."""
    from coverage import CoverageData

    directory = out / "foreign"
    directory.mkdir(parents=True)
    data = CoverageData(basename=str(directory / "coverage.db"))
    data.add_lines(files)
    data.write()
    data.close(force=True)
    manifest = {
        "format": 1,
        "job": "foreign",
        "root": root,
        "source": ["pkg"],
        "branch": False,
        "commit": None,
        "suite": {"stable": True, "passed": 1},
        "data_file": "coverage.db",
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))


LINE_ONLY = (
    BASIC_FILES["pyproject.toml"]
    .replace("workers = 2", "workers = 2\nbranch = false")
    .replace("fail_under = 50", "fail_under = 0")
)


@pytest.mark.slow
def test_windows_paths_in_a_job_are_remapped(project: ProjectFactory) -> None:
    here = project(extra={"pyproject.toml": LINE_ONLY})
    root = "D:\\a\\proj\\proj"
    write_foreign_job(here.path("coverage-jobs"), root, {root + "\\pkg\\gov\\rules.py": [1, 2, 3]})
    result = here.run("combine", "--expect", "foreign")
    assert result.returncode == 0, result.stderr
    files = json.loads(here.path(METRICS).read_text())["files"]
    assert files["pkg/gov/rules.py"]["executed_lines"] == [1, 2, 3]


@pytest.mark.slow
def test_unmappable_paths_are_reported(project: ProjectFactory) -> None:
    here = project(extra={"pyproject.toml": LINE_ONLY})
    write_foreign_job(here.path("coverage-jobs"), "/ci/proj", {"/ci/proj/pkg/gone.py": [1]})
    result = here.run("combine", "--expect", "1")
    assert result.returncode == 2
    assert "could not be mapped to this checkout: /ci/proj/pkg/gone.py" in result.stderr
    assert not here.path("tests/coverage_reports").exists()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["option", "config"])
def test_expect_any_combines_unchecked_and_says_so(project: ProjectFactory, how: str) -> None:
    toml = LINE_ONLY.replace("workers = 2", 'workers = 2\nexpected_jobs = "any"', 1)
    here = project(extra={"pyproject.toml": toml if how == "config" else LINE_ONLY})
    write_foreign_job(here.path("coverage-jobs"), "/ci/proj", {"/ci/proj/pkg/gov/rules.py": [1]})
    result = here.run("combine", *(["--expect", "any"] if how == "option" else []))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "combined 1 job(s): foreign (completeness not checked" in result.stdout
    assert json.loads(here.path(METRICS).read_text())["covtasks"]["completeness"] == "unchecked"


@pytest.mark.slow
def test_expected_jobs_are_recorded_as_checked(project: ProjectFactory) -> None:
    here = project(extra={"pyproject.toml": LINE_ONLY})
    write_foreign_job(here.path("coverage-jobs"), "/ci/proj", {"/ci/proj/pkg/gov/rules.py": [1]})
    result = here.run("combine", "--expect", "foreign")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "completeness" not in result.stdout
    assert json.loads(here.path(METRICS).read_text())["covtasks"]["completeness"] == "checked"


# --- several interpreters ---------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def interpreter_env(version: str, cache: Path) -> Path | None:
    """A venv of python``version`` with covtasks and its dependencies, or None."""
    exe = shutil.which(f"python{version}")
    if exe is None or subprocess.run([exe, "-c", "pass"], capture_output=True).returncode:
        return None
    from covtasks.files import locked

    venv = cache / f"py{version}"
    python = venv / "bin" / "python"
    with locked(cache / f"py{version}.lock"):
        if not (venv / "ready").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([exe, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "-e",
                    str(REPO),
                ],
                check=True,
            )
            (venv / "ready").write_text("")
    return python


@pytest.fixture(scope="session")
def venv_cache() -> Path:
    cache = REPO / ".nox" / "covtasks-test-interpreters"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


@pytest.mark.slow
def test_jobs_under_python_39_and_313_combine_like_coverage(
    two_checkouts: tuple[Project, Project, Project], venv_cache: Path
) -> None:
    pythons = {v: interpreter_env(v, venv_cache) for v in ("3.9", "3.13")}
    missing = [v for v, exe in pythons.items() if exe is None]
    if missing:
        pytest.skip(f"python{' and python'.join(missing)} not available")
    a, b, here = two_checkouts
    out = here.path("coverage-jobs")
    for (version, python), checkout in zip(pythons.items(), (a, b)):
        result = subprocess.run(
            [str(python), "-m", "covtasks", "run", "--job", f"py{version}", "--job-dir", str(out)],
            cwd=checkout.root,
            env={k: v for k, v in cli_env(None).items() if k != "PYTHONPATH"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    result = here.run("combine", "--expect", "2")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(here.path(METRICS).read_text())
    assert {j["id"]: j["python"]["version"][:4] for j in metrics["covtasks"]["jobs"]} == {
        "py3.9": "3.9.",
        "py3.13": "3.13",
    }
    data = [out / "py3.9" / "coverage.db", out / "py3.13" / "coverage.db"]
    ours = {f: v["executed_lines"] for f, v in metrics["files"].items()}
    assert ours == oracle(here, data, [a.root, b.root])


def test_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    """Reading a job's data never writes to it (a guard for the checks above)."""
    db = tmp_path / "coverage.db"
    sqlite3.connect(db).close()
    assert db.stat().st_size == 0


def test_combine_inspects_each_job_data_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before anything is created, and not again before coverage combines them."""
    from covtasks import combine

    p = Project(tmp_path).write(BASIC_FILES)
    data = [write_job(p, job_id) / "coverage.db" for job_id in ("a", "b")]
    opened: list[Path] = []
    inspect = combine.inspect_data_file

    def counted(path: Path) -> combine.DataFileInfo:
        opened.append(path)
        return inspect(path)

    monkeypatch.setattr(combine, "inspect_data_file", counted)
    result = run_cli(p.root, "combine", "--expect", "a,b")
    # Combined and gated: the synthetic data measures a third of the code, below fail_under.
    assert result.returncode == 1, result.stdout + result.stderr
    assert sorted(opened) == sorted(data)
