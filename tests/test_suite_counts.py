"""End-to-end: covtasks' suite counts equal pytest's own final summary, outcome by outcome.

One real project with one test file per case (a table), run through ``covtasks run``
with xdist and without, and through ``run --job`` (with a collection error, which makes
the job unstable but still writes its manifest). Failures and errors are quarantined so
that the run is stable and publishes its metrics.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from tests.helpers import Project

pytestmark = pytest.mark.slow
ProjectFactory = Callable[..., Project]

# file name -> (its text, what pytest counts for it)
CASES: dict[str, tuple[str, dict[str, int]]] = {
    "test_pass.py": (
        "from pkg import one\n\ndef test_pass():\n    assert one() == 1\n",
        {"passed": 1},
    ),
    "test_skip.py": (
        "import pytest\n\n@pytest.mark.skip(reason='no')\ndef test_skip():\n    pass\n",
        {"skipped": 1},
    ),
    "test_module_skip.py": (
        "import pytest\npytest.skip('all of it', allow_module_level=True)\n\n"
        "def test_never():\n    pass\n",
        {"skipped": 1},
    ),
    "test_skip_in_fixture.py": (
        "import pytest\n\n@pytest.fixture\ndef gone():\n    pytest.skip('no service')\n\n"
        "def test_needs_it(gone):\n    pass\n",
        {"skipped": 1},
    ),
    "test_xfail_bare.py": (
        "import pytest\n\n@pytest.mark.xfail\ndef test_xfail():\n    assert False\n",
        {"xfailed": 1},
    ),
    "test_xfail_reason.py": (
        "import pytest\n\n@pytest.mark.xfail(reason='b1')\ndef test_xfail():\n    assert False\n",
        {"xfailed": 1},
    ),
    "test_xfail_imperative.py": (
        "import pytest\n\ndef test_xfail():\n    pytest.xfail('later')\n",
        {"xfailed": 1},
    ),
    "test_xpass_bare.py": (
        "import pytest\n\n@pytest.mark.xfail\ndef test_xpass():\n    pass\n",
        {"xpassed": 1},
    ),
    "test_xpass_strict.py": (
        "import pytest\n\n@pytest.mark.xfail(strict=True)\ndef test_xpass():\n    pass\n",
        {"failed": 1},
    ),
    "test_param.py": (
        "import pytest\n\n@pytest.mark.parametrize('x', [1, 'a-b', None])\n"
        "def test_param(x):\n    pass\n",
        {"passed": 3},
    ),
    "test_deselect.py": ("def test_deselect_me():\n    pass\n", {"deselected": 1}),
    "test_setup_and_teardown.py": (
        "import pytest\n\n@pytest.fixture\ndef outer():\n    yield\n"
        "    raise RuntimeError('teardown')\n\n@pytest.fixture\ndef inner(outer):\n"
        "    raise RuntimeError('setup')\n\ndef test_both(inner):\n    pass\n",
        {"errors": 2},
    ),
    "test_fail.py": ("def test_fail():\n    assert 1 == 2\n", {"failed": 1}),
}
QUARANTINED = ("test_xpass_strict.py", "test_setup_and_teardown.py", "test_fail.py")
COLLECTION_ERROR = "import pkg.does_not_exist\n\ndef test_x():\n    pass\n"
OUTCOMES = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed", "deselected")
SUMMARY = re.compile(r"^=*\s*(\d+ \w+.*) in [\d.]+s", re.MULTILINE)


def pytest_summary(output: str) -> dict[str, int]:
    """pytest's own final summary line (the first one: the measured run), as counts."""
    match = SUMMARY.search(output)
    assert match, output
    counts: dict[str, int] = {}
    for number, word in re.findall(r"(\d+) (\w+)", match.group(1)):
        if word.startswith("warning"):
            continue
        counts[{"error": "errors"}.get(word, word)] = int(number)
    return counts


def make(project: ProjectFactory, workers: int, *, broken: bool = False) -> Project:
    quarantine = "".join(
        f'\n[[tool.covtasks.stable.quarantine]]\nid = "tests/{name}"\nreason = "case"\n'
        for name in QUARANTINED
    )
    files = {f"tests/{name}": text for name, (text, _) in CASES.items()}
    if broken:
        files["tests/test_collection_error.py"] = COLLECTION_ERROR
    files["pkg/__init__.py"] = "def one():\n    return 1\n"
    files["pyproject.toml"] = (
        '[tool.pytest.ini_options]\npythonpath = ["."]\n\n'
        f'[tool.covtasks]\nsource = ["pkg"]\ntests = ["tests"]\nworkers = {workers}\n'
        "\n[tool.covtasks.stable]\nreruns = 0\n" + quarantine
    )
    return project(files=files)


def expected() -> dict[str, int]:
    total = dict.fromkeys(OUTCOMES, 0)
    for _, counts in CASES.values():
        for key, n in counts.items():
            total[key] += n
    return total


def assert_counts_equal(
    suite: dict[str, int], theirs: dict[str, int], ours: dict[str, int]
) -> None:
    for outcome in OUTCOMES:
        if outcome in theirs:
            assert suite[outcome] == theirs[outcome], (outcome, suite, theirs)
    # and what pytest does not name is really none (pytest-xdist never names deselected)
    assert {k: suite[k] for k in OUTCOMES} == ours


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
def test_run_counts_equal_pytest_summary(project: ProjectFactory, workers: int) -> None:
    p = make(project, workers)
    result = p.run("run", "--", "-p", "no:randomly", "-k", "not deselect_me")
    assert result.returncode == 0, result.stdout + result.stderr
    theirs = pytest_summary(result.stdout)
    if workers == 0:
        assert theirs == {k: v for k, v in expected().items() if v}
    metrics = json.loads(p.path("tests/coverage_reports/metrics/coverage.json").read_text())
    assert_counts_equal(metrics["covtasks"]["suite"], theirs, expected())


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
def test_job_manifest_counts_equal_pytest_summary(project: ProjectFactory, workers: int) -> None:
    p = make(project, workers)
    result = p.run("run", "--job", "j1", "--", "-p", "no:randomly", "-k", "not deselect_me")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads(p.path("coverage-jobs/j1/manifest.json").read_text())
    assert_counts_equal(manifest["suite"], pytest_summary(result.stdout), expected())


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
def test_collection_error_counts_equal_pytest_summary(
    project: ProjectFactory, workers: int
) -> None:
    # Without xdist, a collection error stops pytest before any test runs (it names the
    # error, the skipped module and the deselected test); pytest-xdist runs the rest.
    # Either way the unstable job's manifest says what pytest said.
    p = make(project, workers, broken=True)
    result = p.run("run", "--job", "j1", "--", "-p", "no:randomly", "-k", "not deselect_me")
    assert result.returncode == 3, result.stdout + result.stderr
    manifest = json.loads(p.path("coverage-jobs/j1/manifest.json").read_text())
    theirs = pytest_summary(result.stdout)
    ours = {**dict.fromkeys(OUTCOMES, 0), "errors": 1, "skipped": 1, "deselected": 1}
    if workers:
        ours = {**expected(), "errors": expected()["errors"] + 1}
    assert_counts_equal(manifest["suite"], theirs, ours)
