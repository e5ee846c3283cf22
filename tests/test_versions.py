"""The floors table: equal to pyproject.toml and the README, and enforced by run and doctor."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from covtasks.versions import (
    FLOORS,
    PYTHON,
    Floor,
    TooOld,
    floor,
    measured_floors,
    refusal,
    too_old,
    version_tuple,
)
from tests.helpers import REPO, Project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

ProjectFactory = Callable[..., Project]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)\s*>=\s*([^;,\s]+)\s*(?:;\s*(.*))?$")


def declared() -> set[tuple[str, str, str, str]]:
    """(package, extra, marker, floor) of every requirement pyproject.toml declares,
    but the dev tools (ruff, mypy) and the extras that name covtasks itself."""
    project = PYPROJECT["project"]
    groups = {"": project["dependencies"], **project["optional-dependencies"]}
    found = set()
    for extra, requirements in groups.items():
        if extra == "dev":
            continue
        for requirement in requirements:
            match = REQUIREMENT.match(requirement)
            assert match, f"{requirement!r} in [{extra or 'dependencies'}] has no >= floor"
            name, version, marker = match.groups()
            found.add((name, extra, marker or "", version))
    return found


def test_the_floors_table_is_pyprojects() -> None:
    assert {(f.package, f.extra, f.marker, f.version) for f in FLOORS} == declared()


def test_the_python_floor_is_pyprojects() -> None:
    assert PYPROJECT["project"]["requires-python"] == f">={PYTHON}"


def readme_table() -> dict[str, str]:
    """package -> floor from the README's "Supported versions" table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Supported versions\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]
    table = {}
    for row in rows:
        what, version = (cell.strip() for cell in row.strip("|").split("|")[:2])
        assert version.startswith(">= "), row
        table[what.split()[0].strip("`").lower()] = version[3:]
    return table


def test_the_readme_table_is_pyprojects() -> None:
    expected = {name: version for name, _, _, version in declared()}
    assert readme_table() == {"python": PYTHON, **expected}


@pytest.mark.parametrize(
    ("version", "parts"),
    [
        ("7.10.3", (7, 10, 3)),
        ("2024.3.2", (2024, 3, 2)),
        ("8.0.0rc1", (8, 0, 0)),
        ("9", (9,)),
        (" 3.5.0.post1", (3, 5, 0)),
        ("unknown", ()),
    ],
)
def test_version_tuple(version: str, parts: tuple[int, ...]) -> None:
    assert version_tuple(version) == parts


COVERAGE = next(f for f in FLOORS if f.package == "coverage")


@pytest.mark.parametrize(
    ("installed", "old"),
    [
        ({"coverage": "7.10.2"}, ["coverage"]),
        ({"coverage": "7.10.3"}, []),
        ({"coverage": "7.17.5"}, []),
        ({"coverage": "6.5"}, ["coverage"]),
        ({"coverage": None, "pytest": "7.3.2"}, ["pytest"]),
        ({"pytest": "7.4.0", "pytest-xdist": "3.4.0"}, ["pytest-xdist"]),
        ({"coverage": "7.9.2", "pytest": "8.0.0rc1", "pytest-xdist": "3.5"}, ["coverage"]),
        ({"nox": "2023.4.22"}, []),  # not needed by a measured run
    ],
)
def test_too_old(installed: Mapping[str, str | None], old: list[str]) -> None:
    assert [o.floor.package for o in too_old(installed, measured_floors())] == old


def test_xdist_is_not_needed_without_workers() -> None:
    assert [f.package for f in measured_floors(0)] == ["coverage", "pytest"]
    assert [f.package for f in measured_floors(2)] == ["coverage", "pytest", "pytest-xdist"]


def test_refusal_of_several_is_one_line_with_one_command() -> None:
    pytest_floor = Floor("pytest", "7.4", "the measured test run")
    line = refusal([TooOld(COVERAGE, "7.10.0"), TooOld(pytest_floor, "7.3.2")])
    assert line == (
        "coverage 7.10.0 is installed, covtasks needs >= 7.10.3 (subprocess measurement of "
        "xdist workers); pytest 7.3.2 is installed, covtasks needs >= 7.4 (the measured test "
        "run): "
        'pip install -U "coverage>=7.10.3" "pytest>=7.4"'
    )


def test_floor_of_a_required_package() -> None:
    assert floor("coverage") == COVERAGE.version


def shadow(tmp_path: Path, package: str, version: str) -> dict[str, str]:
    """An environment whose importlib.metadata reports ``package`` at ``version``: a
    dist-info directory ahead of site-packages on PYTHONPATH (the real package still
    imports)."""
    root = tmp_path / "shadow"
    info = root / f"{package.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    text = f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n"
    (info / "METADATA").write_text(text, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(root), str(REPO)])}


@pytest.mark.slow
def test_run_refuses_an_old_coverage_before_any_test(
    project: ProjectFactory, tmp_path: Path
) -> None:
    p = project()
    result = p.run("run", env=shadow(tmp_path, "coverage", "7.10.0"))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "covtasks: error: coverage 7.10.0 is installed, covtasks needs >= 7.10.3 "
        '(subprocess measurement of xdist workers): pip install -U "coverage>=7.10.3"\n',
    )
    assert not p.path(".covtasks").exists()


@pytest.mark.slow
def test_run_job_refuses_an_old_xdist(project: ProjectFactory, tmp_path: Path) -> None:
    result = project().run("run", "--job", "py", env=shadow(tmp_path, "pytest-xdist", "3.4.0"))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert 'pip install -U "pytest-xdist>=3.5"' in result.stderr


@pytest.mark.slow
def test_doctor_reports_an_old_pytest(project: ProjectFactory, tmp_path: Path) -> None:
    result = project().run("doctor", env=shadow(tmp_path, "pytest", "7.3.2"))
    assert result.returncode == 1
    assert (
        "error   version: pytest 7.3.2 is installed, covtasks needs >= 7.4 (the measured "
        "test run) "
        '-> fix: pip install -U "pytest>=7.4"'
    ) in result.stdout.splitlines()
