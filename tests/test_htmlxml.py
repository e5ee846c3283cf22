"""The html and XML reports: what coverage.py itself writes, side by side, all or nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from covtasks import measure
from covtasks.errors import CovtasksError
from covtasks.files import unfinished_writes
from covtasks.htmlxml import SIDE_BY_SIDE_FILES, Reports, Spec
from tests.helpers import BASIC_FILES, OPENED_COVERAGE, Project

ProjectFactory = Callable[..., Project]
METRICS = "tests/coverage_reports/metrics/coverage.json"
TREND = "tests/coverage_reports/trends/coverage_trend.json"


def with_reports(keys: str) -> dict[str, str]:
    """The basic project with these report keys, and enough files for the html report
    to be written by a second process when both are configured."""
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", f"workers = 2\n        {keys}")
    n = SIDE_BY_SIDE_FILES
    many = {f"pkg/many/m{i}.py": f"def f(x):\n    return x + {i}\n" for i in range(n)}
    imports = "".join(f"from pkg.many.m{i} import f as f{i}\n" for i in range(n))
    calls = " + ".join(f"f{i}(0)" for i in range(n))
    test = f"{imports}\n\ndef test_many():\n    assert {calls} > 0\n"
    return {"pyproject.toml": toml, "pkg/many/__init__.py": "", "tests/test_many.py": test, **many}


def _xml_without_stamps(text: str) -> str:
    return re.sub(r'(timestamp|version)="[^"]*"', "", text)


def _html_files(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir() if p.name != ".gitignore"}


def _html_total(directory: Path) -> str:
    """The total percent on the index page (its footer row)."""
    index = (directory / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<tr class="total">.*?data-ratio="[^"]*">([\d.]+%)', index, re.S)
    assert found, "no total row in index.html"
    return found.group(1)


@pytest.mark.slow
@pytest.mark.parametrize(
    "keys",
    [
        'html = "out/html"\n        xml = "out/cov.xml"',
        'html = "out/html"',
        'xml = "out/cov.xml"',
    ],
    ids=["both-side-by-side", "html-only", "xml-only"],
)
def test_reports_equal_coverages_own(project: ProjectFactory, keys: str) -> None:
    p = project(extra=with_reports(keys))
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    # covtasks hands coverage.py its source roots (they are Cobertura's <sources>).
    p.write({"theirs.cfg": "[run]\nsource = pkg\n"})
    if "xml" in keys:
        assert "xml: out/cov.xml" in result.stdout
        theirs = p.coverage("xml", "-o", "theirs.xml", "--rcfile=theirs.cfg")
        assert theirs.returncode == 0, theirs.stderr
        assert _xml_without_stamps(p.path("out/cov.xml").read_text()) == _xml_without_stamps(
            p.path("theirs.xml").read_text()
        )
    if "html" in keys:
        assert "html: out/html" in result.stdout
        assert p.coverage("html", "-d", "theirs-html", "--rcfile=theirs.cfg").returncode == 0
        ours, theirs_dir = p.path("out/html"), p.path("theirs-html")
        assert _html_files(ours) == _html_files(theirs_dir)
        assert _html_total(ours) == _html_total(theirs_dir)


@pytest.mark.slow
def test_lcov_equals_coverages_own_lcov_report(project: ProjectFactory) -> None:
    p = project(extra=with_reports('lcov = "out/coverage.lcov"'))
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lcov: out/coverage.lcov" in result.stdout.splitlines()
    p.write({"theirs.cfg": "[run]\nsource = pkg\n"})
    theirs = p.coverage("lcov", "-o", "theirs.lcov", "--rcfile=theirs.cfg")
    assert theirs.returncode == 0, theirs.stderr
    ours = p.path("out/coverage.lcov").read_bytes()
    assert ours.startswith(b"SF:")
    assert ours == p.path("theirs.lcov").read_bytes()
    assert unfinished_writes(p.path("out/coverage.lcov")) == []


@pytest.mark.slow
def test_the_html_report_replaces_its_directory_whole(project: ProjectFactory) -> None:
    # The report is written to a directory of its own, then swapped in: an entry in
    # the way of the old directory (here a directory named index.html) no longer
    # breaks it, and other entries of the old directory are kept. A failing html
    # report publishes nothing: tests/test_write_faults.py.
    p = project(extra=with_reports('html = "out/html"\n        xml = "out/cov.xml"'))
    p.path("out/html/index.html").mkdir(parents=True)
    p.path("out/html/notes.txt").write_text("mine\n", encoding="utf-8")
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert p.path("out/html/index.html").is_file()
    assert p.path("out/html/notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert sorted(x.name for x in p.path("out").iterdir()) == ["cov.xml", "html"]


# --- the second process is never left behind ------------------------------------------


@pytest.fixture
def combined(project: ProjectFactory) -> tuple[Project, Spec]:
    p = project()
    assert p.run("run").returncode == 0
    data = p.path(".covtasks/.coverage")
    return p, Spec(str(p.path("pyproject.toml")), str(data), (str(p.path("pkg")),), True)


def _reports(p: Project, spec: Spec, xml: Path) -> Reports:
    cov = spec.coverage()
    OPENED_COVERAGE.append(cov)
    cov.load()
    env = measure.importable_env({"PATH": "", "SYSTEMROOT": ""})
    return Reports(
        cov, spec, html=p.path("html"), xml=xml, cwd=p.root, env=env, side_by_side_from=0
    )


@pytest.mark.slow
def test_small_data_writes_both_reports_here(combined: tuple[Project, Spec]) -> None:
    p, spec = combined
    cov = spec.coverage()
    OPENED_COVERAGE.append(cov)
    cov.load()
    reports = Reports(cov, spec, html=p.path("html"), xml=p.path("cov.xml"), cwd=p.root, env={})
    reports.start()
    assert reports.child is None
    reports.finish()
    assert (p.path("html") / "index.html").is_file()
    assert p.path("cov.xml").is_file()


@pytest.mark.slow
def test_both_reports_are_written(combined: tuple[Project, Spec]) -> None:
    p, spec = combined
    reports = _reports(p, spec, p.path("cov.xml"))
    reports.start()
    assert reports.child is not None
    reports.finish()
    assert (p.path("html") / "index.html").is_file()
    assert p.path("cov.xml").read_text().startswith("<?xml")


@pytest.mark.slow
def test_an_xml_failure_here_stops_the_html_process(combined: tuple[Project, Spec]) -> None:
    p, spec = combined
    p.path("cov.xml").mkdir()  # the XML report cannot be written over a directory
    reports = _reports(p, spec, p.path("cov.xml"))
    reports.start()
    with pytest.raises(CovtasksError, match=r"^writing reports failed: .*cov\.xml"):
        reports.finish()
    assert reports.child is not None
    assert reports.child.returncode is not None  # ended and waited for


def test_the_second_process_reports_one_line_and_exits_2(tmp_path: Path) -> None:
    args = {
        "config_file": "",
        "data_file": str(tmp_path / "missing" / ".coverage"),
        "source": [str(tmp_path)],
        "branch": True,
        "html": str(tmp_path / "html"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "covtasks.htmlxml", json.dumps(args)],
        env=measure.importable_env({"PATH": "", "SYSTEMROOT": ""}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == ""
    assert result.stdout.startswith("writing reports failed: ")
    assert result.stdout.count("\n") == 1


@pytest.mark.slow
def test_without_a_second_process_the_html_report_is_written_here(
    combined: tuple[Project, Spec], monkeypatch: pytest.MonkeyPatch
) -> None:
    p, spec = combined

    def cannot_start(*args: object, **kwargs: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(subprocess, "Popen", cannot_start)
    reports = _reports(p, spec, p.path("cov.xml"))
    reports.start()
    assert reports.child is None
    reports.finish()
    assert (p.path("html") / "index.html").is_file()
    assert p.path("cov.xml").is_file()
