"""The one git runner: every git command covtasks runs goes through :func:`run`.

:func:`run` is strict (git's refusal is a :class:`GitError` carrying git's first line of
stderr); :func:`output` is the tolerant form for facts that are optional (``None`` when
git is missing, refuses or hangs).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from covtasks.errors import CovtasksError

# Facts that are optional must never hold a run up: a hung git counts as no answer.
TOLERANT_TIMEOUT = 30.0


class GitError(CovtasksError):
    """git refused; the message is its first line of stderr."""


def run(root: Path, *args: str, config: Sequence[str] = (), timeout: float | None = None) -> str:
    """The stdout of ``git [-c config]... args`` run in ``root``.

    Raises :class:`GitError` when git exits non-zero (or times out), and
    :class:`CovtasksError` when git cannot be started at all.
    """
    options = [item for setting in config for item in ("-c", setting)]
    try:
        proc = subprocess.run(
            ["git", *options, *args],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} timed out after {exc.timeout:g}s") from exc
    except OSError as exc:
        raise CovtasksError(f"cannot run git: {exc.strerror or exc}") from exc
    if proc.returncode != 0:
        first = next((ln.strip() for ln in proc.stderr.splitlines() if ln.strip()), "")
        raise GitError(first or f"git {args[0]} failed (exit {proc.returncode})")
    return proc.stdout


def output(root: Path, *args: str) -> str | None:
    """The stripped stdout of ``git args`` in ``root``; None when git can't tell."""
    try:
        return run(root, *args, timeout=TOLERANT_TIMEOUT).strip()
    except CovtasksError:
        return None


def merge_base(root: Path, ref: str, option: str = "--base") -> str:
    """The merge-base of ``ref`` and HEAD (a full sha).

    A ref that is not a commit here, or has no common ancestor with HEAD, is a
    :class:`CovtasksError` naming the ``option`` and the ref.
    """
    if not ref or ref.startswith("-"):
        raise CovtasksError(f"not a git ref: {ref!r}", option)
    try:
        run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise CovtasksError(f"unknown git ref {ref!r} (fetched?)", option) from None
    try:
        return run(root, "merge-base", ref, "HEAD").strip()
    except GitError:
        # Both are commits here (checked above): git finds no common ancestor.
        raise CovtasksError(
            f"no merge-base of {ref!r} and HEAD: no common ancestor in this clone's history "
            "(a shallow clone? fetch more: git fetch --unshallow)",
            option,
        ) from None


def ancestors(root: Path, commit: str) -> list[str]:
    """``commit`` and its ancestors, newest first (``git rev-list`` order): as far as the
    clone's history goes (a shallow clone stops at its boundary)."""
    return run(root, "rev-list", commit).split()


def files_at(root: Path, commit: str) -> frozenset[str] | None:
    """The paths of the files ``commit`` holds under ``root``, relative to ``root`` with
    ``/``; None when this clone does not have the commit (a shallow clone)."""
    try:
        out = run(root, "ls-tree", "-r", "--name-only", "-z", f"{commit}^{{tree}}", "--", ".")
    except GitError:
        return None
    return frozenset(name for name in out.split("\0") if name)
