"""covtasks' own sessions. It measures itself with its own sessions (dogfooding).

The test suite runs at both ends of what pyproject.toml declares: `tests` on the newest
Python found here with the newest releases, `tests_lowest` on the oldest supported Python
with every dependency pinned at its declared floor.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

import covtasks.nox

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["tests", "lint", "types"]

# covtasks creates coverage.Coverage objects while it is being measured; coverage.py
# stops saving a process's measurement when that happens unless COVERAGE_COVERAGE is
# set (the switch coverage.py uses to measure itself).
covtasks.nox.install(env={"COVERAGE_COVERAGE": "1"})


PROJECT = tomllib.loads(Path(__file__).with_name("pyproject.toml").read_text("utf-8"))
FLOOR = re.compile(r"^([A-Za-z0-9_.-]+)\s*>=\s*([^;,\s]+)\s*(;.*)?$")


def lowest_python() -> str:
    """The oldest supported Python: requires-python's floor ("3.9")."""
    found = re.fullmatch(r">=\s*(\d+\.\d+)", PROJECT["project"]["requires-python"])
    assert found, "requires-python must read >=X.Y"
    return found.group(1)


def floor_pins(extras: tuple[str, ...] = ("test",)) -> list[str]:
    """Every declared dependency (and those of ``extras``) pinned at its floor,
    ``coverage>=7.10.3`` -> ``coverage==7.10.3``, markers kept; read from pyproject.toml
    each time, so the pins cannot drift from the declared floors."""
    declared = list(PROJECT["project"]["dependencies"])
    for extra in extras:
        declared += PROJECT["project"]["optional-dependencies"][extra]
    pins = []
    for requirement in declared:
        found = FLOOR.match(requirement)
        if found:
            name, version, marker = found.groups()
            pins.append(f"{name}=={version}{marker or ''}")
    return pins


def newest_python() -> str | None:
    """The newest python3.X that runs here (None: the one running nox)."""
    lowest = int(lowest_python().split(".")[1])
    for minor in range(30, lowest - 1, -1):
        exe = shutil.which(f"python3.{minor}")
        # A pyenv shim exists for every installed version but runs only the active ones.
        if exe and subprocess.run([exe, "-c", ""], capture_output=True).returncode == 0:
            return f"3.{minor}"
    return None


@nox.session(python=newest_python())
def tests(session: nox.Session) -> None:
    """The test suite (unit and end-to-end) on the newest Python, newest releases."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-n", "auto", *session.posargs)


@nox.session(python=lowest_python())
def tests_lowest(session: nox.Session) -> None:
    """The test suite on the oldest supported Python, every dependency at its floor."""
    session.install("-e", ".[test]", *floor_pins())
    session.run("python", "-m", "pip", "check")
    session.run("python", "-m", "pytest", "-n", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def types(session: nox.Session) -> None:
    """mypy --strict over covtasks and its tests."""
    session.install("-e", ".[test]", "mypy", "tomli", HYPOTHESIS)
    session.run("mypy")


HYPOTHESIS = next(
    r for r in PROJECT["project"]["optional-dependencies"]["dev"] if "hypothesis" in r
)


@nox.session(python=newest_python(), default=False)
def fuzz(session: nox.Session) -> None:
    """The fuzzer (tests/fuzz): hypothesis feeds every reader of an untrusted file
    structured garbage; each must refuse it in one line, changing nothing, or read it.

    10,000 inputs per reader by default; `COVTASKS_FUZZ=ci nox -s fuzz` runs 200 per
    reader (.ci/run does), `-- -k trend` picks readers. Not run by default (minutes).
    """
    session.install("-e", ".[test]", HYPOTHESIS)
    profile = session.env.get("COVTASKS_FUZZ") or os.environ.get("COVTASKS_FUZZ", "full")
    session.run(
        "python",
        "-m",
        "pytest",
        "--fuzz",
        "tests/fuzz",
        "-p",
        "no:randomly",
        "-n",
        "auto",
        "--hypothesis-show-statistics",
        *session.posargs,
        env={"COVTASKS_FUZZ": profile},
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """The benchmarks (benchmarks/run_all.py): covtasks against the hand-rolled flows.

    Not run by default (about 30 minutes; `nox -s bench -- --quick` for a few). Arguments
    go to run_all.py, e.g. `-- --only e2e,combine --rounds 3`.
    """
    session.install("-e", ".[test]", "pytest-cov")
    session.run("python", "benchmarks/run_all.py", *session.posargs)
