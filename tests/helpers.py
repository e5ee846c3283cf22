"""Test helpers: the temporary-project builder, the CLI runners, a git-repo builder and
a CI job output builder.

Test modules import these from here; tests/conftest.py holds only fixtures and hooks.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import coverage

REPO = Path(__file__).resolve().parent.parent


class Project:
    """A temporary project on disk, with helpers to run covtasks in it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: Mapping[str, str]) -> Project:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return self

    def path(self, name: str) -> Path:
        return self.root / name

    def run(
        self, *args: str, env: Mapping[str, str | None] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """``python -m covtasks ARGS`` in the project, output captured."""
        return self.module("covtasks", *args, env=env, timeout=timeout)

    def module(
        self,
        name: str,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 600,
    ) -> subprocess.CompletedProcess[str]:
        """``python -m NAME ARGS`` (covtasks, nox, invoke...) in the project."""
        return subprocess.run(
            [sys.executable, "-m", name, *args],
            cwd=self.root,
            env=cli_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def coverage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``python -m coverage ARGS`` on the data covtasks kept."""
        return subprocess.run(
            [sys.executable, "-m", "coverage", *args, "--data-file=.covtasks/.coverage"],
            cwd=self.root,
            env=cli_env(None),
            capture_output=True,
            text=True,
            check=False,
        )


def cli_env(extra: Mapping[str, str | None] | None) -> dict[str, str]:
    """This environment for a covtasks child, with ``extra`` set (None: removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GITHUB_"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


# A small multi-package project: three domains over pkg/, with branches.
BASIC_FILES = {
    "pkg/__init__.py": "",
    "pkg/gov/__init__.py": "",
    "pkg/gov/rules.py": """
        def decide(level: int) -> str:
            if level > 3:
                return "autonomous"
            if level > 1:
                return "supervised"
            return "blocked"


        def unused(x: int) -> int:
            return x * 2
        """,
    "pkg/sec/__init__.py": "",
    "pkg/sec/tokens.py": """
        import hmac


        def sign(key: bytes, msg: bytes) -> str:
            return hmac.new(key, msg, "sha256").hexdigest()


        def verify(key: bytes, msg: bytes, sig: str) -> bool:
            if not sig:
                return False
            return hmac.compare_digest(sign(key, msg), sig)
        """,
    "pkg/epi/__init__.py": "",
    "pkg/epi/segment.py": """
        def segment(times: list[int], gap: int) -> list[list[int]]:
            out: list[list[int]] = []
            for t in times:
                if out and t - out[-1][-1] <= gap:
                    out[-1].append(t)
                else:
                    out.append([t])
            return out
        """,
    "tests/test_gov.py": """
        from pkg.gov.rules import decide

        def test_autonomous():
            assert decide(5) == "autonomous"

        def test_blocked():
            assert decide(0) == "blocked"
        """,
    "tests/test_sec.py": """
        from pkg.sec.tokens import sign, verify

        def test_roundtrip():
            assert verify(b"k", b"m", sign(b"k", b"m"))
        """,
    "tests/test_epi.py": """
        import pytest
        from pkg.epi.segment import segment

        @pytest.mark.parametrize("gap,n", [(1, 3), (10, 1)])
        def test_segment(gap, n):
            assert len(segment([1, 5, 9], gap)) == n
        """,
    "pyproject.toml": """
        [tool.pytest.ini_options]
        pythonpath = ["."]

        [tool.covtasks]
        source = ["pkg"]
        tests = ["tests"]
        workers = 2
        fail_under = 50

        [tool.covtasks.domains.governance]
        paths = ["pkg/gov/**"]
        fail_under = 50

        [tool.covtasks.domains.security]
        paths = ["pkg/sec/*.py"]
        fail_under = 50

        [tool.covtasks.domains.episodes]
        paths = ["pkg/epi/**"]
        """,
}


@dataclass(frozen=True)
class CliResult:
    """What an in-process CLI run returned and printed (named as subprocess names them)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(root: Path, *args: str) -> CliResult:
    """``covtasks ARGS`` in this process, in ``root``, output captured.

    For tests that need no subprocess: inputs refused before any test runs. Anything
    that launches the measured tests goes through :meth:`Project.run` instead.
    """
    from covtasks.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's --help and --version
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    finally:
        os.chdir(here)
    return CliResult(code, out.getvalue(), err.getvalue())


GIT_USER = ("-c", "user.email=tests@covtasks.invalid", "-c", "user.name=covtasks tests")


def git(root: Path, *args: str) -> str:
    """``git ARGS`` in ``root``, blind to the user's and the system's git config (a
    committer identity set); its stdout, stripped."""
    env = cli_env({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    proc = subprocess.run(
        ["git", *GIT_USER, *args], cwd=root, capture_output=True, text=True, check=True, env=env
    )
    return proc.stdout.strip()


def git_repo(root: Path, files: Mapping[str, str] | None = None) -> Path:
    """A git repository at ``root`` with ``files`` (written as is) in one first commit."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "first")
    return root


# A suite whose database fixture cannot connect: every test is a setup error.
DB_DOWN = {
    "tests/conftest.py": """
        import sqlite3
        import pytest

        @pytest.fixture
        def db():
            conn = sqlite3.connect("/nonexistent/dir/db.sqlite3")
            yield conn
        """,
    "tests/test_db.py": "def test_a(db):\n    pass\n\ndef test_b(db):\n    pass\n",
}

# coverage.Coverage objects a test made in this process: conftest closes their data after
# each test (Python 3.13 warns about a sqlite3 connection left to the garbage collector).
OPENED_COVERAGE: list[coverage.Coverage] = []


def write_data(path: Path, root: Path, *, branch: bool) -> None:
    """A real coverage.py data file measuring the project's own files."""
    import coverage

    data = coverage.CoverageData(basename=str(path))
    rules = str(root / "pkg" / "gov" / "rules.py")
    if branch:
        data.add_arcs({rules: {(-1, 1), (1, 2), (2, 3), (3, -1)}})
    else:
        data.add_lines({rules: [1, 2, 3]})
    data.write()
    data.close(force=True)


def write_job(p: Project, job_id: str, *, branch: bool = True) -> Path:
    """``coverage-jobs/ID/`` as ``run --job ID`` writes it: coverage.db + manifest.json."""
    import coverage

    out = p.path(f"coverage-jobs/{job_id}")
    out.mkdir(parents=True)
    root = p.root.resolve()
    write_data(out / "coverage.db", root, branch=branch)
    manifest = {
        "format": 1,
        "job": job_id,
        "created": "2026-11-27T10:00:00+00:00",
        "commit": "0123456789abcdef",
        "dirty": False,
        "root": str(root),
        "source": ["pkg"],
        "branch": branch,
        "core": "ctrace",
        "python": {"version": "3.12.0", "implementation": "CPython"},
        "platform": sys.platform,
        "machine": "x86_64",
        "versions": {"covtasks": "0", "coverage": coverage.__version__},
        "suite": {"stable": True, "collected": 6, "passed": 6, "flaky": [], "reasons": []},
        "data_file": "coverage.db",
        "data_files_combined": 2,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out
