"""Exit statuses and the one exception type the CLI turns into a message line."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
EXIT_UNSTABLE = 3
EXIT_INTERRUPTED = 130


class CovtasksError(Exception):
    """A problem the user can fix: printed as one line, no traceback.

    ``where`` names the file (and key or entry) at fault, so every message reads
    ``FILE: KEY: what is wrong``.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def line(self) -> str:
        """The one line the CLI prints: a line break in a name or value the message
        quotes (a file name, an environment variable) is shown escaped."""
        return "covtasks: error: " + one_line(str(self))


# Every character str.splitlines() breaks at.
_BREAKS = {c: repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: str) -> str:
    """``text`` with its line breaks escaped (``\\n``), so it prints as one line."""
    return "".join(_BREAKS.get(c, c) for c in text)
