"""The trend file: ``{"format": 1, "baselines": [...]}``, appended, never truncated.

Each baseline is ``{"date", "timestamp", "commit", "overall", "domains": {...},
"flaky"}``. A re-run on the same commit replaces that commit's entry (a run with
uncommitted changes writes none: see ``covtasks.report``); everything else
is kept verbatim, including older flat entries (``{"date", "overall", "governance",
...}``) written by hand-rolled scripts. A file that cannot be read as a trend is
refused, never overwritten.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from covtasks.errors import CovtasksError
from covtasks.files import locked, unfinished_writes, write_json_atomic

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


def parse_baseline(entry: object, where: str) -> Baseline:
    """Validate one entry (``where`` names it, e.g. ``trend.json: baselines[3]``)."""
    if not isinstance(entry, dict):
        raise CovtasksError("expected an object", where)
    if "overall" not in entry:
        raise CovtasksError("has no 'overall' figure", where)
    if not _is_number(entry["overall"]):
        raise CovtasksError(f"'overall' is not a number: {entry['overall']!r}", where)
    commit = entry.get("commit")
    if commit is not None and not isinstance(commit, str):
        raise CovtasksError(f"'commit' is not a string: {commit!r}", where)
    flaky = entry.get("flaky")
    if flaky is not None and not _is_number(flaky):
        raise CovtasksError(f"'flaky' is not a number: {flaky!r}", where)
    if "domains" in entry:
        raw = entry["domains"]
        if not isinstance(raw, dict):
            raise CovtasksError("'domains' is not an object", where)
        figures = raw
    else:
        figures = {k: v for k, v in entry.items() if k not in _META_KEYS and k != "overall"}
    for name, value in figures.items():
        if not _is_number(value):
            raise CovtasksError(f"figure {name!r} is not a number: {value!r}", where)
    return Baseline(
        date=str(entry.get("date", "")),
        commit=commit,
        overall=float(entry["overall"]),
        domains={k: float(v) for k, v in figures.items()},
        flaky=None if flaky is None else int(flaky),
        dirty=entry.get("dirty") is True,
    )


def parse_trend(doc: object, where: str) -> list[dict[str, Any]]:
    """Validate a parsed trend document; return its entries untouched."""
    if not isinstance(doc, dict):
        raise CovtasksError(
            f"expected an object with a 'baselines' array; {_repair_hint(where)}", where
        )
    fmt = doc.get("format", FORMAT)
    if not _is_number(fmt) or fmt != int(fmt):
        raise CovtasksError(f"'format' is not a whole number: {fmt!r}", where)
    if fmt > FORMAT:
        raise CovtasksError(
            f"trend format {fmt} was written by a newer covtasks (this one reads "
            f"format {FORMAT}); upgrade covtasks",
            where,
        )
    entries = doc.get("baselines")
    if not isinstance(entries, list):
        raise CovtasksError(f"'baselines' is missing or not an array; {_repair_hint(where)}", where)
    for i, entry in enumerate(entries):
        parse_baseline(entry, f"{where}: baselines[{i}]")
    return entries


def load_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of the trend at ``path`` ([] when it does not exist yet)."""
    if not path.exists():
        return []
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CovtasksError(f"cannot read the trend file: {exc}", where) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CovtasksError(f"not valid JSON ({exc}); {_repair_hint(where)}", where) from exc
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
) -> dict[str, Any]:
    return {
        "date": date,
        "timestamp": timestamp,
        "commit": commit,
        "overall": overall,
        "domains": dict(domains),
        "flaky": flaky,
    }


def append(path: Path, entry: dict[str, Any], lock: Path) -> list[dict[str, Any]]:
    """Locked read-merge-write of the trend file; returns the new entries.

    ``lock`` lives in the project's private ``.covtasks/`` directory, so no lock file
    appears beside a trend that is committed to the repository.
    """
    with locked(lock):
        entries = merge(load_entries(path), entry)
        write_json_atomic(path, {"format": FORMAT, "baselines": entries})
        # Writers hold the lock, so a temp file left beside the trend now is from a
        # writer that was killed mid-write (the trend itself is intact): remove it.
        for stale in unfinished_writes(path):
            stale.unlink(missing_ok=True)
    return entries
