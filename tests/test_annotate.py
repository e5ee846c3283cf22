"""Tests for ``covtasks diff --annotate github``: escaping, ranges, the cap, and the
annotated lines against diff-cover's missing lines (src layout, project in a subdirectory
of the repository)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from covtasks.annotate import Annotation, escape_data, escape_property, find, github, repo_path
from covtasks.diffcov import FilePatch, PatchResult
from covtasks.figures import Numbers
from tests.helpers import Project, cli_env, git

# --- pure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "data", "prop"),
    [
        ("plain text", "plain text", "plain text"),
        ("50% covered", "50%25 covered", "50%25 covered"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A", "%250A", "%250A"),
        ("src/a b.py", "src/a b.py", "src/a b.py"),
    ],
)
def test_escaping_follows_githubs_rules(value: str, data: str, prop: str) -> None:
    assert (escape_data(value), escape_property(value)) == (data, prop)


def _result(*files: tuple[str, tuple[int, ...]]) -> PatchResult:
    patches = tuple(FilePatch(path, lines, lines) for path, lines in files)
    return PatchResult(Numbers(), (), patches)


def test_consecutive_uncovered_lines_are_one_annotation() -> None:
    result = _result(("pkg/b.py", (3,)), ("pkg/a.py", (7, 8, 9, 12, 14, 15)))
    assert find(result, Path("/r/proj"), Path("/r")) == [
        Annotation("proj/pkg/a.py", 7, 9),
        Annotation("proj/pkg/a.py", 12, 12),
        Annotation("proj/pkg/a.py", 14, 15),
        Annotation("proj/pkg/b.py", 3, 3),
    ]


def test_absolute_names_are_made_relative_to_the_repository() -> None:
    assert repo_path(Path("/r/proj"), "/r/proj/src/m.py", Path("/r")) == "proj/src/m.py"


def test_a_warning_names_file_lines_and_title() -> None:
    assert github([Annotation("src/a,b.py", 4, 6), Annotation("x.py", 2, 2)]) == [
        "::warning file=src/a%2Cb.py,line=4,endLine=6,title=Changed lines not covered"
        "::Changed lines 4-6 are not run by the tests.",
        "::warning file=x.py,line=2,endLine=2,title=Changed line not covered"
        "::Changed line 2 is not run by the tests.",
    ]


def test_beyond_the_cap_one_notice_summarises_the_rest() -> None:
    found = [Annotation("a.py", n, n) for n in range(1, 40, 2)]
    found += [Annotation("b.py", 5, 6)]
    lines = github(found, cap=10)
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning"] * 10 + ["::notice"]
    assert lines[-1] == (
        "::notice title=More changed lines not covered::11 more uncovered changed ranges "
        "not annotated (GitHub shows 10 warnings per step): "
        "a.py: 21, 23, 25, 27, 29, 31, 33, 35, 37, 39; b.py: 5-6"
    )


def test_nothing_uncovered_prints_nothing() -> None:
    assert github([]) == []


# --- against diff-cover, src layout in a subdirectory of the repository ----------------

PYPROJECT = """
    [tool.pytest.ini_options]
    pythonpath = ["src"]

    [tool.covtasks]
    source = ["src/app"]
    tests = ["tests"]
    workers = 2
    fail_under = 0

    [tool.covtasks.domains.core]
    paths = ["src/app/core/**"]
    """
V1 = {
    "pyproject.toml": PYPROJECT,
    "src/app/__init__.py": "",
    "src/app/core/__init__.py": "",
    "src/app/core/calc.py": """
        def add(a: int, b: int) -> int:
            return a + b
        """,
    "src/app/util.py": """
        def ident(x: int) -> int:
            return x
        """,
    "tests/test_calc.py": """
        from app.core.calc import add
        from app.util import ident

        def test_add():
            assert add(1, 2) == 3 and ident(1) == 1
        """,
}
V2 = {
    "src/app/core/calc.py": """
        def add(a: int, b: int) -> int:
            return a + b


        def scale(a: int, k: int) -> int:
            if k < 0:
                k = -k
                a = -a
            return a * k


        def untested(x: int) -> int:
            y = x + 1
            z = y * 2
            return z
        """,
    "src/app/util.py": """
        def ident(x: int) -> int:
            return x


        def shout(s: str) -> str:
            # a comment between statements
            s = s.strip()

            return s.upper()
        """,
    "tests/test_calc.py": """
        from app.core.calc import add, scale
        from app.util import ident

        def test_add():
            assert add(1, 2) == 3 and ident(1) == 1

        def test_scale():
            assert scale(2, 3) == 6
        """,
}
WARNING = re.compile(r"::warning file=([^,]+),line=(\d+),endLine=(\d+),title=[^:]*::")


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """A git repository whose project lives in ``backend/`` with a src layout, measured
    after changes since the first commit; the project and that commit's sha."""
    top = tmp_path_factory.mktemp("annotate")
    (top / "README.md").write_text("monorepo\n")
    p = Project(top / "backend").write(V1)
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "v1")
    base = git(top, "rev-parse", "HEAD")
    p.write(V2)
    git(top, "commit", "-q", "-a", "-m", "v2")
    run = p.run("run")
    assert run.returncode == 0, run.stdout + run.stderr
    xml = p.coverage("xml", "-o", "coverage.xml")
    assert xml.returncode == 0, xml.stderr
    return p, base


def _diff_cover_missing(p: Project, base: str) -> dict[str, list[int]]:
    """diff-cover's missing lines per file (its paths are the repository's, as git's)."""
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
    return {
        name: stats["violation_lines"]
        for name, stats in data["src_stats"].items()
        if stats["violation_lines"]
    }


def _annotated(stdout: str) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    for path, start, end in WARNING.findall(stdout):
        lines.setdefault(path, []).extend(range(int(start), int(end) + 1))
    return lines


@pytest.mark.slow
def test_annotated_lines_equal_diff_covers_missing_lines(monorepo: tuple[Project, str]) -> None:
    p, base = monorepo
    result = p.run("diff", "--base", base, "--annotate", "github")
    assert result.returncode == 0, result.stderr
    expected = _diff_cover_missing(p, base)
    assert expected  # the data has uncovered changed lines to annotate
    assert _annotated(result.stdout) == expected


@pytest.mark.slow
def test_annotations_use_repository_paths_and_merge_ranges(monorepo: tuple[Project, str]) -> None:
    p, base = monorepo
    stdout = p.run("diff", "--base", base, "--annotate", "github").stdout
    assert WARNING.findall(stdout) == [
        ("backend/src/app/core/calc.py", "7", "8"),
        ("backend/src/app/core/calc.py", "13", "15"),
        ("backend/src/app/util.py", "7", "7"),
        ("backend/src/app/util.py", "9", "9"),
    ]


@pytest.mark.slow
def test_without_annotate_no_workflow_command_is_printed(monorepo: tuple[Project, str]) -> None:
    p, base = monorepo
    assert "::" not in p.run("diff", "--base", base).stdout
