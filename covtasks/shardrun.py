"""The shell of ``run --job ID --shard K/N`` and of the durations file around a run:
what the measured run is told, what the plugin recorded, and the lines printed.

The split itself is ``covtasks.shard``'s (pure); the pytest plugin applies it after
collection, because only pytest knows the selection.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from covtasks import durations, shard
from covtasks.config import Config, display_path
from covtasks.errors import CovtasksError
from covtasks.jobs import MANIFEST, Job
from covtasks.publication import Publication
from covtasks.staging import DURATIONS_ENV, RESULTS_FILE, SHARD_ENV, SHARD_FILE

# The key of a job manifest that holds its tests' durations (as a durations file does).
DURATIONS_KEY = "durations"


def prepare(cfg: Config, job_id: str | None, part: shard.Shard | None) -> str | None:
    """Checks before any test runs: ``--shard`` needs ``--job`` and a job id naming the
    shard; the durations file, when there is one, must be readable. Returns the suite
    group of the shard (None without ``--shard``)."""
    if cfg.durations is not None:
        durations.read(cfg.durations)
    if part is None:
        return None
    if not job_id:
        raise CovtasksError("--shard needs --job ID: a shard is one CI job", "--shard")
    return shard.group_of(job_id, part)


def measured_env(cfg: Config, part: shard.Shard | None) -> dict[str, str]:
    """The variables that make the plugin keep one shard of the selection."""
    if part is None:
        return {}
    env = {SHARD_ENV: str(part)}
    if cfg.durations is not None:
        env[DURATIONS_ENV] = str(cfg.durations)
    return env


def record(staging: Path, group: str, part: shard.Shard) -> tuple[shard.ShardRecord, str]:
    """The plugin's record of the selection and of this shard's tests, and its note."""
    path = staging / SHARD_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CovtasksError(
            "the covtasks pytest plugin recorded no shard selection (did collection run?)",
            str(path),
        ) from exc
    selection = [str(n) for n in data["selection"]]
    rec = shard.ShardRecord(
        index=part.index,
        count=part.count,
        group=group,
        split=str(data["split"]),
        selection=tuple(selection),
        ran=tuple(shard.expand(data["ran"])),
    )
    return rec, str(data.get("note", ""))


def shard_line(job_id: str, rec: shard.ShardRecord, note: str) -> str:
    return (
        f"covtasks: job {job_id}: shard {rec.shard} of suite {rec.group!r} ran "
        f"{len(rec.ran)} of {len(rec.selection)} selected tests ({note})"
    )


def job_facts(
    staging: Path, job_id: str, group: str | None, part: shard.Shard | None, out: TextIO
) -> tuple[dict[str, float], shard.ShardRecord | None]:
    """What a job's manifest adds about its tests: their durations and, for a shard,
    its record (printed with how the selection was split)."""
    if part is None or group is None or not (staging / SHARD_FILE).is_file():
        return run_durations(staging), None
    rec, note = record(staging, group, part)
    print(shard_line(job_id, rec, note), file=out)
    return run_durations(staging), rec


def jobs_durations(found: Sequence[Job]) -> dict[str, float]:
    """The jobs' recorded durations merged (checked: manifests are untrusted input)."""
    timed = []
    for job in found:
        if DURATIONS_KEY in job.manifest:
            timed.append(durations.parse(job.manifest[DURATIONS_KEY], str(job.dir / MANIFEST)))
    return durations.merge(timed)


def run_durations(staging: Path) -> dict[str, float]:
    """The durations of the measured run (not its reruns) in ``staging``."""
    path = staging / RESULTS_FILE
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return durations.of_results(results if isinstance(results, dict) else None)


def stage_durations(cfg: Config, timed: Mapping[str, float], pub: Publication) -> list[str]:
    """Prepare the updated durations file in the run's publication; the line that says
    so (none when off or nothing was timed)."""
    if cfg.durations is None or not timed:
        return []
    pub.write_text(cfg.durations, durations.updated(cfg.durations, timed))
    return [f"durations: {display_path(cfg.durations)}"]
