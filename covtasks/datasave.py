"""Saving a measured process's coverage data: a failure is one line, not a traceback.

Two kinds of process save data. The launcher (``_launch.py``, the pytest process)
saves its own after pytest returns. Every measured subprocess (an xdist worker, started
under coverage.py's subprocess patch) is saved by coverage.py's exit handler, which
lets a failed save (a full disk, a file-size limit, no write permission) print a
traceback in the middle of the test output. :func:`guard_exit_save`, called by the
covtasks pytest plugin in each xdist worker, makes that save print the same one line
as the launcher's; covtasks then refuses the run, naming the missing data file.

The handler itself is left where coverage.py registered it (first, so it runs after
every other exit handler, whose code is measured): only the instance's ``save`` is
wrapped, through public API (``Coverage.current()``, ``save()``, ``get_option()``).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

# The launcher's exit status when coverage could not save its data (pytest's are 0-5).
SAVE_FAILED = 70


def save_or_say(save: Callable[[], None], data_file: str, who: str) -> bool:
    """Call ``save``; on failure print one line naming the data file's directory and
    ``who`` could not save, and return False."""
    from coverage.exceptions import CoverageException

    try:
        save()
    except (CoverageException, OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        print(
            f"covtasks: error: {os.path.dirname(data_file)}: {who} could not save its "
            f"coverage data: {' '.join(str(reason).split())}",
            file=sys.stderr,
            flush=True,
        )
        return False
    return True


def guard_exit_save(who: str) -> bool:
    """Make the running ``coverage.Coverage``'s exit-time save report a failure as one
    line (see the module docstring); False when this process is not measured."""
    try:
        import coverage
    except ImportError:  # pragma: no cover - covtasks depends on coverage
        return False
    cov: Any = coverage.Coverage.current()
    if cov is None:
        return False
    save = cov.save
    data_file = os.path.abspath(str(cov.get_option("run:data_file")))

    def guarded() -> None:
        save_or_say(save, data_file, who)

    cov.save = guarded  # the instance's, not the class's: coverage's handler calls it
    return True
