"""Tests for covtasks.diffcov: diff parsing, patch coverage, and agreement with diff-cover."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from covtasks.config import Domain
from covtasks.diffcov import (
    PatchResult,
    changed_lines,
    load_report,
    markdown,
    merge_base,
    parse_unified_diff,
    patch_coverage,
    ranges,
    text,
)
from covtasks.errors import CovtasksError
from tests.helpers import BASIC_FILES, Project, cli_env, git

ProjectFactory = Callable[..., Project]
ROOT = Path("/proj")


def diff(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


# --- parse_unified_diff ------------------------------------------------------------------

MODIFIED = diff("""
    diff --git a/pkg/a.py b/pkg/a.py
    index 1c943a9..d68dd40 100644
    --- a/pkg/a.py
    +++ b/pkg/a.py
    @@ -2 +2 @@ def f():
    -    return 1
    +    return 2
    @@ -10,0 +11,2 @@ def g():
    +def h():
    +    pass
    @@ -20,3 +22,0 @@
    -x
    -y
    -z
    """)
NEW_FILE = diff("""
    diff --git a/pkg/new.py b/pkg/new.py
    new file mode 100644
    index 0000000..2fe4df4
    --- /dev/null
    +++ b/pkg/new.py
    @@ -0,0 +1,2 @@
    +n1
    +n2
    """)
DELETED = diff("""
    diff --git a/pkg/gone.py b/pkg/gone.py
    deleted file mode 100644
    index 04ec35a..0000000
    --- a/pkg/gone.py
    +++ /dev/null
    @@ -1,2 +0,0 @@
    -x
    -y
    """)
RENAMED = diff("""
    diff --git a/pkg/old.py b/pkg/renamed.py
    similarity index 73%
    rename from pkg/old.py
    rename to pkg/renamed.py
    index f00c965..135bbd8 100644
    --- a/pkg/old.py
    +++ b/pkg/renamed.py
    @@ -4 +4 @@
    -4
    +NEW
    """)
PURE_RENAME = diff("""
    diff --git a/pkg/old.py b/pkg/moved.py
    similarity index 100%
    rename from pkg/old.py
    rename to pkg/moved.py
    """)
BINARY = diff("""
    diff --git a/data.bin b/data.bin
    index bdc955b..8835708 100644
    Binary files a/data.bin and b/data.bin differ
    """)
NO_NEWLINE = diff("""
    diff --git a/pkg/nonl.py b/pkg/nonl.py
    index 1c943a9..d68dd40 100644
    --- a/pkg/nonl.py
    +++ b/pkg/nonl.py
    @@ -3 +3,2 @@ b
    -c
    \\ No newline at end of file
    +c
    +d
    """)
QUOTED = diff("""
    diff --git "a/pkg/\\303\\274n\\303\\257.py" "b/pkg/\\303\\274n\\303\\257.py"
    index 4ae8ef0..24188bd 100644
    --- "a/pkg/\\303\\274n\\303\\257.py"
    +++ "b/pkg/\\303\\274n\\303\\257.py"
    @@ -1,0 +2 @@ u
    +v
    """)
SPACE_AND_LOOKALIKES = (
    "diff --git a/pkg/sp ace.py b/pkg/sp ace.py\n"
    "--- a/pkg/sp ace.py\t\n"
    "+++ b/pkg/sp ace.py\t\n"
    "@@ -1,0 +2,2 @@ k\n"
    "+++ plus\n"
    "+-- minus\n"
)
CONTEXT = diff("""
    diff --git a/pkg/c.py b/pkg/c.py
    --- a/pkg/c.py
    +++ b/pkg/c.py
    @@ -1,4 +1,4 @@
     a
    -b
    +B
     c
     d
    """)
MODE_ONLY = diff("""
    diff --git a/run.sh b/run.sh
    old mode 100644
    new mode 100755
    """)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        (MODIFIED, {"pkg/a.py": {2, 11, 12}}),
        (NEW_FILE, {"pkg/new.py": {1, 2}}),
        (DELETED, {}),
        (RENAMED, {"pkg/renamed.py": {4}}),
        (PURE_RENAME, {"pkg/moved.py": set()}),
        (BINARY, {"data.bin": set()}),
        (NO_NEWLINE, {"pkg/nonl.py": {3, 4}}),
        (QUOTED, {"pkg/ünï.py": {2}}),
        (SPACE_AND_LOOKALIKES, {"pkg/sp ace.py": {2, 3}}),
        (CONTEXT, {"pkg/c.py": {2}}),
        (MODE_ONLY, {"run.sh": set()}),
        (DELETED + NEW_FILE + MODIFIED, {"pkg/new.py": {1, 2}, "pkg/a.py": {2, 11, 12}}),
    ],
    ids=[
        "empty",
        "multiple-hunks",
        "new-file",
        "deleted-file",
        "rename-with-changes",
        "pure-rename",
        "binary",
        "no-newline-at-eof",
        "quoted-name",
        "space-in-name-and-lines-like-headers",
        "context-lines",
        "mode-change",
        "several-files",
    ],
)
def test_parse_unified_diff(text: str, expected: dict[str, set[int]]) -> None:
    assert parse_unified_diff(text) == expected


def test_parse_refuses_a_malformed_hunk_header() -> None:
    with pytest.raises(ValueError, match="malformed hunk header"):
        parse_unified_diff("diff --git a/x b/x\n@@ nonsense @@\n")


# --- patch coverage ----------------------------------------------------------------------

REPORT: dict[str, Any] = {
    "files": {
        "pkg/gov/a.py": {"executed_lines": [1, 2, 3, 5], "missing_lines": [4, 6, 7]},
        "pkg/sec/b.py": {"executed_lines": [1, 2], "missing_lines": [3]},
        "pkg/c.py": {"executed_lines": [1], "missing_lines": [2]},
    }
}
DOMAINS = (Domain("governance", ("pkg/gov/**",)), Domain("security", ("pkg/sec/*.py",)))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [([], ""), ([3], "3"), ([12, 13, 14, 20], "12-14, 20"), ([5, 1, 2, 2], "1-2, 5")],
)
def test_ranges(lines: list[int], expected: str) -> None:
    assert ranges(lines) == expected


def test_changed_statements_count_and_executed_ones_are_covered() -> None:
    result = patch_coverage({"pkg/gov/a.py": {2, 4, 6, 7, 10}}, REPORT, (), ROOT)
    assert [(f.path, f.statements, f.uncovered) for f in result.files] == [
        ("pkg/gov/a.py", (2, 4, 6, 7), (4, 6, 7))
    ]


def test_overall_percent_is_covered_over_changed_statements() -> None:
    result = patch_coverage({"pkg/gov/a.py": {2, 4}, "pkg/sec/b.py": {1, 2}}, REPORT, (), ROOT)
    assert result.percent == 75.0


def test_files_outside_the_report_are_ignored() -> None:
    result = patch_coverage({"README.md": {1, 2}, "pkg/c.py": {1}}, REPORT, (), ROOT)
    assert (result.overall.statements, result.overall.covered_lines) == (1, 1)


def test_absolute_paths_match_relative_report_entries() -> None:
    result = patch_coverage({"/proj/pkg/c.py": {2}}, REPORT, (), ROOT)
    assert [f.path for f in result.files] == ["pkg/c.py"]


def test_domains_and_unassigned_are_summed() -> None:
    changed = {"pkg/gov/a.py": {4, 5}, "pkg/sec/b.py": {1}, "pkg/c.py": {2}}
    result = patch_coverage(changed, REPORT, DOMAINS, ROOT)
    summary = [(d.name, d.numbers.statements, d.numbers.covered_lines) for d in result.domains]
    assert summary == [("governance", 2, 1), ("security", 1, 1), ("(unassigned)", 1, 0)]


def test_no_measured_line_changed_is_100_percent() -> None:
    result = patch_coverage({"pkg/gov/a.py": {40}, "docs/x.md": {1}}, REPORT, DOMAINS, ROOT)
    assert (result.percent, result.nothing_measured, result.domains) == (100.0, True, ())


def test_text_lists_uncovered_ranges_per_file() -> None:
    result = patch_coverage({"pkg/gov/a.py": {2, 4, 6, 7}, "pkg/c.py": {2}}, REPORT, DOMAINS, ROOT)
    assert text(result, 2).splitlines()[-3:] == [
        "uncovered changed lines:",
        "  pkg/c.py: 2",
        "  pkg/gov/a.py: 4, 6-7",
    ]


def test_text_says_when_no_measured_line_changed() -> None:
    result = patch_coverage({}, REPORT, DOMAINS, ROOT)
    assert text(result, 2) == "no measured lines changed: patch coverage is 100%"


def test_markdown() -> None:
    result = patch_coverage(
        {"pkg/gov/a.py": {2, 4, 6, 7}, "pkg/sec/b.py": {1}}, REPORT, DOMAINS, ROOT
    )
    assert markdown(result, 1) == "\n".join(
        [
            "| Domain | Lines | Miss | Cover |",
            "| --- | ---: | ---: | ---: |",
            "| governance | 4 | 3 | 25.0% |",
            "| security | 1 | 0 | 100.0% |",
            "| **overall** | **5** | **3** | **40.0%** |",
            "",
            "Uncovered changed lines:",
            "",
            "- `pkg/gov/a.py`: 4, 6-7",
        ]
    )


def test_markdown_when_no_measured_line_changed() -> None:
    result = patch_coverage({}, REPORT, DOMAINS, ROOT)
    assert markdown(result, 2) == "No measured lines changed: patch coverage is 100%."


def test_missing_metrics_say_to_run_first(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError, match=r"no metrics file: run `covtasks run` first"):
        load_report(tmp_path / "coverage.json")


def test_metrics_without_line_lists_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"files": {"a.py": {"executed_lines": [1]}}}))
    with pytest.raises(CovtasksError, match=r"files\['a.py'\]\.missing_lines is not a list"):
        load_report(path)


# --- against git and diff-cover -----------------------------------------------------------

V1 = {
    **BASIC_FILES,
    "pyproject.toml": BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 0"),
}
# Committed on top of V1: some new or modified lines are covered by the tests, some not.
V2 = {
    "pkg/gov/rules.py": """
        def decide(level: int) -> str:
            if level > 9:
                return "root"
            if level > 3:
                return "autonomous"
            if level > 1:
                return "supervised"
            return "blocked"


        def unused(x: int) -> int:
            # doubled, now tripled
            return x * 3
        """,
    "pkg/sec/tokens.py": BASIC_FILES["pkg/sec/tokens.py"]
    + """

        def rotate(key: bytes) -> bytes:
            if not key:
                raise ValueError("empty key")
            return key[::-1]
        """,
    "tests/test_sec.py": BASIC_FILES["tests/test_sec.py"]
    + """
        def test_rotate():
            from pkg.sec.tokens import rotate
            assert rotate(b"ab") == b"ba"
        """,
}
# Left uncommitted (unstaged): both tools count the working tree.
UNSTAGED = {
    "pkg/epi/segment.py": BASIC_FILES["pkg/epi/segment.py"]
    + """

        def count(times: list[int]) -> int:
            return len(times)
        """,
}
# Staged, not committed: both tools count the index too.
STAGED = {"pkg/gov/policy.py": "def allowed(level: int) -> bool:\n    return level > 2\n"}
# Untracked: measured by covtasks, but neither tool counts it.
UNTRACKED = {"pkg/epi/extra.py": "def extra() -> int:\n    return 1\n"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """A measured project with changes since its first commit, and that commit's sha."""
    p = Project(tmp_path_factory.mktemp("diffcov") / "proj").write(V1)
    git(p.root, "init", "-q")
    git(p.root, "config", "user.name", "covtasks tests")
    git(p.root, "config", "user.email", "tests@covtasks.invalid")
    git(p.root, "add", "-A")
    git(p.root, "commit", "-q", "-m", "v1")
    base = git(p.root, "rev-parse", "HEAD")
    p.write(V2)
    git(p.root, "commit", "-q", "-a", "-m", "v2")
    p.write(STAGED)
    git(p.root, "add", *STAGED)
    p.write({**UNSTAGED, **UNTRACKED})
    run = p.run("run")
    assert run.returncode == 0, run.stdout + run.stderr
    xml = p.coverage("xml", "-o", "coverage.xml")
    assert xml.returncode == 0, xml.stderr
    return p, base


@pytest.fixture(scope="module")
def diff_cover(repo: tuple[Project, str]) -> dict[str, Any]:
    """diff-cover's JSON report on the same data, with ``percent_float``: its percent to 2
    decimals as ``--total-percent-float`` prints it (computed here from its counts by its
    own formula, as that option is newer than the diff-cover releases Python 3.9 has)."""
    p, base = repo
    subprocess.run(
        [
            *(sys.executable, "-m", "diff_cover.diff_cover_tool", "coverage.xml"),
            *(f"--compare-branch={base}", "--format=json:diff-cover.json", "--quiet"),
        ],
        cwd=p.root,
        env=cli_env(None),
        check=True,
        capture_output=True,
    )
    data: dict[str, Any] = json.loads(p.path("diff-cover.json").read_text())
    lines, violations = data["total_num_lines"], data["total_num_violations"]
    data["percent_float"] = round(float(lines - violations) / lines * 100, 2)
    return data


@pytest.fixture(scope="module")
def ours(repo: tuple[Project, str]) -> PatchResult:
    p, base = repo
    changed = changed_lines(p.root, merge_base(p.root, base))
    report = load_report(p.path("tests/coverage_reports/metrics/coverage.json"))
    return patch_coverage(changed, report, (), p.root)


@pytest.mark.slow
def test_patch_percent_equals_diff_cover(ours: PatchResult, diff_cover: dict[str, Any]) -> None:
    assert round(ours.percent, 2) == diff_cover["percent_float"]
    assert int(ours.percent) == diff_cover["total_percent_covered"]  # truncated


@pytest.mark.slow
def test_changed_statement_count_equals_diff_cover(
    ours: PatchResult, diff_cover: dict[str, Any]
) -> None:
    assert ours.overall.statements == diff_cover["total_num_lines"]


@pytest.mark.slow
def test_uncovered_lines_per_file_equal_diff_cover(
    ours: PatchResult, diff_cover: dict[str, Any]
) -> None:
    theirs = {
        k: v["violation_lines"] for k, v in diff_cover["src_stats"].items() if v["violation_lines"]
    }
    assert {f.path: list(f.uncovered) for f in ours.files if f.uncovered} == theirs


@pytest.mark.slow
def test_cli_prints_the_uncovered_ranges(
    repo: tuple[Project, str], diff_cover: dict[str, Any]
) -> None:
    p, base = repo
    result = p.run("diff", "--base", base)
    listed = result.stdout.split("uncovered changed lines:\n", 1)[1].splitlines()
    expected = [
        f"  {k}: {ranges(v['violation_lines'])}"
        for k, v in sorted(diff_cover["src_stats"].items())
        if v["violation_lines"]
    ]
    assert listed[: len(expected)] == expected


@pytest.mark.slow
def test_cli_exits_1_below_fail_under(
    repo: tuple[Project, str], diff_cover: dict[str, Any]
) -> None:
    p, base = repo
    result = p.run("diff", "--base", base, "--fail-under", "99")
    shown = f"{diff_cover['percent_float']:.2f}%"
    assert (result.returncode, result.stdout.splitlines()[-1]) == (
        1,
        f"covtasks: patch coverage {shown} is below diff_fail_under = 99",
    )


@pytest.mark.slow
def test_cli_exits_0_at_exactly_the_shown_figure(
    repo: tuple[Project, str], diff_cover: dict[str, Any]
) -> None:
    p, base = repo
    shown = str(diff_cover["percent_float"])
    assert p.run("diff", "--base", base, "--fail-under", shown).returncode == 0


@pytest.mark.slow
def test_cli_unknown_ref_is_one_line_exit_2(repo: tuple[Project, str]) -> None:
    p, _ = repo
    result = p.run("diff", "--base", "no-such-branch")
    assert (result.returncode, result.stderr) == (
        2,
        "covtasks: error: --base: unknown git ref 'no-such-branch' (fetched?)\n",
    )


@pytest.mark.slow
def test_cli_missing_metrics_say_to_run_first(repo: tuple[Project, str]) -> None:
    p, base = repo
    result = p.run("diff", "--base", base, "--metrics", "nowhere.json")
    assert (result.returncode, result.stderr) == (
        2,
        "covtasks: error: nowhere.json: no metrics file: run `covtasks run` first\n",
    )


@pytest.mark.slow
def test_cli_no_measured_line_changed_is_100_percent(
    repo: tuple[Project, str], tmp_path: Path
) -> None:
    p, base = repo
    empty = tmp_path / "empty.json"
    empty.write_text('{"files": {}}')
    result = p.run("diff", "--base", base, "--metrics", str(empty), "--fail-under", "100")
    assert (result.returncode, "no measured lines changed: patch coverage is 100%") == (
        0,
        result.stdout.splitlines()[1],
    )


@pytest.mark.slow
def test_cli_notes_untracked_measured_files(repo: tuple[Project, str]) -> None:
    p, base = repo
    assert (
        "covtasks: note: untracked files are not part of the diff (as in diff-cover; "
        "`git add` them to count them): pkg/epi/extra.py"
    ) in p.run("diff", "--base", base).stdout.splitlines()


@pytest.mark.slow
def test_cli_warns_when_the_metrics_are_of_another_commit(repo: tuple[Project, str]) -> None:
    p, base = repo
    measured = git(p.root, "rev-parse", "HEAD")
    result = p.run("diff", "--base", base, env={"COVTASKS_COMMIT": "0" * 40})
    assert (
        f"covtasks: warning: the metrics were measured at {measured[:7]}, HEAD is 0000000: "
        "line numbers may not match; run `covtasks run` again"
    ) in result.stdout.splitlines()


def test_outside_git_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(CovtasksError, match="not a git checkout"):
        merge_base(tmp_path, "main")
