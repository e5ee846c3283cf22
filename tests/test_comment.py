"""Tests for ``covtasks comment``: the sparkline, the Markdown (parsed), and the command on
a real repository with a trend."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from covtasks.diffcov import FilePatch, PatchResult
from covtasks.figures import DomainNumbers, Numbers
from covtasks.gate import Check, Verdict
from covtasks.prcomment import MARKER, Facts, Patch, render, sparkline
from covtasks.suites import FlakyTest, Suite
from covtasks.trend import Baseline
from tests.helpers import BASIC_FILES, Project, git, run_cli

ProjectFactory = Callable[..., Project]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ""),
        ([80.0], "▄"),
        ([80.0, 80.0, 80.0], "▄▄▄"),
        ([0.0, 100.0], "▁█"),
        ([70.0, 75.0, 80.0], "▁▅█"),
        ([90.0, 80.0, 85.0, 80.0], "█▁▅▁"),
        ([50.0, 50.0 + 1e-12], "▄▄"),
    ],
)
def test_sparkline(values: list[float], expected: str) -> None:
    assert sparkline(values) == expected


# --- the Markdown, parsed -----------------------------------------------------------------


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def tables_of(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (the header row first)."""
    found: list[list[list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            found[-1][-1].append("".join(c.content for c in inline.children or []))
    return found


def numbers(statements: int, covered: int) -> Numbers:
    return Numbers(files=1, statements=statements, covered_lines=covered)


PATCH = PatchResult(
    numbers(5, 3),
    (DomainNumbers("governance", numbers(4, 3), ("pkg/gov/rules.py",)),),
    (FilePatch("pkg/gov/rules.py", (1, 2, 3, 4), (4,)),),
)
FACTS = Facts(
    overall=81.25,
    domains={"governance": 75.0, "security": 90.0},
    verdict=Verdict((Check("overall", 81.25, 80, True), Check("governance", 75.0, 80, False)), 2),
    suite=Suite(
        {"stable": True},
        flaky=(FlakyTest("tests/test_a.py::test_x", "failed", "passed"),),
        quarantined_failed=("tests/test_b.py::test_y",),
    ),
    history=[79.0, 80.0, 81.25],
    precision=2,
    base=Baseline("2026-11-27", "abcdef0123", 80.0, {"governance": 76.5}),
    patch=Patch("origin/main", "0123456789", PATCH, fail_under=90),
)


def test_the_marker_comes_first() -> None:
    text = render(FACTS)
    assert text.splitlines()[0] == MARKER
    first = parse(text)[0]
    assert (first.type, first.content) == ("html_block", MARKER + "\n")


def test_the_table_is_well_formed_with_changes_and_patch_coverage() -> None:
    (table,) = tables_of(parse(render(FACTS)))
    assert table == [
        ["Domain", "Coverage", "Change", "Patch"],
        ["governance", "75.00%", "-1.50", "75.00%"],
        ["security", "90.00%", "\u2013", "\u2013"],
        ["overall", "81.25%", "+1.25", "60.00%"],
    ]


def test_headline_problems_and_footer() -> None:
    lines = render(FACTS).splitlines()
    assert lines[1] == "### :x: Coverage 81.25% (+1.25)"
    assert "Trend: ▁▄█ 79.00% → 81.25% (last 3)" in lines
    assert [line for line in lines if line.startswith("- ")] == [
        "- :x: Below threshold: governance: 75.00% is below fail_under = 80",
        "- :x: Below threshold: patch coverage 60.00% is below diff_fail_under = 90",
        "- Flaky: `tests/test_a.py::test_x`",
        "- Quarantined, failed: `tests/test_b.py::test_y`",
    ]
    assert lines[-1] == (
        "<sub>change against the baseline of abcdef0 (2026-11-27); patch: lines changed "
        "since origin/main (merge-base 0123456)</sub>"
    )


def test_without_base_or_patch_the_columns_are_left_out() -> None:
    bare = Facts(81.25, {"governance": 75.0}, Verdict((), 2), Suite({}), [81.25], 2)
    text = render(bare)
    assert tables_of(parse(text)) == [
        [["Domain", "Coverage"], ["governance", "75.00%"], ["overall", "81.25%"]]
    ]
    assert text.splitlines()[1] == "### :white_check_mark: Coverage 81.25%"
    assert "Trend:" not in text
    assert text.splitlines()[-1] == "<sub>no baseline to compare with in the trend</sub>"


def test_the_comment_is_short() -> None:
    assert len(render(FACTS).splitlines()) <= 20


# --- the command on a real repository -------------------------------------------------------

TREND = "tests/coverage_reports/trends/coverage_trend.json"
V2 = {
    "pkg/gov/rules.py": BASIC_FILES["pkg/gov/rules.py"]
    + """

        def never(x: int) -> int:
            return x - 1
        """,
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, str]:
    """Two commits, each measured on a clean tree (two trend baselines); the first sha."""
    governance = '[tool.covtasks.domains.governance]\n        paths = ["pkg/gov/**"]\n'
    toml = BASIC_FILES["pyproject.toml"].replace(
        governance + "        fail_under = 50", governance + "        fail_under = 99"
    )
    assert "fail_under = 99" in toml
    p = Project(tmp_path_factory.mktemp("comment") / "proj").write(
        {**BASIC_FILES, "pyproject.toml": toml}
    )
    p.write({".gitignore": ".covtasks/\ntests/coverage_reports/\n"})
    git(p.root, "init", "-q")
    git(p.root, "add", "-A")
    git(p.root, "commit", "-q", "-m", "v1")
    first = git(p.root, "rev-parse", "HEAD")
    assert p.run("run").returncode == 1  # governance is below 99: measured, gate fails
    p.write(V2)
    git(p.root, "commit", "-q", "-a", "-m", "v2")
    assert p.run("run").returncode == 1
    assert len(json.loads(p.path(TREND).read_text())["baselines"]) == 2
    return p, first


@pytest.mark.slow
def test_cli_comment_compares_with_the_base_baseline(measured: tuple[Project, str]) -> None:
    p, first = measured
    result = p.run("comment", "--base", first)
    assert (result.returncode, result.stderr) == (0, "")
    doc = json.loads(p.path(TREND).read_text())
    old, new = (b["domains"]["governance"] for b in doc["baselines"])
    (table,) = tables_of(parse(result.stdout))
    governance = next(row for row in table if row[0] == "governance")
    assert governance[1] == f"{new:.2f}%"
    assert governance[2] == f"{new - old:+.2f}"
    assert governance[3] == "50.00%"  # the added def runs at import, its body never
    assert f"<sub>change against the baseline of {first[:7]}" in result.stdout
    assert "- :x: Below threshold: governance:" in result.stdout


@pytest.mark.slow
def test_cli_comment_writes_the_file(measured: tuple[Project, str], tmp_path: Path) -> None:
    p, _ = measured
    out = tmp_path / "comment.md"
    result = p.run("comment", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"comment: {out}\n"
    assert out.read_text(encoding="utf-8").startswith(MARKER + "\n")


def test_comment_without_metrics_is_one_line_exit_2(project: ProjectFactory) -> None:
    result = run_cli(project().root, "comment")
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert result.stderr.startswith("covtasks: error: ")
    assert result.stderr.endswith(
        "tests/coverage_reports/metrics/coverage.json: no metrics file: "
        "run `covtasks run` (or `nox -s coverage`) first\n"
    )
