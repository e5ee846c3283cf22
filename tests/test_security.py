"""What covtasks executes (issue 17): every process it starts is given an argument list,
never a shell string, so nothing built from configuration, job manifests or arguments
is ever interpreted by a shell. Checked on the source itself, so it stays that way."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

import covtasks
from covtasks import measure

SOURCE = Path(covtasks.__file__).resolve().parent
MODULES = sorted(SOURCE.rglob("*.py"))

# Calls that always go through a shell, whatever they are given.
SHELL_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
# Calls that start a process from their first argument.
PROCESS_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.Popen",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "session.run",
        "session.run_always",
        "session.run_install",
    }
)
# invoke's Context.run always runs a shell: covtasks.tasks gives it a command line whose
# every word is quoted (tests/test_tasks.py checks it splits back into the argv).
SHELL_BY_DESIGN = {("tasks.py", "c.run")}


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def calls(path: Path) -> list[tuple[str, ast.Call]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [(dotted(n.func), n) for n in ast.walk(tree) if isinstance(n, ast.Call)]


def is_string(node: ast.expr) -> bool:
    """A literal, formatted or concatenated string: a command line, not an argv."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and (is_string(node.left) or is_string(node.right))


def problems(path: Path, root: Path = SOURCE) -> list[str]:
    found = []
    for name, call in calls(path):
        where = f"{path.relative_to(root)}:{call.lineno}: {name}"
        if name in SHELL_CALLS or name.startswith("os.spawn"):
            found.append(f"{where} runs a shell")
        for keyword in call.keywords:
            shell_off = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            if keyword.arg == "shell" and not shell_off:
                found.append(f"{where} passes shell={ast.unparse(keyword.value)}")
        if name in PROCESS_CALLS and call.args and is_string(call.args[0]):
            found.append(f"{where} is given a command string")
        if name.endswith(".run") and (path.name, name) in SHELL_BY_DESIGN:
            continue
        if name in {"c.run", "ctx.run", "context.run"}:
            found.append(f"{where}: invoke runs a shell")
    return found


def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os, subprocess\n"
        "os.system('ls')\n"
        "subprocess.run('ls -l', shell=True)\n"
        "subprocess.Popen(f'git {ref}')\n"
        "os.popen('ls')\n"
        "c.run('covtasks run')\n",
        encoding="utf-8",
    )
    assert len(problems(bad, tmp_path)) == 6  # the shell=True call twice: string too


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_shell_runs_what_covtasks_starts(module: Path) -> None:
    assert problems(module) == []


def test_every_process_start_is_known() -> None:
    """The modules that start processes, so a new one is reviewed (and documented in
    the README's list of what covtasks runs)."""
    starting = {
        str(m.relative_to(SOURCE))
        for m in MODULES
        for name, _ in calls(m)
        if name in PROCESS_CALLS or name in {"c.run"}
    }
    assert starting == {"git.py", "htmlxml.py", "measure.py", "nox.py", "tasks.py"}


def test_the_measured_run_gets_the_users_environment_plus_covtasks_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("USER_SETTING", "kept")
    monkeypatch.setenv("COVERAGE_PROCESS_START", "/outer/.coveragerc")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw9")
    monkeypatch.delenv("COVERAGE_CORE", raising=False)
    env = measure.child_env(tmp_path, "ctrace")
    assert env["USER_SETTING"] == "kept"
    assert "COVERAGE_PROCESS_START" not in env
    assert "PYTEST_XDIST_WORKER" not in env
    assert env["COVTASKS_STAGING"] == str(tmp_path)
    assert env["COVERAGE_CORE"] == "ctrace"
    added = set(env) - set(os.environ)
    assert added <= {"COVTASKS_STAGING", "COVERAGE_CORE", "PYTHONPATH"}
    monkeypatch.setenv("COVERAGE_CORE", "pytrace")  # the user's choice wins
    assert measure.child_env(tmp_path, "ctrace")["COVERAGE_CORE"] == "pytrace"
