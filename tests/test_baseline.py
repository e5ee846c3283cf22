"""Which trend entry a release gate compares with: the last of another commit, or with
``--base REF`` the merge-base's (or its newest ancestor's). Pure rules from tables, then
git and the CLI in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from covtasks import git
from covtasks.baseline import choose, latest_of_another_commit, newest_ancestor_entry
from covtasks.errors import CovtasksError
from covtasks.trend import Baseline
from tests.helpers import BASIC_FILES, Project, git_repo, run_cli
from tests.helpers import git as run_git


def entry(commit: str | None, overall: float = 80.0, dirty: bool = False) -> Baseline:
    return Baseline(date="2026-11-01", commit=commit, overall=overall, domains={}, dirty=dirty)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], None),
        ([entry("a")], "a"),
        ([entry("a"), entry("b")], "b"),
        ([entry("a"), entry("head")], "a"),
        ([entry("a"), entry("b", dirty=True)], "a"),
        ([entry("head")], None),
    ],
    ids=["empty", "one", "last", "skips-head", "skips-dirty", "only-head"],
)
def test_latest_of_another_commit(entries: list[Baseline], expected: str | None) -> None:
    found = latest_of_another_commit(entries, "head")
    assert (found.commit if found else None) == expected


@pytest.mark.parametrize(
    ("entries", "ancestors", "expected"),
    [
        ([entry("fork"), entry("newer")], ["fork", "old"], ("fork", 80.0)),
        ([entry("old"), entry("newer")], ["fork", "old"], ("old", 80.0)),
        ([entry("old", 70.0), entry("old", 75.0)], ["fork", "old"], ("old", 75.0)),
        ([entry("old"), entry("fork", dirty=True)], ["fork", "old"], ("old", 80.0)),
        ([entry("head"), entry("old")], ["head", "old"], ("old", 80.0)),
        ([entry("newer"), entry(None)], ["fork", "old"], None),
    ],
    ids=["merge-base", "newest-ancestor", "last-of-a-commit", "skips-dirty", "skips-head", "none"],
)
def test_newest_ancestor_entry(
    entries: list[Baseline], ancestors: list[str], expected: tuple[str, float] | None
) -> None:
    found = newest_ancestor_entry(entries, ancestors, "head")
    assert (None if found is None else (found.commit, found.overall)) == expected


# --- git ----------------------------------------------------------------------------------


def commit(root: Path, name: str) -> str:
    (root / name).write_text(name, encoding="utf-8")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", name)
    return run_git(root, "rev-parse", "HEAD")


@pytest.fixture
def branches(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """main: first - fork - newer; feature (from fork): mine."""
    root = git_repo(tmp_path / "repo")
    run_git(root, "branch", "-M", "main")
    shas = {"first": run_git(root, "rev-parse", "HEAD"), "fork": commit(root, "fork")}
    shas["newer"] = commit(root, "newer")
    run_git(root, "checkout", "-q", "-b", "feature", shas["fork"])
    shas["mine"] = commit(root, "mine")
    return root, shas


def test_merge_base_and_its_ancestors(branches: tuple[Path, dict[str, str]]) -> None:
    root, shas = branches
    fork = git.merge_base(root, "main")
    assert fork == shas["fork"]
    assert git.ancestors(root, fork) == [shas["fork"], shas["first"]]


def test_choose_takes_the_merge_base_entry_not_a_newer_one(
    branches: tuple[Path, dict[str, str]],
) -> None:
    root, shas = branches
    entries = [entry(shas["first"], 70.0), entry(shas["newer"], 90.0)]
    assert choose(root, entries, shas["mine"], None).baseline == entries[1]
    chosen = choose(root, entries, shas["mine"], "main")
    assert (chosen.baseline, chosen.note) == (entries[0], "")


def test_choose_says_when_no_ancestor_has_an_entry(branches: tuple[Path, dict[str, str]]) -> None:
    root, shas = branches
    chosen = choose(root, [entry(shas["newer"])], shas["mine"], "main")
    assert chosen.baseline is None
    assert chosen.note == (
        f"no trend entry for the merge-base {shas['fork'][:7]} of main and HEAD or any of "
        "its ancestors: nothing to compare against (a shallow clone? fetch the history)"
    )


def test_a_ref_without_a_common_ancestor_is_named(branches: tuple[Path, dict[str, str]]) -> None:
    root, _ = branches
    run_git(root, "checkout", "-q", "--orphan", "other")
    commit(root, "unrelated")
    run_git(root, "checkout", "-q", "feature")
    with pytest.raises(CovtasksError) as excinfo:
        git.merge_base(root, "other")
    assert str(excinfo.value) == (
        "--base: no merge-base of 'other' and HEAD: no common ancestor in this clone's "
        "history (a shallow clone? fetch more: git fetch --unshallow)"
    )


def test_base_outside_git_is_named(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError) as excinfo:
        choose(tmp_path, [], None, "main")
    assert str(excinfo.value) == "--base: needs a git checkout: there is no HEAD here"


# --- the CLI: refusals before any comparison (in process) ---------------------------------

METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"


@pytest.fixture
def measured_repo(tmp_path: Path) -> Path:
    """A git repository with a pyproject and a (hand-written) metrics file for HEAD."""
    root = git_repo(
        tmp_path / "proj",
        {"pkg/__init__.py": "", "pyproject.toml": '[tool.covtasks]\nsource = ["pkg"]\n'},
    )
    head = run_git(root, "rev-parse", "HEAD")
    metrics = {
        "files": {"pkg/__init__.py": {"summary": {"missing_lines": 0}}},
        "totals": {"percent_covered": 100.0},
        "covtasks": {"commit": head, "dirty": False, "suite": {"stable": True}},
    }
    (root / METRICS).parent.mkdir(parents=True)
    (root / METRICS).write_text(json.dumps(metrics), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--release", "--base", "nope"], "--base: unknown git ref 'nope' (fetched?)"),
        (
            ["--base", "HEAD"],
            "--base: only applies with --release (it picks the ratchet's baseline)",
        ),
        (["--release", "--base=-x"], "--base: not a git ref: '-x'"),
    ],
    ids=["unknown-ref", "without-release", "option-like"],
)
def test_bad_base_is_one_line_exit_2(measured_repo: Path, args: list[str], message: str) -> None:
    result = run_cli(measured_repo, "gate", *args)
    assert (result.returncode, result.stderr) == (2, f"covtasks: error: {message}\n")
    assert result.stdout == ""


def test_base_without_an_entry_says_so_and_passes(measured_repo: Path) -> None:
    result = run_cli(measured_repo, "gate", "--release", "--base", "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   ratchet    baseline         no trend entry for the merge-base" in result.stdout


# --- real runs: a pull request branch against main ----------------------------------------

# governance: both functions tested, both decide() branches: higher coverage on main.
BETTER_GOV_TESTS = """
    from pkg.gov.rules import decide, unused

    def test_autonomous():
        assert decide(5) == "autonomous"

    def test_supervised():
        assert decide(2) == "supervised"

    def test_blocked():
        assert decide(0) == "blocked"

    def test_unused():
        assert unused(2) == 4
    """


def measure(p: Project) -> None:
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr


def commit_all(p: Project, message: str) -> str:
    run_git(p.root, "add", "-A")
    run_git(p.root, "commit", "-q", "-m", message)
    return run_git(p.root, "rev-parse", "HEAD")


NOXFILE = 'import covtasks.nox\n\ncovtasks.nox.install(venv_backend="none")\n'
TASKS_PY = (
    "from invoke import Collection\n\nimport covtasks.tasks\n\n"
    'ns = Collection()\nns.add_collection(covtasks.tasks.ns, name="cov")\n'
)


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """A feature branch measured at its head; the trend (a CI cache here, ignored by
    git) also holds main's newer entry, with better governance tests. The merge-base
    has no entry; its parent, main's first commit (returned), has one. Gates only read
    it, so the tests share it."""
    toml = BASIC_FILES["pyproject.toml"].replace(
        "fail_under = 50\n\n", "fail_under = 50\nfile_ratchet = true\n\n", 1
    )
    files = {
        **BASIC_FILES,
        ".gitignore": ".covtasks/\ntests/coverage_reports/\n.nox/\n",
        "pyproject.toml": toml,
        "noxfile.py": NOXFILE,
        "tasks.py": TASKS_PY,
    }
    p = Project(tmp_path_factory.mktemp("pr") / "proj").write(files)
    git_repo(p.root)
    run_git(p.root, "branch", "-M", "main")
    first = run_git(p.root, "rev-parse", "HEAD")
    measure(p)
    p.write({"NOTES.md": "not measured\n"})
    commit_all(p, "the merge-base: a commit without an entry")
    p.write({"tests/test_gov.py": BETTER_GOV_TESTS})
    commit_all(p, "main: better governance tests")
    measure(p)
    run_git(p.root, "checkout", "-q", "-b", "feature", "HEAD~1")
    p.write({"NOTES.md": "the feature\n"})
    commit_all(p, "feature")
    measure(p)
    return p, first


def compared_with(p: Project, commit: str) -> str:
    """The file ratchet's passing row, naming the baseline ``commit``."""
    date = json.loads(p.path(TREND).read_text(encoding="utf-8"))["baselines"][0]["date"]
    return (
        "ok   file_ratchet files            no file's missing statements grew against "
        f"{commit[:7]} ({date})"
    )


@pytest.mark.slow
def test_without_base_the_newer_main_entry_is_the_baseline(
    pull_request: tuple[Project, str],
) -> None:
    p, _ = pull_request
    result = p.run("gate", "--release")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  - governance: dropped from 100.00%" in result.stdout


@pytest.mark.slow
def test_base_compares_with_the_merge_base_not_a_newer_main(
    pull_request: tuple[Project, str],
) -> None:
    p, first = pull_request
    result = p.run("gate", "--release", "--base", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    assert compared_with(p, first) in result.stdout


@pytest.mark.slow
def test_base_through_the_nox_release_session(pull_request: tuple[Project, str]) -> None:
    p, first = pull_request
    result = p.module("nox", "-s", "release_gate", "--", "--base", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    assert compared_with(p, first) in result.stdout


@pytest.mark.slow
def test_base_through_the_invoke_gate_task(pull_request: tuple[Project, str]) -> None:
    p, first = pull_request
    result = p.module("invoke", "cov.gate", "--release", "--base", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    assert compared_with(p, first) in result.stdout
