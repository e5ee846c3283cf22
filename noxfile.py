"""covtasks' own sessions. It measures itself with its own sessions (dogfooding)."""

from __future__ import annotations

import nox

import covtasks.nox

nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["tests", "lint", "types"]

# covtasks creates coverage.Coverage objects while it is being measured; coverage.py
# stops saving a process's measurement when that happens unless COVERAGE_COVERAGE is
# set (the switch coverage.py uses to measure itself).
covtasks.nox.install(env={"COVERAGE_COVERAGE": "1"})


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit and end-to-end), as .ci/run runs it."""
    session.install("-e", ".[test]")
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
    session.install("-e", ".[test]", "mypy", "tomli")
    session.run("mypy")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """The benchmarks (benchmarks/run_all.py): covtasks against the hand-rolled flows.

    Not run by default (about 30 minutes; `nox -s bench -- --quick` for a few). Arguments
    go to run_all.py, e.g. `-- --only e2e,combine --rounds 3`.
    """
    session.install("-e", ".[test]", "pytest-cov")
    session.run("python", "benchmarks/run_all.py", *session.posargs)
