"""File patterns with coverage.py's semantics, so domains match what ``--include`` does.

coverage.py turns each pattern into a regex (``coverage/files.py``): ``*`` stays within
one directory, ``**/`` crosses any number of them, a trailing ``/*`` matches everything
below, a pattern without a slash matches a file name anywhere, and a pattern that does
not start with a wildcard is also tried made absolute against the project root. The
domain figures must equal ``coverage report --include=<globs>``, so the same rules are
reproduced here and tested against coverage itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

# (token regex, replacement); None means the token is not allowed in a pattern.
_TOKENS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(rx), sub)
    for rx, sub in [
        (r"\*\*\*+", None),
        (r"[^/]+\*\*+", None),
        (r"\*\*+[^/]+", None),
        (r"\*\*/\*\*", None),
        (r"^\*+/", r"(.*[/\\\\])?"),
        (r"/\*+$", r"[/\\\\].*"),
        (r"\*\*/", r"(.*[/\\\\])?"),
        (r"/", r"[/\\\\]"),
        (r"\*", r"[^/\\\\]*"),
        (r"\?", r"[^/\\\\]"),
        (r"\[.*?\]", r"\g<0>"),
        (r"[a-zA-Z0-9_-]+", r"\g<0>"),
        (r"[\[\]]", None),
        (r"[\s\S]", r"\\\g<0>"),
    ]
]


class PatternError(ValueError):
    """A file pattern that coverage.py would refuse too."""


def _glob_to_regex(pattern: str) -> str:
    pattern = pattern.replace("\\", "/")
    if "/" not in pattern:
        pattern = f"**/{pattern}"
    parts: list[str] = []
    pos = 0
    while pos < len(pattern):
        for rx, sub in _TOKENS:  # pragma: no branch - the last token matches anything
            m = rx.match(pattern, pos=pos)
            if m:
                if sub is None:
                    raise PatternError(f"a file pattern can't include {m[0]!r}")
                parts.append(m.expand(sub))
                pos = m.end()
                break
    return "".join(parts)


def check_pattern(pattern: str) -> None:
    """Raise PatternError if coverage.py would reject ``pattern``."""
    if not pattern.strip():
        raise PatternError("a file pattern can't be empty")
    _glob_to_regex(pattern)


def prep_patterns(patterns: Iterable[str], root: Path) -> list[str]:
    """Patterns as coverage.py prepares them: relative ones are also tried absolute."""
    prepped: list[str] = []
    for p in patterns:
        prepped.append(p)
        if not p.startswith(("*", "?")):
            # Normalised like coverage's abs_file: './core/*' and 'a/../b' work too.
            prepped.append(os.path.abspath(os.path.join(str(root), p)))
    return prepped


class Matcher:
    """Matches absolute file paths against patterns relative to ``root``."""

    def __init__(self, patterns: Sequence[str], root: Path) -> None:
        self.patterns = tuple(patterns)
        prepped = prep_patterns(patterns, root)
        joined = "|".join(f"(?:{_glob_to_regex(p)})" for p in prepped)
        self._rx = re.compile(rf"(?:{joined})\Z")
        self._root = root

    def match(self, path: str) -> bool:
        """True if ``path`` (absolute, or relative to the root) matches a pattern."""
        if not os.path.isabs(path):
            path = os.path.join(str(self._root), path)
        return self._rx.match(path) is not None
