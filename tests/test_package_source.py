"""coverage's ``source``/``source_pkgs`` given as package names (a src layout): covtasks
measures what ``coverage run -m pytest`` measures, and doctor reads the same settings."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.helpers import Project

pytestmark = pytest.mark.slow
ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"

FILES = {
    "src/mypkg/__init__.py": "",
    "src/mypkg/core/__init__.py": "",
    "src/mypkg/core/calc.py": """
        def sign(x):
            if x > 0:
                return 1
            if x < 0:
                return -1
            return 0


        def unused(x):
            return x * 2
        """,
    "src/mypkg/never_imported.py": "VALUE = 1\n",
    "scripts/tool.py": "print('not measured')\n",
    "tests/test_calc.py": """
        from mypkg.core.calc import sign


        def test_positive():
            assert sign(3) == 1


        def test_zero():
            assert sign(0) == 0
        """,
}
PYPROJECT = """
    [tool.pytest.ini_options]
    pythonpath = ["src"]

    [tool.coverage.run]
    branch = true
    {run}

    [tool.covtasks]
    tests = ["tests"]
    workers = 2

    [tool.covtasks.domains.core]
    paths = ["src/mypkg/core/**"]
    """
TOTALS = ("num_statements", "covered_lines", "num_branches", "covered_branches", "missing_lines")


@pytest.mark.parametrize(
    "run", ['source = ["mypkg"]', 'source_pkgs = ["mypkg"]'], ids=["source", "source_pkgs"]
)
def test_package_name_measures_what_coverage_measures(project: ProjectFactory, run: str) -> None:
    p = project(files={**FILES, "pyproject.toml": PYPROJECT.format(run=run)})
    doctor = p.run("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    ours = json.loads(p.path(METRICS).read_text())

    oracle = p.module("coverage", "run", "--data-file=oracle.cov", "-m", "pytest", "-n", "0")
    assert oracle.returncode == 0, oracle.stdout + oracle.stderr
    report = p.module("coverage", "json", "--data-file=oracle.cov", "-o", "oracle.json")
    assert report.returncode == 0, report.stdout + report.stderr
    theirs = json.loads(p.path("oracle.json").read_text())

    assert {k: ours["totals"][k] for k in TOTALS} == {k: theirs["totals"][k] for k in TOTALS}
    assert len(ours["files"]) == len(theirs["files"]) == 4  # never_imported.py included
    assert ours["covtasks"]["domains"]["core"]["num_statements"] > 0
