"""The CI matrix's data: a job's manifest filled in (its format is
:class:`covtasks.metrics.JobManifest`'s), the jobs' suites summed
(:meth:`covtasks.metrics.Suite.combined`), their paths remapped onto this checkout.

A job (``run --job ID``) runs the stable stage and measurement like ``run`` and writes
its output directory instead of metrics (no gate: one job is not the whole picture).
``combine`` checks that the set of jobs is complete and consistent, remaps their paths
onto this checkout, combines, and then analyses, publishes and gates exactly like
``run``. ``covtasks.orchestrate`` composes both.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import coverage

from covtasks import jobs, measure, metrics
from covtasks.config import Config
from covtasks.errors import CovtasksError
from covtasks.gitinfo import git_info
from covtasks.metrics import SUITE_COUNTS as SUITE_COUNTS
from covtasks.publish import now, versions
from covtasks.shard import ShardRecord
from covtasks.stable import SuiteResult


def job_manifest(
    cfg: Config,
    job_id: str,
    suite: SuiteResult,
    data_files: int,
    timed: Mapping[str, float] | None = None,
    shard: ShardRecord | None = None,
) -> metrics.JobManifest:
    """A job's manifest; ``timed``: its tests' durations; ``shard``: the shard it ran."""
    git = git_info(cfg.root, cfg.outputs(), cfg.source_dirs())
    return metrics.JobManifest(
        job=job_id,
        created=now().isoformat(),
        commit=git.commit,
        dirty=git.dirty,
        root=str(cfg.root),
        source=tuple(cfg.source),
        branch=cfg.branch,
        core=measure.measurement_core(cfg),
        python_version=platform.python_version(),
        python_implementation=platform.python_implementation(),
        platform=sys.platform,
        machine=platform.machine(),
        versions=versions(),
        suite=suite.summary().with_reasons(suite.reasons()),
        data_file=jobs.DATA,
        data_files_combined=data_files,
        durations=dict(timed or {}),
        shard=shard.to_json() if shard is not None else None,
    )


def combined_suite(found: Sequence[jobs.Job]) -> metrics.Suite:
    """The jobs' suite results summed (:meth:`covtasks.metrics.Suite.combined`); a
    malformed suite in a manifest is one error naming it.

    Every shard of a suite deselects the same tests (the project's own deselection,
    before the split): they count once per suite, not once per shard."""
    suites = [
        (j, metrics.Suite.from_json(j.manifest["suite"], str(j.dir / jobs.MANIFEST))) for j in found
    ]
    summed = metrics.Suite.combined([(j.id, s) for j, s in suites])
    groups: dict[str, list[int]] = {}
    for job, suite in suites:
        group = _shard_group(job.manifest)
        if group is not None:
            groups.setdefault(group, []).append(suite.count("deselected"))
    repeated = sum(sum(counts) - max(counts) for counts in groups.values())
    if not repeated:
        return summed
    record = {**summed.record, "deselected": summed.count("deselected") - repeated}
    return replace(summed, record=record)


def _shard_group(manifest: Mapping[str, Any]) -> str | None:
    section = manifest.get("shard")
    group = section.get("group") if isinstance(section, dict) else None
    return group if isinstance(group, str) else None


def remap_jobs(cov: coverage.Coverage, root: Path, found: Sequence[jobs.Job]) -> None:
    """Map the jobs' measured paths onto this checkout, after the project's own
    ``[tool.coverage.paths]``."""
    aliases: dict[str, Any] = dict(_paths_option(cov.get_option("paths")))
    aliases["covtasks-jobs"] = jobs.path_aliases(root, found)
    cov.set_option("paths", aliases)


def unmapped_error(cov: coverage.Coverage, root: Path) -> None:
    """Refuse combined data with files outside this checkout."""
    stray = jobs.unmapped(cov.get_data().measured_files(), root)
    if stray:
        shown = ", ".join(stray[:3]) + (f" and {len(stray) - 3} more" if len(stray) > 3 else "")
        raise CovtasksError(
            f"{len(stray)} measured file(s) could not be mapped to this checkout: {shown}; "
            "add their location to [tool.coverage.paths]",
        )


def _paths_option(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
