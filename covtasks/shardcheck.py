"""``combine``'s proof that the shards of each suite ran every test exactly once (pure).

Shard jobs (``run --job ID --shard K/N``) record their suite group, K and N, the whole
selection and the tests they ran (``covtasks.shard.ShardRecord``). For each group:
every shard 1..N exactly once, one selection in all of them, and the tests they ran
together equal to the selection with none run twice. Jobs without a shard are whole
suites and are not part of any group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from covtasks.jobs import MANIFEST, Job
from covtasks.shard import SHOWN, ShardRecord

MANIFEST_KEY = "shard"


def records(found: Sequence[Job]) -> list[tuple[str, ShardRecord]]:
    """(job id, shard record) of each shard job; a malformed section is an error
    naming its manifest."""
    return [
        (j.id, ShardRecord.from_json(j.manifest[MANIFEST_KEY], str(j.dir / MANIFEST)))
        for j in found
        if MANIFEST_KEY in j.manifest
    ]


def named(ids: Sequence[str], total: int | None = None) -> str:
    """The first few node ids, and how many more."""
    count = len(ids) if total is None else total
    shown = ", ".join(ids[:SHOWN])
    return shown + (f" and {count - SHOWN} more" if count > SHOWN else "")


def problems(shards: Sequence[tuple[str, ShardRecord]]) -> list[str]:
    """Everything that keeps each group's shards from being one whole suite run once."""
    groups: dict[str, list[tuple[str, ShardRecord]]] = {}
    for job_id, rec in shards:
        groups.setdefault(rec.group, []).append((job_id, rec))
    found: list[str] = []
    for group in sorted(groups):
        found += _group_problems(group, groups[group])
    return found


def _group_problems(group: str, members: list[tuple[str, ShardRecord]]) -> list[str]:
    where = f"suite {group!r}"
    counts = sorted({rec.count for _, rec in members})
    if len(counts) > 1:
        said = ", ".join(f"{j}={rec.shard}" for j, rec in members)
        return [f"{where}: its shards disagree on the number of shards: {said}"]
    count = counts[0]
    found: list[str] = []
    by_index: dict[int, list[str]] = {}
    for job_id, rec in members:
        by_index.setdefault(rec.index, []).append(job_id)
    missing = [i for i in range(1, count + 1) if i not in by_index]
    if missing:
        shown = ", ".join(f"{i}/{count}" for i in missing)
        found.append(f"{where}: missing shard(s) {shown}")
    for index in sorted(by_index):
        if len(by_index[index]) > 1:
            jobs = ", ".join(by_index[index])
            found.append(f"{where}: shard {index}/{count} ran more than once (jobs {jobs})")
    digests = Counter(rec.digest for _, rec in members)
    # The selection most shards agree on (ties: the lowest shard's) is the suite's.
    ranked = sorted(members, key=lambda m: (-digests[m[1].digest], m[1].index))
    suite = ranked[0][1]
    for job_id, rec in members:
        if rec.digest != suite.digest:
            found.append(f"{where}: shard {rec.shard} (job {job_id}) " + _differs(rec, suite))
    if found:
        return found
    return _coverage_problems(where, members, suite)


def _differs(rec: ShardRecord, suite: ShardRecord) -> str:
    mine, theirs = set(rec.selection), set(suite.selection)
    lacks = sorted(theirs - mine)
    adds = sorted(mine - theirs)
    parts = [f"collected a different selection ({len(rec.selection)} tests, the others "]
    parts[0] += f"{len(suite.selection)})"
    if lacks:
        parts.append(f"{len(lacks)} missing from it: {named(lacks)}")
    if adds:
        parts.append(f"{len(adds)} not in the others': {named(adds)}")
    return ": ".join(parts[:1]) + (": " + "; ".join(parts[1:]) if parts[1:] else "")


def _coverage_problems(
    where: str, members: list[tuple[str, ShardRecord]], suite: ShardRecord
) -> list[str]:
    ran_by: dict[int, list[int]] = {}
    for _, rec in members:
        for i in rec.ran:
            ran_by.setdefault(i, []).append(rec.index)
    selection = suite.selection
    missing = [selection[i] for i in range(len(selection)) if i not in ran_by]
    doubled = [i for i in sorted(ran_by) if len(ran_by[i]) > 1]
    found: list[str] = []
    if missing:
        found.append(f"{where}: {len(missing)} test(s) ran in no shard: {named(missing)}")
    if doubled:
        shown = [f"{selection[i]} (shards {_joined(ran_by[i])})" for i in doubled]
        found.append(f"{where}: {len(doubled)} test(s) ran in more than one shard: {named(shown)}")
    return found


def _joined(indexes: Sequence[int]) -> str:
    return ", ".join(str(i) for i in sorted(indexes))
