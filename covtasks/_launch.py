"""Start coverage, then run pytest in this process: ``python _launch.py SPEC -- ARGS``.

Run by file path, never imported as ``covtasks._launch``: only the standard library,
coverage and pytest itself (not its plugins, not a conftest file) are imported before
measurement starts, so no module-level line of the code under test (covtasks included,
when it measures itself) is lost, unlike plugins that start coverage after pytest has
loaded plugins and conftest files.

coverage.py reads the project's own configuration as usual; this launcher adds only
what covtasks needs through coverage's public API: parallel data files in the staging
directory, the subprocess patch (xdist workers and any Python subprocess are measured
from interpreter start), the source roots and branch setting.
"""

import os
import sys

# Running this file puts its directory (covtasks/) first on sys.path, where nox.py
# would shadow nox itself. Like `python -m pytest`, the working directory leads
# sys.path instead.
sys.path[0] = os.getcwd()

import collections  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import runpy  # noqa: E402
from typing import Any, TextIO  # noqa: E402

# What `import pytest` imports. pytest-cov starts coverage after pytest has imported
# them; here they are imported before coverage starts too, unless one of them is the
# code being measured: tracing their start-up (even without recording a line) costs
# every run ~0.15 s of CPU for lines nobody asked for.
PYTEST_IMPORTS = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging")


def preimport_pytest(source: list[str]) -> bool:
    """Import pytest before measurement starts when none of it is under ``source``."""
    roots = [os.path.join(os.path.realpath(s), "") for s in source]
    for name in PYTEST_IMPORTS:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = os.path.realpath(spec.origin) if spec and spec.origin else ""
        if any(origin.startswith(root) for root in roots):
            return False
    import pytest  # noqa: F401

    return True


class StderrTail:
    """``sys.stderr`` that also keeps what was written last: pytest prints a usage
    error (an unknown option, a missing path) there and exits 4, before any plugin
    could record it. Everything else is the real stream's (``fileno()`` included, for
    faulthandler); only this process's ``sys.stderr`` is wrapped, not fd 2."""

    def __init__(self, stream: TextIO, keep: int = 64) -> None:
        self.stream = stream
        self.tail: collections.deque[str] = collections.deque(maxlen=keep)

    def write(self, text: str) -> int:
        self.tail.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def run_pytest(pytest_args: list[str], usage_file: str) -> int:
    """pytest's ``__main__`` with these arguments; its exit status. On a usage error
    (status 4) the tail of its stderr is saved to ``usage_file`` for covtasks."""
    sys.argv = ["pytest", *pytest_args]
    status = 0
    tail = StderrTail(sys.stderr)
    sys.stderr = tail
    try:
        runpy.run_module("pytest", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    except ImportError as exc:
        # pytest < 8 lets a ``-p`` plugin that cannot be imported escape its ``main``
        # (a traceback); newer pytest reports it as a usage error, status 4: the same.
        tail.write(f"ERROR: {exc}\n")
        status = 4
    finally:
        sys.stderr = tail.stream
    if status == 4 and usage_file:
        with open(usage_file, "w", encoding="utf-8") as f:
            f.write("".join(tail.tail))
    return status


def main() -> int:
    spec_path, sep, *pytest_args = sys.argv[1:]
    assert sep == "--", "usage: _launch.py SPEC -- PYTEST-ARGS"
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    usage_file = str(spec.get("usage_file", ""))
    if not spec.get("measure", True):  # the --fail-fast quick run
        return run_pytest(pytest_args, usage_file)

    import coverage

    preimport_pytest(spec["source"])
    cov = coverage.Coverage(
        config_file=spec["config_file"],
        data_file=spec["data_file"],
        data_suffix=True,
        source=spec["source"],
        branch=spec["branch"],
    )
    patches = set(cov.get_option("run:patch") or [])  # type: ignore[arg-type]
    cov.set_option("run:patch", sorted(patches | {"subprocess"}))
    cov.set_option("run:parallel", True)
    # The xdist controller runs no test: its "no data" warnings are noise. covtasks
    # checks the combined data itself and says which source was never imported.
    quiet = set(cov.get_option("run:disable_warnings") or [])  # type: ignore[arg-type]
    cov.set_option(
        "run:disable_warnings", sorted(quiet | {"no-data-collected", "module-not-imported"})
    )
    cov.start()
    try:
        status = run_pytest(pytest_args, usage_file)
    finally:
        cov.stop()
    return save(cov, spec["data_file"], status)


def save(cov: Any, data_file: str, status: int) -> int:
    """Save the measured data (measurement has stopped: importing covtasks loses no
    line); a failure is one line on stderr and ``SAVE_FAILED``, not a traceback."""
    from covtasks.datasave import SAVE_FAILED, save_or_say

    if not save_or_say(cov.save, data_file, "the measured process"):
        return SAVE_FAILED
    return status


if __name__ == "__main__":
    sys.exit(main())
