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

# Running this file puts its directory (covtasks/) first on sys.path, where numbers.py
# and nox.py would shadow the standard library and nox. Like `python -m pytest`, the
# working directory leads sys.path instead.
sys.path[0] = os.getcwd()

import importlib.util  # noqa: E402
import json  # noqa: E402
import runpy  # noqa: E402

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


def main() -> int:
    spec_path, sep, *pytest_args = sys.argv[1:]
    assert sep == "--", "usage: _launch.py SPEC -- PYTEST-ARGS"
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

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
    sys.argv = ["pytest", *pytest_args]
    status = 0
    try:
        runpy.run_module("pytest", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        cov.stop()
        cov.save()
    return status


if __name__ == "__main__":
    sys.exit(main())
