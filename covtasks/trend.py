"""The trend file: ``{"format": 1, "baselines": [...]}``, appended, never truncated.

Each baseline is ``{"date", "timestamp", "commit", "overall", "domains": {...},
"flaky", "missing": {...}}``; ``missing`` (the missing statements of each file that has
any, for the file ratchet) is optional: entries written before it are read as they are,
and readers that predate it ignore it, so the format stays 1. A re-run on the same
commit replaces that commit's entry (a run with uncommitted changes writes none: see
``covtasks.orchestrate``); everything else is kept verbatim, including older flat entries
(``{"date", "overall", "governance", ...}``) written by hand-rolled scripts. A file
that cannot be read as a trend is refused, never overwritten.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from covtasks.errors import CovtasksError
from covtasks.files import locked, unfinished_writes
from covtasks.publication import Publication, publication

FORMAT = 1
# String-valued keys a flat (legacy) entry may carry besides its figures.
_META_KEYS = frozenset({"date", "timestamp", "commit", "note", "branch", "dirty", "flaky"})


@dataclass(frozen=True)
class Baseline:
    """A normalised view of one trend entry, flat or current."""

    date: str
    commit: str | None
    overall: float
    domains: Mapping[str, float]
    flaky: int | None = None
    # Measured with uncommitted changes: not a statement about its commit. covtasks no
    # longer writes such entries; older trend files may hold them ("dirty": true).
    dirty: bool = False
    # File path -> missing statements, the files with any (None: an entry written
    # before covtasks kept them).
    missing: Mapping[str, int] | None = None


def _is_number(value: object) -> bool:
    """A finite int or float (JSON's NaN and Infinity are not figures)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def _repair_hint(where: str) -> str:
    return (
        f"fix it by hand, or move it aside (mv {where} {where}.bak) to start a new trend; "
        "covtasks never overwrites a trend it cannot read"
    )


class TrendError(CovtasksError):
    """The trend file can't be used.

    ``problem`` is what is wrong, bare; ``key`` names the entry at fault (``baselines[3]``)
    within the file ``path``; ``fix`` says how to repair it by hand ("" when the problem
    already says what to do); ``newer`` is set when a newer covtasks wrote the file.
    """

    def __init__(
        self, problem: str, path: str, key: str = "", fix: str = "", *, newer: bool = False
    ) -> None:
        super().__init__(f"{problem}; {fix}" if fix else problem, f"{path}: {key}" if key else path)
        self.problem = problem
        self.key = key
        self.fix = fix
        self.newer = newer

    @property
    def detail(self) -> str:
        """The problem and the entry it is in, without the file or the fix."""
        return f"{self.key}: {self.problem}" if self.key else self.problem


def parse_baseline(entry: object, where: str, key: str = "") -> Baseline:
    """Validate one entry (``where`` names the file, ``key`` the entry: ``baselines[3]``)."""
    if not isinstance(entry, dict):
        raise TrendError("expected an object", where, key)
    if "overall" not in entry:
        raise TrendError("has no 'overall' figure", where, key)
    if not _is_number(entry["overall"]):
        raise TrendError(f"'overall' is not a number: {entry['overall']!r}", where, key)
    commit = entry.get("commit")
    if commit is not None and not isinstance(commit, str):
        raise TrendError(f"'commit' is not a string: {commit!r}", where, key)
    flaky = entry.get("flaky")
    if flaky is not None and not _is_number(flaky):
        raise TrendError(f"'flaky' is not a number: {flaky!r}", where, key)
    if "domains" in entry:
        raw = entry["domains"]
        if not isinstance(raw, dict):
            raise TrendError("'domains' is not an object", where, key)
        figures = raw
    else:
        figures = {k: v for k, v in entry.items() if k not in _META_KEYS and k != "overall"}
    for name, value in figures.items():
        if not _is_number(value):
            raise TrendError(f"figure {name!r} is not a number: {value!r}", where, key)
    return Baseline(
        date=str(entry.get("date", "")),
        commit=commit,
        overall=float(entry["overall"]),
        domains={k: float(v) for k, v in figures.items()},
        flaky=None if flaky is None else int(flaky),
        dirty=entry.get("dirty") is True,
        missing=_missing(entry, where, key) if "domains" in entry else None,
    )


def _missing(entry: Mapping[str, Any], where: str, key: str) -> dict[str, int] | None:
    """The per-file missing counts of an entry (None: it has none)."""
    raw = entry.get("missing")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TrendError("'missing' is not an object", where, key)
    for path, count in raw.items():
        if not _is_number(count) or count < 0 or count != int(count):
            raise TrendError(f"missing count of {path!r} is not a count: {count!r}", where, key)
    return {path: int(count) for path, count in raw.items()}


def parse_trend(doc: object, where: str) -> list[dict[str, Any]]:
    """Validate a parsed trend document; return its entries untouched."""
    if not isinstance(doc, dict):
        raise TrendError(
            "expected an object with a 'baselines' array", where, fix=_repair_hint(where)
        )
    fmt = doc.get("format", FORMAT)
    if not _is_number(fmt) or fmt != int(fmt):
        raise TrendError(f"'format' is not a whole number: {fmt!r}", where)
    if fmt > FORMAT:
        raise TrendError(
            f"trend format {fmt} was written by a newer covtasks (this one reads "
            f"format {FORMAT}); upgrade covtasks",
            where,
            newer=True,
        )
    entries = doc.get("baselines")
    if not isinstance(entries, list):
        raise TrendError("'baselines' is missing or not an array", where, fix=_repair_hint(where))
    for i, entry in enumerate(entries):
        parse_baseline(entry, where, f"baselines[{i}]")
    return entries


def load_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of the trend at ``path`` ([] when it does not exist yet)."""
    if not path.exists():
        return []
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TrendError(f"cannot read the trend file: {exc}", where) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrendError(f"not valid JSON ({exc})", where, fix=_repair_hint(where)) from exc
    return parse_trend(doc, where)


def baselines(entries: Sequence[Mapping[str, Any]]) -> list[Baseline]:
    return [parse_baseline(dict(e), f"baselines[{i}]") for i, e in enumerate(entries)]


def merge(entries: Sequence[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Append ``entry``; it replaces an entry of the same commit (or, without a commit,
    a commit-less entry of the same date). Order and all other entries are kept."""
    commit = entry.get("commit")

    def same(old: Mapping[str, Any]) -> bool:
        if commit is not None:
            return bool(old.get("commit") == commit)
        return old.get("commit") is None and old.get("date") == entry.get("date")

    kept = [e for e in entries if not (isinstance(e, dict) and "domains" in e and same(e))]
    return [*kept, entry]


def make_entry(
    *,
    date: str,
    timestamp: str,
    commit: str | None,
    overall: float,
    domains: Mapping[str, float],
    flaky: int,
    missing: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "date": date,
        "timestamp": timestamp,
        "commit": commit,
        "overall": overall,
        "domains": dict(domains),
        "flaky": flaky,
    }
    if missing is not None:
        entry["missing"] = dict(missing)
    return entry


def stage(pub: Publication, path: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Prepare the trend with ``entry`` merged in as part of ``pub``; the new entries.

    The caller holds the trend's lock from here until ``pub`` is committed."""
    entries = merge(load_entries(path), entry)
    text = json.dumps({"format": FORMAT, "baselines": entries}, indent=2) + "\n"
    pub.write_text(path, text)
    return entries


def remove_unfinished(path: Path) -> None:
    """Under the lock, after a commit: a temp file left beside the trend now is from a
    writer that was killed mid-write (the trend itself is intact): remove it."""
    for stale in unfinished_writes(path):
        stale.unlink(missing_ok=True)


def append(path: Path, entry: dict[str, Any], lock: Path) -> list[dict[str, Any]]:
    """Locked read-merge-write of the trend file alone; returns the new entries.

    ``lock`` lives in the project's private ``.covtasks/`` directory, so no lock file
    appears beside a trend that is committed to the repository.
    """
    with locked(lock), publication() as pub:
        entries = stage(pub, path, entry)
        pub.commit()
        remove_unfinished(path)
    return entries
