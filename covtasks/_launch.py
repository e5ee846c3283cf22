"""Start coverage, then run pytest in this process: ``python _launch.py SPEC -- ARGS``.

Run by file path, never imported as ``covtasks._launch``: only the standard library and
coverage are imported before measurement starts, so no module-level line of the code
under test (covtasks included, when it measures itself) is lost, unlike plugins that
start coverage after pytest has imported half the world.

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

import json  # noqa: E402
import runpy  # noqa: E402


def main() -> int:
    spec_path, sep, *pytest_args = sys.argv[1:]
    assert sep == "--", "usage: _launch.py SPEC -- PYTEST-ARGS"
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

    import coverage

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
