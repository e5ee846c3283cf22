"""The README's first commands are what .ci/run runs, and they work where the system
Python is externally managed (PEP 668): they install into a venv, never into it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO


def first_sh_block() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```sh\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    assert block is not None
    return [line for line in block[1].splitlines() if line.strip()]


def ci_readme_line(pattern: str) -> str:
    """What .ci/run's readme_line finds in the README for ``pattern``, run by bash."""
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    function = next(line for line in run.splitlines() if line.startswith("readme_line()"))
    script = f"{function}\nreadme_line {pattern!r}\n"
    result = subprocess.run(
        ["bash", "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.mark.parametrize("session", ["coverage", "tests"])
def test_ci_runs_the_readme_line(session: str) -> None:
    (line,) = [c for c in first_sh_block() if f"nox -s {session}" in c]
    command = line.split("#")[0].strip()
    assert ci_readme_line(f"nox -s {session}") == command
    assert f"eval \"$(readme_line 'nox -s {session}')\"" in (REPO / ".ci" / "run").read_text()


def test_first_commands_install_into_a_venv_only() -> None:
    commands = [c.split("#")[0].strip() for c in first_sh_block()]
    assert [c.rsplit(" ", 1)[-1] for c in commands] == ["coverage", "tests"]
    for command in commands:
        steps = [s.strip() for s in command.split("&&")]
        assert steps[0] == "python3 -m venv .venv"
        # Every later step runs the venv's python (from wherever a `cd` led): nothing
        # goes to the system one.
        where = ""
        for step in steps[1:]:
            if step.startswith("cd "):
                where = step[3:]
                assert (REPO / where).is_dir(), step
                continue
            venv = "../" * len(Path(where).parts) + ".venv/bin/python -m "
            assert step.startswith(venv), steps
