"""The commit being measured, from git when the project is a git checkout."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from covtasks import git
from covtasks.errors import CovtasksError


@dataclass(frozen=True)
class GitInfo:
    commit: str | None
    dirty: bool = False


# The files coverage.py measures under a source root (and reports unexecuted).
_SOURCE_SUFFIXES = (".py", ".pyw")


def git_info(
    root: Path, outputs: Iterable[Path | None] = (), sources: Iterable[Path] = ()
) -> GitInfo:
    """HEAD's sha and whether the tree differs from it (None outside git).

    Dirty means a tracked file of the project differs from HEAD, or an untracked,
    not ignored Python file lies under one of ``sources`` (the measured source roots:
    such a file changes the figure as much as an edit does).

    ``outputs`` (covtasks' own metrics, trend and reports) do not make a tree dirty:
    a committed trend file is rewritten by every run.

    ``COVTASKS_COMMIT`` overrides the sha, for CI systems that check out a merge commit
    but report on the pull request head.
    """
    override = commit_override()
    if override:
        return GitInfo(override, dirty=False)
    commit = git.output(root, "rev-parse", "HEAD")
    if commit is None:
        return GitInfo(None)
    excludes = [f":(exclude){p}" for p in outputs if p is not None]
    status = git.output(root, "status", "--porcelain", "--untracked-files=no", "--", ".", *excludes)
    if status:
        return GitInfo(commit, dirty=True)
    roots = [str(s) for s in sources]
    if roots:
        untracked = git.output(
            root, "ls-files", "-z", "--others", "--exclude-standard", "--", *roots, *excludes
        )
        if untracked is None:  # git could not tell: never let the run stand as a baseline
            return GitInfo(commit, dirty=True)
        if any(name.endswith(_SOURCE_SUFFIXES) for name in untracked.split("\0")):
            return GitInfo(commit, dirty=True)
    return GitInfo(commit, dirty=False)


_SHA = re.compile(r"[0-9a-fA-F]{4,64}")


def commit_override() -> str | None:
    """``$COVTASKS_COMMIT``, checked: a commit sha (4 to 64 hex digits), or None."""
    value = (os.environ.get("COVTASKS_COMMIT") or "").strip()
    if not value:
        return None
    if not _SHA.fullmatch(value):
        raise CovtasksError(
            f"expected a commit sha (4 to 64 hex digits), got {value[:80]!r}", "$COVTASKS_COMMIT"
        )
    return value
