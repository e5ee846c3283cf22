"""The projects the benchmarks measure: generated suites, examples/backend copied, the
report outputs both flows write, and the commands of each flow.

Shared by the benchmark scripts alongside ``common`` (timing, tables, ratios).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from common import EXAMPLE, PYTHON


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def remove_outputs(root: Path, names: Iterable[str]) -> None:
    """Delete report outputs between rounds, so every round writes them from scratch."""
    for name in names:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def copy_example(dest: Path) -> Path:
    """A copy of examples/backend without any previous run's outputs or venvs."""
    skip = shutil.ignore_patterns(
        ".nox", ".covtasks", ".pytest_cache", "__pycache__", "coverage_reports", "htmlcov"
    )
    shutil.copytree(EXAMPLE, dest, ignore=skip)
    return dest


# Outputs that both flows of the end-to-end benchmarks write (same reports).
REPORTS = {
    "json": "reports/coverage.json",
    "xml": "reports/coverage.xml",
    "html": "reports/html",
}


def with_covtasks_reports(pyproject: str, *, extra: str = "", html_xml: bool = True) -> str:
    """``pyproject`` with covtasks' metrics (and html/xml) keys pointing at ``REPORTS``
    (replacing those keys where the project sets them)."""
    keys = f'metrics = "{REPORTS["json"]}"\ntrend = "reports/trend.json"\n'
    if html_xml:
        keys += f'html = "{REPORTS["html"]}"\nxml = "{REPORTS["xml"]}"\n'
    keys += extra
    marker = "[tool.covtasks]"
    assert marker + "\n" in pyproject, "no [tool.covtasks] table"
    replaced = ("metrics = ", "trend = ", "html = ", "xml = ")
    lines: list[str] = []
    table = ""
    for line in pyproject.splitlines(keepends=True):
        if line.startswith("["):
            table = line.strip()
        if table == marker and line.startswith(replaced):
            continue
        lines.append(line)
        if line.strip() == marker:
            lines.append(keys)
    return "".join(lines)


def hand_rolled_cmd(source: Sequence[str], workers: str, *, branch: bool = True) -> list[str]:
    """What users write by hand today: pytest-cov with xdist and the same reports."""
    cmd = [PYTHON, "-m", "pytest", "-q", "-n", workers]
    cmd += [f"--cov={s}" for s in source]
    if branch:
        cmd.append("--cov-branch")
    cmd += [
        f"--cov-report=json:{REPORTS['json']}",
        f"--cov-report=xml:{REPORTS['xml']}",
        f"--cov-report=html:{REPORTS['html']}",
    ]
    return cmd


def covtasks_cmd(python: str = PYTHON) -> list[str]:
    return [python, "-m", "covtasks", "run", "-q"]


# A generated module: a few functions with branches and loops, a class, and a
# CPU-bound helper the tests call ``work`` times (0: quick tests).
MODULE_TEMPLATE = '''\
"""Generated module {n} of domain {d}."""

from __future__ import annotations

LIMIT_{n} = {n}


def classify(x: int) -> str:
    if x < 0:
        return "negative"
    if x == 0:
        return "zero"
    if x % 2:
        return "odd"
    return "even"


def accumulate(values: list[int]) -> int:
    total = 0
    for v in values:
        if v > LIMIT_{n} % 7:
            total += v
        else:
            total -= 1
    return total


def churn(rounds: int) -> int:
    acc = 0
    for i in range(rounds):
        if i % 3 == 0:
            acc += i * i % 7
        else:
            acc ^= i
    return acc


def parse(text: str) -> dict[str, str]:
    result = {{}}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        result[key.strip()] = value.strip()
    return result


def never_called(x: int) -> int:
    if x > 10:
        return x - 10
    return x + 10


class Counter:
    def __init__(self, start: int = 0) -> None:
        self.value = start

    def bump(self, by: int = 1) -> int:
        self.value += by
        return self.value

    def reset(self) -> None:
        self.value = 0
'''

_TEST_HEADER = '''\
"""Tests of generated module {n}."""

from app.{pkg}.mod{n:03d} import Counter, accumulate, churn, classify, parse
'''

_TESTS = [
    "def test_classify_negative_{i}() -> None:\n    assert classify(-{i} - 1) == 'negative'\n",
    "def test_classify_zero_{i}() -> None:\n    assert classify(0) == 'zero'\n",
    "def test_classify_parity_{i}() -> None:\n"
    "    assert classify(2 * {i} + 1) == 'odd'\n    assert classify(2 * {i} + 2) == 'even'\n",
    "def test_accumulate_{i}() -> None:\n    assert accumulate([]) == 0\n"
    "    assert isinstance(accumulate([{i}, 1, 2, 30]), int)\n",
    "def test_parse_{i}() -> None:\n"
    "    assert parse('a={i}; b = 2;;') == {{'a': '{i}', 'b': '2'}}\n",
    "def test_counter_{i}() -> None:\n    c = Counter({i})\n    assert c.bump() == {i} + 1\n",
    "def test_churn_{i}() -> None:\n    assert churn({work}) >= 0\n",
]


@dataclass(frozen=True)
class Suite:
    """A generated project: ``modules`` modules in ``domains`` packages under app/."""

    modules: int = 200
    tests_per_module: int = 10
    domains: int = 10
    workers: int = 2
    work: int = 20  # loop rounds of churn() per churn test: the CPU-bound knob
    cpu_bound: bool = False  # every test (not only the churn ones) calls churn(work)
    html_xml: bool = True  # covtasks writes html and XML reports too
    branch: bool = True
    covtasks_extra: str = ""

    @property
    def tests(self) -> int:
        return self.modules * self.tests_per_module


def generate_suite(root: Path, suite: Suite) -> Path:
    """Write the project: app/dNN/modNNN.py, tests/test_modNNN.py, pyproject.toml."""
    files: dict[str, str] = {"app/__init__.py": ""}
    per_domain = max(1, -(-suite.modules // suite.domains))
    for n in range(suite.modules):
        d = n // per_domain
        pkg = f"d{d:02d}"
        files[f"app/{pkg}/__init__.py"] = ""
        files[f"app/{pkg}/mod{n:03d}.py"] = MODULE_TEMPLATE.format(n=n, d=d)
        body = [_TEST_HEADER.format(n=n, pkg=pkg)]
        for i in range(suite.tests_per_module):
            test = _TESTS[i % len(_TESTS)].format(i=i, work=suite.work)
            if suite.cpu_bound:
                test += f"    assert churn({suite.work}) >= 0\n"
            body.append("\n" + test)
        files[f"tests/test_mod{n:03d}.py"] = "\n".join(body)
    domains = "".join(
        f'\n[tool.covtasks.domains.domain{d:02d}]\npaths = ["app/d{d:02d}/**"]\nfail_under = 50\n'
        for d in range(-(-suite.modules // per_domain))
    )
    pyproject = textwrap.dedent(
        f"""\
        [tool.pytest.ini_options]
        pythonpath = ["."]
        testpaths = ["tests"]

        [tool.coverage.run]
        branch = {str(suite.branch).lower()}

        [tool.covtasks]
        source = ["app"]
        tests = ["tests"]
        workers = {suite.workers}
        fail_under = 50
        """
    )
    files["pyproject.toml"] = (
        with_covtasks_reports(pyproject, extra=suite.covtasks_extra, html_xml=suite.html_xml)
        + domains
    )
    write_files(root, files)
    return root


def set_key(root: Path, key: str, value: str) -> None:
    """Replace the line ``KEY = ...`` of a generated project's pyproject.toml."""
    path = root / "pyproject.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i for i, line in enumerate(lines) if line.startswith(f"{key} = ")]
    assert found, f"no {key} = ... in {path}"
    lines[found[0]] = f"{key} = {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_workers(root: Path, workers: int) -> None:
    set_key(root, "workers", str(workers))
