"""Write faults lose nothing and publish nothing half-way (issue 17).

Each test makes a good run first, then runs covtasks again under a real file-size limit
(``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored, so a write past it fails with EFBIG as on a
full disk) chosen so that one particular write fails: the measured processes' data
files, the metrics, the XML, the html report (written here or by the second process),
the trend, the step summary, the chart. Every existing output must be byte for byte as
it was, no temp file may be left, and covtasks exits non-zero with one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from covtasks.files import unfinished_writes
from covtasks.htmlxml import SIDE_BY_SIDE_FILES
from tests.helpers import BASIC_FILES, Project, cli_env

resource = pytest.importorskip("resource")

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"
HTML = "out/html"
XML = "out/cov.xml"
KEPT = ".covtasks/.coverage"

# Sets the limit, ignores SIGXFSZ (inherited across exec), then runs Python with the
# remaining arguments: every process covtasks starts inherits both.
LIMITED = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), hard))
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


def run_limited(
    p: Project, limit: int, *args: str, env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m covtasks ARGS`` in ``p`` with files limited to ``limit`` bytes."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), "-m", "covtasks", *args],
        cwd=p.root,
        env=cli_env(env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def project_files(
    *, reports: bool, big: int = 0, many: bool = False, keys: str = ""
) -> dict[str, str]:
    """The basic project; with the html and XML reports (or ``keys``); with a module of ``big``
    statements (its html page, XML and metrics grow with it); with enough files for the
    html report to be written by a second process."""
    keys = f'html = "{HTML}"\n        xml = "{XML}"' if reports else keys
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", f"workers = 2\n        {keys}")
    files = {"pyproject.toml": toml}
    if big:
        files["pkg/big.py"] = "".join(f"v{i} = {i}\n" for i in range(big))
        files["tests/test_big.py"] = "import pkg.big\n\ndef test_big():\n    assert pkg.big.v1\n"
    if many:
        files["pkg/many/__init__.py"] = ""
        imports = ""
        for i in range(SIDE_BY_SIDE_FILES):
            files[f"pkg/many/m{i}.py"] = f"def f(x):\n    return x + {i}\n"
            imports += f"from pkg.many.m{i} import f as f{i}\n"
        files["tests/test_many.py"] = f"{imports}\n\ndef test_many():\n    assert f1(0)\n"
    return files


def outputs(p: Project, *extra: Path) -> dict[str, bytes]:
    """Every output file's bytes, the html report's files included."""
    found: dict[str, bytes] = {}
    for name in (METRICS, TREND, XML, KEPT):
        if p.path(name).is_file():
            found[name] = p.path(name).read_bytes()
    html = p.path(HTML)
    if html.is_dir():
        for f in sorted(html.rglob("*")):
            if f.is_file():
                found[str(f.relative_to(p.root))] = f.read_bytes()
    for path in extra:
        found[str(path)] = path.read_bytes()
    return found


def leftovers(p: Project, *extra: Path) -> list[Path]:
    """Temp files and directories of unfinished writes, and staging directories."""
    paths = [p.path(n) for n in (METRICS, TREND, XML, KEPT, HTML)] + list(extra)
    found = [t for path in paths for t in unfinished_writes(path)]
    return found + sorted(p.path(".covtasks").glob("run-*"))


def good_run(p: Project, *args: str, env: Mapping[str, str | None] | None = None) -> None:
    result = p.run(*(args or ("run",)), env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode not in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("covtasks: error: "), lines[0]
    return lines[0]


def pad_trend(p: Project, size: int) -> None:
    """Make the trend about ``size`` bytes with a legacy entry carrying a long note."""
    trend = p.path(TREND)
    doc = json.loads(trend.read_bytes())
    doc["baselines"].insert(0, {"date": "2026-01-01", "overall": 50.0, "note": "x" * size})
    trend.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


# --- publishing: the trend, the metrics, the reports -----------------------------------


@pytest.mark.slow
def test_a_failing_trend_write_publishes_nothing(project: ProjectFactory) -> None:
    p = project(extra=project_files(reports=True))
    good_run(p)
    pad_trend(p, 2_000_000)
    before = outputs(p)
    result = run_limited(p, 1_000_000, "run")
    line = one_error_line(result)
    assert "coverage_trend.json: cannot write: File too large" in line
    assert outputs(p) == before
    assert leftovers(p) == []


@pytest.mark.slow
@pytest.mark.parametrize("command", ["report", "combine"])
def test_report_and_combine_publish_nothing_when_the_trend_write_fails(
    project: ProjectFactory, command: str
) -> None:
    p = project(extra=project_files(reports=True))
    good_run(p)
    if command == "combine":
        good_run(p, "run", "--job", "j1")
    pad_trend(p, 2_000_000)
    before = outputs(p)
    args = ("combine", "--expect", "j1") if command == "combine" else ("report",)
    result = run_limited(p, 1_000_000, *args)
    assert "coverage_trend.json: cannot write: File too large" in one_error_line(result)
    assert outputs(p) == before
    assert leftovers(p) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "files"),
    [
        pytest.param(
            METRICS, project_files(reports=False, big=20_000, keys="branch = false"), id="metrics"
        ),
        pytest.param(
            XML, project_files(reports=False, big=20_000, keys=f'xml = "{XML}"'), id="xml"
        ),
        pytest.param(HTML, project_files(reports=True, big=5_000), id="html-here"),
        pytest.param(
            HTML, project_files(reports=True, big=5_000, many=True), id="html-second-process"
        ),
    ],
)
def test_a_failing_output_write_publishes_nothing(
    project: ProjectFactory, target: str, files: dict[str, str]
) -> None:
    p = project(extra=files)
    good_run(p)
    before = outputs(p)
    path = p.path(target)
    # Just below the target's size (for html: its largest page), above every other write.
    sizes = [f.stat().st_size for f in path.rglob("*") if f.is_file()] if path.is_dir() else []
    limit = max(sizes or [path.stat().st_size]) - 1
    others = {name: len(data) for name, data in before.items() if not name.startswith(target)}
    assert max(others.values()) <= limit, f"the limit must hit {target} first: {limit} {others}"
    result = run_limited(p, limit, "run")
    one_error_line(result)
    assert outputs(p) == before
    assert leftovers(p) == []
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.slow
def test_a_failing_durations_write_publishes_nothing(project: ProjectFactory) -> None:
    p = project()
    good_run(p)
    timed = p.path("tests/coverage_reports/durations.json")
    doc = json.loads(timed.read_bytes())
    # Larger than every other output; the run's own tests are not in it, so the new
    # file (the same entries plus theirs) cannot be written under its size.
    doc["durations"] = {f"tests/old.py::test_{i:07d}": 1.0 for i in range(40_000)}
    timed.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    before = outputs(p, timed)
    result = run_limited(p, timed.stat().st_size, "run")
    assert "durations.json: cannot write: File too large" in one_error_line(result)
    assert outputs(p, timed) == before
    assert leftovers(p, timed) == []


@pytest.mark.slow
def test_a_failing_step_summary_publishes_nothing(project: ProjectFactory) -> None:
    p = project()
    summary = p.root.parent / "step_summary.md"
    summary.write_text("earlier step\n" + "x" * 200_000 + "\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    good_run(p, env=env)
    before = outputs(p, summary)
    result = run_limited(p, summary.stat().st_size, "run", env=env)
    assert "step_summary.md: cannot write: File too large" in one_error_line(result)
    assert outputs(p, summary) == before
    assert leftovers(p, summary) == []


@pytest.mark.slow
def test_the_chart_and_the_badge_are_written_both_or_neither(project: ProjectFactory) -> None:
    p = project()
    good_run(p)
    svg, badge = p.path("trend.svg"), p.path("badge.svg")
    good_run(p, "trend", "--svg", "trend.svg", "--badge", "badge.svg")
    pad_trend(p, 100)
    good_run(p, "run")  # a new baseline: the chart and the badge would change
    before = outputs(p, svg, badge)
    limit = min(svg.stat().st_size, badge.stat().st_size) - 1
    result = run_limited(p, limit, "trend", "--svg", "trend.svg", "--badge", "badge.svg")
    assert "cannot write: File too large" in one_error_line(result)
    assert outputs(p, svg, badge) == before
    assert leftovers(p, svg, badge) == []


# --- the measured processes -----------------------------------------------------------


@pytest.mark.slow
def test_the_launcher_reports_a_data_file_it_cannot_save_in_one_line(
    project: ProjectFactory,
) -> None:
    # No xdist: the launcher is the only measured process (workers: the next test).
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 0")
    p = project(extra={"pyproject.toml": toml})
    good_run(p)
    before = outputs(p)
    data_file = p.path(KEPT).stat().st_size
    result = run_limited(p, data_file // 2, "run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    launcher, refusal = result.stderr.splitlines()
    assert launcher.startswith("covtasks: error: ")
    assert "the measured process could not save its coverage data: " in launcher
    assert refusal.startswith("covtasks: error: ")
    assert outputs(p) == before
    assert leftovers(p) == []


@pytest.mark.slow
def test_xdist_workers_report_a_data_file_they_cannot_save_in_one_line(
    project: ProjectFactory,
) -> None:
    # coverage.py saves a worker's data in its exit handler: covtasks' plugin makes a
    # failure there one line too, instead of a traceback amid the test output.
    p = project()
    good_run(p)
    before = outputs(p)
    data_file = p.path(KEPT).stat().st_size
    result = run_limited(p, data_file // 2, "run")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert all(line.startswith("covtasks: error: ") for line in lines), result.stderr
    workers = [line for line in lines if " could not save its coverage data: " in line]
    assert any(": xdist worker gw" in line for line in workers), result.stderr
    assert all(line.endswith((": File too large", ": disk I/O error")) for line in workers)
    assert outputs(p) == before
    assert leftovers(p) == []
