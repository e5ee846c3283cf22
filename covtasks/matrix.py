"""The CI matrix's data: a job's manifest, the jobs' suites summed, their paths
remapped onto this checkout.

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
from pathlib import Path
from typing import Any

import coverage

from covtasks import jobs, measure
from covtasks.config import Config
from covtasks.errors import CovtasksError
from covtasks.gitinfo import git_info
from covtasks.metrics import Suite
from covtasks.publish import now, versions
from covtasks.stable import SuiteResult


def job_manifest(
    cfg: Config,
    job_id: str,
    suite: SuiteResult,
    data_files: int,
    facts: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A job's manifest; ``facts`` adds what it recorded of its tests (durations, the
    shard it ran)."""
    git = git_info(cfg.root, cfg.outputs(), cfg.source_dirs())
    return {
        "format": jobs.MANIFEST_FORMAT,
        "job": job_id,
        "created": now().isoformat(),
        "commit": git.commit,
        "dirty": git.dirty,
        "root": str(cfg.root),
        "source": list(cfg.source),
        "branch": cfg.branch,
        "core": measure.measurement_core(cfg),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
        },
        "platform": sys.platform,
        "machine": platform.machine(),
        "versions": versions(),
        "suite": {**suite.to_json(), "reasons": suite.reasons()},
        "data_file": jobs.DATA,
        "data_files_combined": data_files,
        **(facts or {}),
    }


# The suite counts of a job manifest that add up across jobs.
SUITE_COUNTS = (
    *("collected", "passed", "failed", "errors", "skipped"),
    *("xfailed", "xpassed", "deselected"),
)


def combined_suite(found: Sequence[jobs.Job]) -> dict[str, Any]:
    """The jobs' suite results summed, flaky tests named with their job; a quarantined
    test that failed in any job is not listed as passing."""
    suites = [(j, Suite.from_json(j.manifest["suite"], str(j.dir / jobs.MANIFEST))) for j in found]
    totals: dict[str, Any] = {"stable": True, "jobs": len(found)}
    for key in SUITE_COUNTS:
        totals[key] = sum(s.count(key) for _, s in suites)
    # Every shard of a suite deselects the same tests (the project's own deselection,
    # before the split): count them once per suite.
    groups: dict[str, int] = {}
    for job, suite in suites:
        group = _shard_group(job.manifest)
        if group is not None:
            groups[group] = max(groups.get(group, 0), suite.count("deselected"))
            totals["deselected"] -= suite.count("deselected")
    totals["deselected"] += sum(groups.values())
    totals["flaky"] = [
        {"nodeid": f.nodeid, "first": f.first, "rerun": f.rerun, "job": j.id}
        for j, s in suites
        for f in s.flaky
    ]
    failed = {n for _, s in suites for n in s.quarantined_failed}
    passed = {n for _, s in suites for n in s.quarantined_passed}
    totals["quarantined_failed"] = sorted(failed)
    # A quarantined test passes "now" only if it passed in every job that ran it: one
    # failure anywhere keeps it in quarantine.
    totals["quarantined_passed"] = sorted(passed - failed)
    return totals


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
