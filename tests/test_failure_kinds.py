"""End-to-end: failures are classified from the exception itself, whatever ``--tb`` is.

A database that is down gives the same verdict and the same quoted error with every
traceback style, set in pytest's addopts or given after ``--``, with xdist (the
plugin's attributes cross xdist's report serialisation) and in the ``--fail-fast``
prerun. The exception quoted is the one that stopped the test, not one it was
handling; an error that only follows from an earlier setup error is counted with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.helpers import BASIC_FILES, DB_DOWN, Project

pytestmark = pytest.mark.slow
ProjectFactory = Callable[..., Project]

SQLITE_LINE = "sqlite3.OperationalError: unable to open database file"
TB_STYLES = ["native", "short", "line", "no", "long", "auto"]


def kinds(stdout: str) -> list[str]:
    """The kind lines of covtasks' description of an unstable suite."""
    after = stdout.split("nothing was written:", 1)[-1]
    return [line for line in after.splitlines() if line and not line.startswith(" ")]


def with_addopts(addopts: str) -> str:
    return BASIC_FILES["pyproject.toml"].replace(
        'pythonpath = ["."]', f'pythonpath = ["."]\n        addopts = "{addopts}"'
    )


@pytest.mark.parametrize("where", ["addopts", "after --"])
@pytest.mark.parametrize("tb", TB_STYLES)
def test_database_down_reads_the_same_with_every_tb_style(
    project: ProjectFactory, tb: str, where: str
) -> None:
    extra = dict(DB_DOWN)
    args = ["run"]
    if where == "addopts":
        extra["pyproject.toml"] = with_addopts(f"--tb={tb}")
    else:
        args += ["--", f"--tb={tb}"]
    result = project(extra=extra).run(*args)
    assert result.returncode == 3, result.stdout + result.stderr
    assert kinds(result.stdout) == ["setup errors (database): 2"], result.stdout
    described = result.stdout.split("nothing was written:")[-1]
    assert f"  {SQLITE_LINE}\n    tests/test_db.py::test_" in described


CONNECTION_REFUSED = {
    "tests/conftest.py": """
        import socket
        import pytest

        @pytest.fixture
        def db():
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            socket.create_connection(("127.0.0.1", port), timeout=5)
        """,
    "tests/test_db.py": "def test_a(db):\n    pass\n",
}

# Like Django creating a test database: it handles DuplicateDatabase itself, then fails.
HANDLED_THEN_FAILED = {
    "tests/conftest.py": """
        import sqlite3
        import pytest

        class DuplicateDatabase(Exception):
            pass

        @pytest.fixture
        def db():
            try:
                raise DuplicateDatabase('database "test_app" already exists')
            except DuplicateDatabase:
                raise sqlite3.OperationalError(
                    'database "test_app" is being accessed by other users'
                )
        """,
    "tests/test_db.py": "def test_a(db):\n    pass\n",
}


@pytest.mark.parametrize("tb", ["native", "auto"])
def test_connection_refused_is_a_database_setup_error(project: ProjectFactory, tb: str) -> None:
    result = project(extra=CONNECTION_REFUSED).run("run", "--", f"--tb={tb}")
    assert result.returncode == 3, result.stdout + result.stderr
    assert kinds(result.stdout) == ["setup errors (database): 1"], result.stdout
    described = result.stdout.split("nothing was written:")[-1]
    assert "  ConnectionRefusedError: [Errno 111] Connection refused\n" in described


@pytest.mark.parametrize("tb", ["native", "auto"])
def test_the_exception_that_stopped_the_run_is_quoted(project: ProjectFactory, tb: str) -> None:
    result = project(extra=HANDLED_THEN_FAILED).run("run", "--", f"--tb={tb}")
    assert result.returncode == 3, result.stdout + result.stderr
    assert kinds(result.stdout) == ["setup errors (database): 1"], result.stdout
    quoted = 'sqlite3.OperationalError: database "test_app" is being accessed by other users'
    described = result.stdout.split("nothing was written:")[-1]
    assert f"  {quoted}\n" in described
    assert "DuplicateDatabase" not in described


SYS_EXIT = {
    "tests/conftest.py": """
        import sys
        import pytest

        @pytest.fixture(scope="session")
        def db():
            sys.exit(1)
        """,
    "tests/test_db.py": "def test_a(db):\n    pass\n\ndef test_b(db):\n    pass\n",
}


def test_error_following_a_fixture_that_exited_is_counted_with_it(
    project: ProjectFactory,
) -> None:
    # pytest reports the second test's setup as an AssertionError of its own fixture
    # bookkeeping; it only follows from the SystemExit.
    toml = BASIC_FILES["pyproject.toml"].replace("workers = 2", "workers = 0")
    p = project(extra={**SYS_EXIT, "pyproject.toml": toml})
    result = p.run("run", "--", "-p", "no:randomly", "--tb=native")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "2 errors" in result.stdout
    assert kinds(result.stdout) == ["setup errors: 2"], result.stdout
    described = result.stdout.split("nothing was written:")[-1]
    assert "  SystemExit: 1\n    tests/test_db.py::test_a\n" in described
    # pytest 8+ fails test_b on its own fixture bookkeeping (an AssertionError that only
    # follows from the SystemExit); pytest 7.4 raises the SystemExit again for test_b.
    # Either way test_b is listed under the SystemExit, never as an error of its own.
    assert (
        "    tests/test_db.py::test_b (follows from this error)" in described
        or "  SystemExit: 1\n    tests/test_db.py::test_a\n    tests/test_db.py::test_b\n"
        in described
    ), described
    assert "AssertionError" not in described


@pytest.mark.parametrize("tb", ["native", "line", "no"])
def test_fail_fast_prerun_failures_are_described_the_same(project: ProjectFactory, tb: str) -> None:
    extra = {**DB_DOWN, "pyproject.toml": with_addopts(f"--tb={tb}")}
    result = project(extra=extra).run("run", "--fail-fast")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "covtasks: the quick run failed (pytest exit 1); nothing measured:" in result.stdout
    after = result.stdout.split("nothing measured:", 1)[1]
    assert [line for line in after.splitlines() if line and not line.startswith(" ")] == [
        "setup errors (database): 1"
    ]
    assert f"  {SQLITE_LINE}\n" in after


def test_the_plugins_description_crosses_xdist_serialisation(project: ProjectFactory) -> None:
    # The controller writes the records from reports that xdist serialised on a worker:
    # the plugin's attributes must arrive with them.
    p = project(extra=HANDLED_THEN_FAILED)
    staging = p.path("staging")
    staging.mkdir()
    ran = p.module(
        "pytest",
        "-p",
        "covtasks.pytest_plugin",
        "-n",
        "2",
        "--tb=native",
        "tests/test_db.py",
        env={"COVTASKS_STAGING": str(staging)},
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr
    (record,) = json.loads((staging / "results.json").read_text())["records"]
    assert record["message"] == (
        'sqlite3.OperationalError: database "test_app" is being accessed by other users'
    )
    assert record["types"] == ["sqlite3.OperationalError", "conftest.DuplicateDatabase"]
