"""Which trend entry a release gate (or a pull request's comparison) is measured against.

Without a base ref it is the last entry of another commit than HEAD (today's ratchet
rule); with ``--base REF`` it is the entry of the merge-base of REF and HEAD, or of the
newest ancestor of that merge-base that has one (``git rev-list`` order), so a pull
request is compared with the code it branched from, never with a newer commit of the
target branch. Entries measured with uncommitted changes (``"dirty": true``, from older
trend files) and HEAD's own entry are never a baseline.

The selection rules are pure (:func:`latest_of_another_commit`,
:func:`newest_ancestor_entry`); :func:`choose` adds the git facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from covtasks import git
from covtasks.errors import CovtasksError
from covtasks.trend import Baseline


@dataclass(frozen=True)
class Choice:
    """The baseline chosen (None: there is none), and why, in words for a check's line."""

    baseline: Baseline | None
    # When ``baseline`` is None: what was looked for ("no trend entry for ... or any of
    # its ancestors"); "" when nothing was asked for (no base ref, empty trend).
    note: str = ""


def describe(baseline: Baseline) -> str:
    """``abc1234 (2026-11-27)``: how checks name their baseline."""
    return f"{(baseline.commit or 'no commit')[:7]} ({baseline.date})"


def usable(baseline: Baseline, head: str | None) -> bool:
    return baseline.commit != head and not baseline.dirty


def latest_of_another_commit(baselines: Sequence[Baseline], head: str | None) -> Baseline | None:
    """The last usable entry of another commit than ``head`` (pure)."""
    return next((b for b in reversed(baselines) if usable(b, head)), None)


def newest_ancestor_entry(
    baselines: Sequence[Baseline], ancestors: Iterable[str], head: str | None
) -> Baseline | None:
    """The usable entry of the first commit of ``ancestors`` (newest first) that has
    one (pure). Of several entries of one commit, the last."""
    by_commit = {b.commit: b for b in baselines if b.commit is not None and usable(b, head)}
    return next((by_commit[c] for c in ancestors if c in by_commit), None)


def choose(root: Path, baselines: Sequence[Baseline], head: str | None, base: str | None) -> Choice:
    """The baseline for HEAD: the last entry of another commit, or with ``base`` the
    entry of the merge-base of ``base`` and HEAD (or its newest ancestor with one).

    A bad ``base`` (not a commit, no common ancestor) raises a CovtasksError naming it.
    """
    if base is None:
        return Choice(latest_of_another_commit(baselines, head))
    if head is None:
        raise CovtasksError("needs a git checkout: there is no HEAD here", "--base")
    fork = git.merge_base(root, base)
    found = newest_ancestor_entry(baselines, git.ancestors(root, fork), head)
    if found is not None:
        return Choice(found)
    return Choice(
        None,
        f"no trend entry for the merge-base {fork[:7]} of {base} and HEAD or any of its "
        "ancestors: nothing to compare against (a shallow clone? fetch the history)",
    )
