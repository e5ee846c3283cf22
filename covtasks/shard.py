"""Shards of one suite (``run --job ID --shard K/N``): the split, the selection digest,
and the record a shard job's manifest keeps (pure, no I/O).

The split is deterministic for a given selection (the node ids pytest collected, after
the project's own deselection), on every machine: with recorded durations, the tests
are dealt longest first to the shard with the least expected time (greedy LPT, as
pytest-split's ``least_duration``); without them, whole test files are dealt the same
way by their number of tests. Ties go to the lowest shard and the sorted order, so
nothing depends on hashing or the collection order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from covtasks.errors import CovtasksError

SHARD = re.compile(r"(\d+)/(\d+)")
BY_DURATIONS = "durations"
BY_FILES = "files"
# Recorded durations are used when they cover at least this part of the selection.
MIN_KNOWN = 0.5
SHOWN = 3  # node ids named in an error, before "and N more"
# As many shards as `--expect` may name jobs: more is a typo or a damaged manifest, and
# checking that every shard is there must not count to 10**30.
MAX_SHARDS = 1000


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> ``Shard(2, 4)``; anything else is a usage error naming ``--shard``."""
    match = SHARD.fullmatch(text.strip())
    if match is None:
        raise CovtasksError(f"expected K/N (e.g. 2/4), got {text!r}", "--shard")
    # Past 9 digits a number is out of range anyway (and int() refuses 4,300 of them).
    index, count = (int(g) if len(g) < 10 else MAX_SHARDS + 1 for g in match.groups())
    if not 1 <= index <= count <= MAX_SHARDS:
        raise CovtasksError(
            f"shard {text!r}: K must be from 1 to N, N from 1 to {MAX_SHARDS}", "--shard"
        )
    return Shard(index, count)


def group_of(job_id: str, shard: Shard) -> str:
    """The suite a shard job belongs to: its job id without the shard number, which
    must be the job id's last number (``py3.13-shard2`` -> ``py3.13-shard``), so that
    the shards of one suite differ in it alone."""
    numbers = list(re.finditer(r"\d+", job_id))
    if not numbers or int(numbers[-1].group()) != shard.index:
        raise CovtasksError(
            f"job id {job_id!r} must end its numbers with the shard number {shard.index} "
            "(e.g. py3.13-shard2), so that each shard is its own job of one suite",
            "--shard",
        )
    last = numbers[-1]
    return job_id[: last.start()] + job_id[last.end() :]


def digest(selection: Iterable[str]) -> str:
    """The selection's fingerprint: SHA-256 of its sorted node ids as a JSON array."""
    text = json.dumps(sorted(selection), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _deal(weights: Sequence[tuple[str, float]], count: int) -> list[list[str]]:
    """Greedy LPT: heaviest first (then by name) to the least loaded shard (then the
    lowest); returns each shard's keys."""
    loads = [0.0] * count
    shards: list[list[str]] = [[] for _ in range(count)]
    for key, weight in sorted(weights, key=lambda kw: (-kw[1], kw[0])):
        target = min(range(count), key=lambda i: (loads[i], i))
        loads[target] += weight
        shards[target].append(key)
    return shards


def split_by_files(selection: Sequence[str], count: int) -> list[list[str]]:
    """Whole test files dealt to the shards by their number of tests; with fewer
    files than shards, single tests (so that no shard is left empty needlessly)."""
    sizes: dict[str, int] = {}
    for nodeid in selection:
        sizes[file_of(nodeid)] = sizes.get(file_of(nodeid), 0) + 1
    if len(sizes) < count:
        return [sorted(s) for s in _deal([(n, 1.0) for n in selection], count)]
    files = _deal([(f, float(n)) for f, n in sizes.items()], count)
    where = {f: i for i, chosen in enumerate(files) for f in chosen}
    shards: list[list[str]] = [[] for _ in range(count)]
    for nodeid in sorted(selection):
        shards[where[file_of(nodeid)]].append(nodeid)
    return shards


def split_by_durations(
    selection: Sequence[str], durations: Mapping[str, float], count: int
) -> list[list[str]]:
    """Tests dealt by recorded duration; a test without one counts as the mean."""
    known = [durations[n] for n in selection if n in durations]
    mean = sum(known) / len(known) if known else 1.0
    weights = [(n, float(durations.get(n, mean))) for n in selection]
    return [sorted(s) for s in _deal(weights, count)]


@dataclass(frozen=True)
class Plan:
    """How a selection was split: each shard's node ids, the method, and why."""

    shards: tuple[tuple[str, ...], ...]
    method: str
    note: str


def plan(selection: Sequence[str], count: int, durations: Mapping[str, float] | None) -> Plan:
    """Split by durations when they cover at least half the selection, else by files."""
    ids = sorted(set(selection))
    known = sum(1 for n in ids if durations and n in durations)
    if durations is not None and ids and known >= MIN_KNOWN * len(ids):
        shards = split_by_durations(ids, durations, count)
        note = f"split by recorded durations ({known} of {len(ids)} tests known)"
        return Plan(tuple(map(tuple, shards)), BY_DURATIONS, note)
    if not ids:
        why = "no test selected"
    elif durations is None:
        why = "no durations file"
    else:
        why = f"the durations file is stale (it knows {known} of {len(ids)} selected tests)"
    note = f"split by test files: {why}"
    return Plan(tuple(map(tuple, split_by_files(ids, count))), BY_FILES, note)


def ranges(indexes: Iterable[int]) -> list[list[int]]:
    """Sorted indexes as inclusive ``[first, last]`` runs: 0,1,2,5 -> [[0, 2], [5, 5]]."""
    runs: list[list[int]] = []
    for i in sorted(set(indexes)):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def expand(runs: Iterable[Sequence[int]]) -> list[int]:
    return [i for first, last in runs for i in range(first, last + 1)]


def pack(selection: Sequence[str]) -> list[list[Any]]:
    """Sorted node ids grouped by file: ``[[file, [names...]], ...]`` (a name of ``""``
    is a node id without ``::``)."""
    packed: list[list[Any]] = []
    for nodeid in sorted(selection):
        file, _, name = nodeid.partition("::")
        if packed and packed[-1][0] == file:
            packed[-1][1].append(name)
        else:
            packed.append([file, [name]])
    return packed


def unpack(packed: object, where: str, key: str) -> list[str]:
    if not isinstance(packed, list):
        raise CovtasksError(f"{key} is not a list", where)
    ids: list[str] = []
    for entry in packed:
        if (
            not isinstance(entry, list)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not isinstance(entry[1], list)
            or not all(isinstance(n, str) for n in entry[1])
        ):
            raise CovtasksError(f"{key} has an entry that is not [file, [names]]", where)
        ids += [f"{entry[0]}::{n}" if n else entry[0] for n in entry[1]]
    return ids


@dataclass(frozen=True)
class ShardRecord:
    """A shard job's ``shard`` manifest section: which shard of which suite, the whole
    selection (sorted, with its digest) and the indexes into it this shard ran."""

    index: int
    count: int
    group: str
    split: str
    selection: tuple[str, ...]
    ran: tuple[int, ...]

    @property
    def digest(self) -> str:
        return digest(self.selection)

    @property
    def shard(self) -> Shard:
        return Shard(self.index, self.count)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.count,
            "group": self.group,
            "split": self.split,
            "selection": {
                "count": len(self.selection),
                "digest": self.digest,
                "tests": pack(self.selection),
            },
            "ran": ranges(self.ran),
        }

    @classmethod
    def from_json(cls, value: object, where: str) -> ShardRecord:
        """Read and check a ``shard`` section; errors name ``where`` and the key."""
        if not isinstance(value, dict):
            raise CovtasksError("shard is not an object", where)
        index, count = value.get("index"), value.get("count")
        if not (_whole(index) and _whole(count) and 1 <= index <= count <= MAX_SHARDS):  # type: ignore[operator]
            raise CovtasksError(
                f"shard.index and shard.count are not a shard K/N (N at most {MAX_SHARDS})",
                where,
            )
        group, split = value.get("group"), value.get("split")
        if not isinstance(group, str) or not isinstance(split, str):
            raise CovtasksError("shard.group or shard.split is not a string", where)
        chosen = value.get("selection")
        if not isinstance(chosen, dict):
            raise CovtasksError("shard.selection is not an object", where)
        selection = unpack(chosen.get("tests"), where, "shard.selection.tests")
        if selection != sorted(set(selection)) or chosen.get("digest") != digest(selection):
            raise CovtasksError("shard.selection does not match its digest", where)
        runs = value.get("ran")
        if not isinstance(runs, list) or not all(
            isinstance(r, list) and len(r) == 2 and all(_whole(i) for i in r) for r in runs
        ):
            raise CovtasksError("shard.ran is not a list of [first, last] indexes", where)
        # Checked before expanding: [0, 10**18] must not become a list of 10**18 indexes.
        if any(not 0 <= first <= last < len(selection) for first, last in runs):
            raise CovtasksError("shard.ran has an index outside the selection", where)
        ran = expand(runs)
        return cls(int(index), int(count), group, split, tuple(selection), tuple(ran))  # type: ignore[arg-type]


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
