"""The lowest versions covtasks supports, in one table, and the check against them.

pyproject.toml declares the same floors (a test keeps the two equal, and the README's
"Supported versions" table too). Each floor is the lowest release with which covtasks'
own test suite passes on the oldest supported Python (nox -s tests_lowest). ``covtasks
run`` refuses an installed coverage, pytest or pytest-xdist below its floor before any
test runs (exit 2), and ``covtasks doctor`` reports it. Installed versions are read with
importlib.metadata: nothing is imported to learn them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata

from covtasks.errors import CovtasksError

PYTHON = "3.9"  # requires-python, and the Python that nox -s tests_lowest runs on


@dataclass(frozen=True)
class Floor:
    """The lowest supported release of one distribution, and what needs it."""

    package: str  # the distribution name, as pip spells it
    version: str
    why: str
    extra: str = ""  # the optional-dependencies group it belongs to ("" = required)
    marker: str = ""  # its environment marker in pyproject.toml
    measured: bool = False  # the measured run needs it: `run` refuses below the floor


FLOORS: tuple[Floor, ...] = (
    Floor(
        "coverage",
        "7.10.3",
        # Before 7.10.3, measured subprocesses got only the configuration file's options,
        # not the data file and parallel settings covtasks sets through the API: xdist
        # workers wrote their data elsewhere and every run was refused.
        "subprocess measurement of xdist workers",
        measured=True,
    ),
    Floor("pytest", "7.4", "the measured test run", measured=True),
    Floor("pytest-xdist", "3.5", "parallel workers", measured=True),
    # 2024.4.15 added Session.venv_backend, which covtasks.nox reads.
    Floor("nox", "2024.4.15", "covtasks.nox.install() and its sessions"),
    Floor(
        "tomli",
        "2.0",
        "reading pyproject.toml on Python < 3.11",
        marker="python_version < '3.11'",
    ),
    Floor("invoke", "2.2", "covtasks.tasks (the invoke collection)", extra="invoke"),
    # 9.3 added --format json:FILE, with which the tests read diff-cover's figures.
    Floor("diff-cover", "9.3", "covtasks' own tests of `covtasks diff`", extra="test"),
    Floor("invoke", "2.2", "covtasks' own tests of covtasks.tasks", extra="test"),
    # 3.0: the MarkdownIt("commonmark").enable("table") parser the tests use.
    Floor("markdown-it-py", "3.0", "covtasks' own tests parse `covtasks comment`", extra="test"),
)


def version_tuple(version: str) -> tuple[int, ...]:
    """The leading release numbers of a version string: ``"8.0.0rc1"`` -> ``(8, 0, 0)``."""
    found = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in found.group().split(".")) if found else ()


@dataclass(frozen=True)
class TooOld:
    """An installed distribution below its floor."""

    floor: Floor
    installed: str

    @property
    def requirement(self) -> str:
        return f"{self.floor.package}>={self.floor.version}"

    def problem(self) -> str:
        f = self.floor
        return f"{f.package} {self.installed} is installed, covtasks needs >= {f.version} ({f.why})"

    @property
    def fix(self) -> str:
        return f'pip install -U "{self.requirement}"'


def measured_floors(workers: object = "auto") -> tuple[Floor, ...]:
    """The floors a measured run needs; pytest-xdist only when workers are used."""
    return tuple(f for f in FLOORS if f.measured and (f.package != "pytest-xdist" or workers != 0))


def too_old(installed: Mapping[str, str | None], floors: Iterable[Floor]) -> list[TooOld]:
    """The ``floors`` that ``installed`` (package -> version, None: absent) is below."""
    return [
        TooOld(f, version)
        for f in floors
        if (version := installed.get(f.package)) is not None
        and version_tuple(version) < version_tuple(f.version)
    ]


def installed_versions(packages: Iterable[str]) -> dict[str, str | None]:
    """Each package's installed version (importlib.metadata; None if not installed)."""
    found: dict[str, str | None] = {}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def refusal(old: Sequence[TooOld]) -> str:
    """One line: what is too old and the one command that fixes all of it."""
    problems = "; ".join(o.problem() for o in old)
    command = "pip install -U " + " ".join(f'"{o.requirement}"' for o in old)
    return f"{problems}: {command}"


def require_measured(workers: object) -> None:
    """Refuse (exit 2, one line) a run whose coverage, pytest or xdist is too old."""
    floors = measured_floors(workers)
    old = too_old(installed_versions(f.package for f in floors), floors)
    if old:
        raise CovtasksError(refusal(old))


def floor(package: str) -> str:
    """The floor of a required package, e.g. ``floor("coverage") == "7.10.3"``."""
    return next(f.version for f in FLOORS if f.package == package and not f.extra)
