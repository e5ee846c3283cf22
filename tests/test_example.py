"""examples/backend, the seed-shaped project, through nox and the CLI as documented."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO, Project

pytestmark = pytest.mark.slow

EXAMPLE = REPO / "examples" / "backend"
METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"


@pytest.fixture
def backend(tmp_path: Path) -> Project:
    """A fresh copy of the example, without any output of earlier runs."""
    ignore = shutil.ignore_patterns(".nox", ".covtasks", "coverage_reports", "__pycache__")
    shutil.copytree(EXAMPLE, tmp_path / "backend", ignore=ignore)
    return Project(tmp_path / "backend")


def nox(p: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return p.module("nox", *args, timeout=900)


def test_noxfile_is_three_lines() -> None:
    lines = [line for line in (EXAMPLE / "noxfile.py").read_text().splitlines() if line]
    assert lines == ["import covtasks.nox", "covtasks.nox.install()"]


def test_nox_coverage_prints_domains_and_writes_outputs(backend: Project) -> None:
    result = nox(backend, "-s", "coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    for domain in ("governance", "security", "episodes"):
        assert domain in result.stdout
    data = json.loads(backend.path(METRICS).read_text())
    assert data["totals"]["percent_covered"] >= 80
    assert json.loads(backend.path(TREND).read_text())["baselines"]


def test_broken_database_fixture_is_refused(backend: Project) -> None:
    env = {"BACKEND_DB_URL": "/nonexistent/dir/backend.sqlite3"}
    result = backend.run("run", env=env)
    assert result.returncode == 3
    assert "setup errors (database): 63" in result.stdout
    assert not backend.path("tests/coverage_reports").exists()


def git(p: Project, *args: str) -> None:
    subprocess.run(["git", *args], cwd=p.root, check=True, capture_output=True)


def test_release_gate_names_the_domain_that_dropped(backend: Project) -> None:
    """The issue's demo: two commits, the second removes a test."""
    git(backend, "init", "-q")
    git(backend, "config", "user.email", "dev@example.com")
    git(backend, "config", "user.name", "dev")
    git(backend, "add", "-A")
    git(backend, "commit", "-q", "-m", "first")
    assert backend.run("run").returncode == 0
    backend.path("tests/unit/governance/test_supervision_service.py").unlink()
    git(backend, "commit", "-q", "-am", "drop the supervision tests")
    assert backend.run("run").returncode == 1  # governance falls below 80
    result = backend.run("gate", "--release")
    assert result.returncode == 1
    assert "  - governance: dropped from 92.95% to 74.36%" in result.stdout


def test_trend_svg_is_a_chart(backend: Project) -> None:
    assert backend.run("run").returncode == 0
    result = backend.run("trend", "--svg", "t.svg")
    assert result.returncode == 0, result.stderr
    assert backend.path("t.svg").read_text().startswith("<svg")
