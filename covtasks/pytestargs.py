"""pytest's arguments as bad input: test paths that do not exist, refused before anything
runs, and pytest's own usage errors (exit status 4), turned into one covtasks error line.

Usage errors are printed by pytest to stderr before any plugin is configured, so the
launcher (``_launch.py``) keeps the tail of its ``sys.stderr`` while still writing
everything through to the terminal, and saves it beside the run's results when pytest
exits 4; :func:`usage_error_line` picks pytest's message out of it.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence

from covtasks.config import Config
from covtasks.covconfig import load_toml
from covtasks.errors import CovtasksError


def usage_error_line(stderr_tail: str) -> str:
    """pytest's own usage-error message, from the end of its stderr: argparse's
    ``PROG: error: ...`` line (an unknown option), else the first ``ERROR: ...`` line
    (a missing path, a bad ini value); "" when there is none (e.g. a conftest that
    fails to import, which pytest also reports with status 4)."""
    lines = [line.strip() for line in stderr_tail.splitlines()]
    for line in lines:
        if ": error: " in line and not line.startswith("ERROR: "):
            return line.split(": error: ", 1)[1]
    for line in lines:
        if line.startswith("ERROR: ") and not line.startswith("ERROR: usage:"):
            return line[len("ERROR: ") :]
    return ""


def refuse_usage_error(exitstatus: int, usage_error: str) -> None:
    """pytest exited 4 on its arguments or configuration: bad input, not an unstable
    suite (exit 2, pytest's message in one line)."""
    if exitstatus == 4 and usage_error:
        raise CovtasksError(f"pytest refused its arguments (exit status 4): {usage_error}")


def path_args(args: Sequence[str]) -> list[tuple[int, str]]:
    """(index, path) of the arguments that name test paths; a value right after an
    option (``-k expr``) is not one. ``--pyargs`` makes them module names: none."""
    if "--pyargs" in args:
        return []
    found = []
    previous = ""
    for i, arg in enumerate(args):
        if not arg.startswith("-") and not (previous.startswith("-") and "=" not in previous):
            found.append((i, arg.split("::", 1)[0]))
        previous = arg
    return found


# pytest's options that take a match expression (``-k EXPR`` or ``-kEXPR``).
EXPRESSION_OPTIONS = ("-k", "-m")


def expression_args(args: Sequence[str]) -> list[tuple[str, str]]:
    """(option, expression) of every ``-k``/``-m`` in ``args``."""
    found = []
    for i, arg in enumerate(args):
        if arg in EXPRESSION_OPTIONS and i + 1 < len(args):
            found.append((arg, args[i + 1]))
        elif arg[:2] in EXPRESSION_OPTIONS and len(arg) > 2 and not arg.startswith("--"):
            found.append((arg[:2], arg[2:]))
    return found


def check_expressions(extra: Sequence[str]) -> None:
    """Refuse, before anything runs, a ``-k`` or ``-m`` expression pytest cannot parse:
    under pytest-xdist it is found by the workers and ends as an INTERNALERROR, not as a
    usage error. pytest's own parser decides (it has no public API for it)."""
    expressions = expression_args(extra)
    if not expressions:
        return
    from _pytest.mark import expression

    errors = (SyntaxError, getattr(expression, "ParseError", SyntaxError))
    for option, text in expressions:
        try:
            expression.Expression.compile(text)
        except errors as exc:  # SyntaxError from pytest 8.4, ParseError before
            reason = f"at column {exc.offset}: {exc.msg}" if isinstance(exc, SyntaxError) else exc
            raise CovtasksError(
                f"pytest argument {option} {text!r} (after --): not a valid expression: {reason}"
            ) from None


def check_test_paths(cfg: Config, extra: Sequence[str] = ()) -> None:
    """Refuse, before anything runs, test paths that do not exist: configured ones
    (``tool.covtasks.tests``), given after ``--``, or pytest's ``testpaths`` in this
    pyproject.toml when pytest would use them (pytest-xdist reports a missing path as
    "no tests ran", pytest as a usage error, and an unmatched ``testpaths`` entry makes
    pytest search the whole directory)."""
    check_expressions(extra)
    for i, path in path_args(cfg.tests):
        if not (cfg.root / path).exists():
            raise CovtasksError(
                f"tool.covtasks.tests[{i}]: {path!r}: no such file or directory", str(cfg.file)
            )
    for _, path in path_args(extra):
        if not (cfg.root / path).exists():
            raise CovtasksError(f"pytest argument {path!r} (after --): no such file or directory")
    if not cfg.tests and not extra:
        _check_testpaths(cfg)


_PYTEST_CONFIG_FILES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini")


def _check_testpaths(cfg: Config) -> None:
    """``testpaths`` of pyproject.toml's ``[tool.pytest]`` or ``[tool.pytest.ini_options]``,
    when no pytest-only file takes precedence (tox.ini and setup.cfg are not read)."""
    if any((cfg.root / name).is_file() for name in _PYTEST_CONFIG_FILES):
        return
    pytest_table = load_toml(cfg.file).get("tool", {}).get("pytest", {})
    if not isinstance(pytest_table, dict):
        return
    for key, table in (
        ("tool.pytest.ini_options", pytest_table.get("ini_options")),
        ("tool.pytest", pytest_table),
    ):
        testpaths = table.get("testpaths") if isinstance(table, dict) else None
        if isinstance(testpaths, str):
            testpaths = testpaths.split()
        if not isinstance(testpaths, list):
            continue
        for i, pattern in enumerate(testpaths):
            if not isinstance(pattern, str):
                continue
            where = os.path.join(glob.escape(str(cfg.root)), pattern)
            if not glob.glob(where, recursive=True):
                raise CovtasksError(
                    f"{key}.testpaths[{i}]: {pattern!r} matches no file or directory "
                    "(pytest would search the whole project instead)",
                    str(cfg.file),
                )
