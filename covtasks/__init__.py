"""covtasks: a coverage number you can trust, from one command.

The pipeline is ``config -> stable -> combine -> analyse -> publish -> gate``; each
stage is a module with a small pure core. The public entry points are the CLI
(``python -m covtasks``) and :func:`covtasks.nox.install`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from covtasks.errors import (
    EXIT_BAD_INPUT,
    EXIT_BELOW_THRESHOLD,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNSTABLE,
    CovtasksError,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BELOW_THRESHOLD",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNSTABLE",
    "CovtasksError",
    "__version__",
]
