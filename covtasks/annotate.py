"""GitHub workflow-command annotations of the uncovered changed lines (``diff --annotate``).

Pure but for resolving symlinks: :func:`find` turns a
:class:`~covtasks.diffcov.PatchResult` into one :class:`Annotation` per run of
consecutive uncovered changed statements (the ranges the text report lists), with paths
relative to the repository root as GitHub needs them; :func:`github` renders them as
``::warning`` commands, escaped by GitHub's rules (``%``, CR and LF in the message;
also ``:`` and ``,`` in properties), at most :data:`CAP` of them and one ``::notice``
that summarises the rest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from covtasks.diffcov import PatchResult, spans

# GitHub shows at most 10 warning annotations per step (and 50 per job).
CAP = 10
FORMATS = ("github",)


@dataclass(frozen=True)
class Annotation:
    """Uncovered changed statements ``line`` to ``end_line`` of ``path`` (POSIX, relative
    to the repository root)."""

    path: str
    line: int
    end_line: int

    @property
    def lines(self) -> str:
        return str(self.line) if self.line == self.end_line else f"{self.line}-{self.end_line}"


def repo_path(root: Path, name: str, top: Path) -> str:
    """A measured file's name (relative to the project ``root`` or absolute) relative to
    the repository's top level, with ``/`` separators (symlinks resolved on both sides)."""
    real = os.path.realpath(os.path.join(root, name))  # not normcase'd: GitHub's case
    return Path(os.path.relpath(real, os.path.realpath(top))).as_posix()


def find(result: PatchResult, root: Path, top: Path) -> list[Annotation]:
    """One annotation per run of uncovered changed statements, by path then line."""
    found = [
        Annotation(repo_path(root, f.path, top), a, b)
        for f in result.files
        for a, b in spans(f.uncovered)
    ]
    return sorted(found, key=lambda a: (a.path, a.line))


def escape_data(value: str) -> str:
    """A workflow command's message, escaped as the GitHub runner unescapes it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value (``file=``, ``title=``), escaped."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: Sequence[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{kind} {props}::{escape_data(message)}"


def github(found: Sequence[Annotation], cap: int = CAP) -> list[str]:
    """The workflow commands: a ``::warning`` per annotation up to ``cap``, then one
    ``::notice`` that names how many more there are and in which files."""
    lines: list[str] = []
    for a in found[:cap]:
        several = a.line != a.end_line
        title = "Changed lines not covered" if several else "Changed line not covered"
        verb = "are" if several else "is"
        message = f"Changed line{'s' if several else ''} {a.lines} {verb} not run by the tests."
        props = [("file", a.path), ("line", str(a.line)), ("endLine", str(a.end_line))]
        lines.append(_command("warning", [*props, ("title", title)], message))
    rest = found[cap:]
    if rest:
        files = sorted({a.path for a in rest})
        ranges = "; ".join(
            f"{path}: {', '.join(a.lines for a in rest if a.path == path)}" for path in files
        )
        message = (
            f"{len(rest)} more uncovered changed range{'s' if len(rest) > 1 else ''} "
            f"not annotated (GitHub shows {cap} warnings per step): {ranges}"
        )
        lines.append(_command("notice", [("title", "More changed lines not covered")], message))
    return lines
