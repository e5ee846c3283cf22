"""Job mode (``run --job ID``) and ``combine``: the two halves of a CI matrix.

A job runs the stable stage and measurement like ``run`` and writes its output
directory instead of metrics (no gate: one job is not the whole picture).
``combine`` checks that the set of jobs is complete and consistent, remaps their
paths onto this checkout, combines, and then analyses, publishes and gates exactly
like ``run``.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from covtasks import jobs, measure
from covtasks.combine import check_complete, combine_files
from covtasks.config import Config, display_path
from covtasks.errors import EXIT_OK, EXIT_UNSTABLE, CovtasksError
from covtasks.gitinfo import git_info
from covtasks.metrics import Suite
from covtasks.pipeline import measure_stably, preflight, say
from covtasks.publish import CHECKED, UNCHECKED, now, versions
from covtasks.report import make_coverage, publish_and_gate
from covtasks.stable import SuiteResult, describe


def job_manifest(cfg: Config, job_id: str, suite: SuiteResult, data_files: int) -> dict[str, Any]:
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
    }


def run_job(cfg: Config, job_id: str, job_dir: Path, extra: Sequence[str], out: TextIO) -> int:
    """``run --job ID``: measure, then write ``job_dir/ID`` (data + manifest)."""
    jobs.check_job_id(job_id)
    measure.check_workers_available(cfg.workers)
    target = job_dir / job_id
    staging = measure.make_staging(cfg.root)
    try:
        suite, output, processes = measure_stably(cfg, staging, extra, out)
        if not suite.stable:
            jobs.write_job(target, job_manifest(cfg, job_id, suite, 0), None)
            say(
                out,
                "",
                f"covtasks: job {job_id}: the test suite is not stable, nothing was measured:",
                *describe(suite),
                f"(the manifest in {display_path(target)} records it, so combine names this job)",
            )
            return EXIT_UNSTABLE
        check_complete(processes, output.data_files, str(staging))
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        combine_files(cov, output.data_files)
        manifest = job_manifest(cfg, job_id, suite, len(output.data_files))
        jobs.write_job(target, manifest, staging / measure.DATA_NAME)
        measured = len(cov.get_data().measured_files())
        say(
            out,
            "",
            f"covtasks: job {job_id}: {measured} files measured; wrote {display_path(target)}/ "
            f"({jobs.DATA}, {jobs.MANIFEST}); upload it, then run `covtasks combine`",
        )
        return EXIT_OK
    finally:
        measure.remove_staging(staging)


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


def combine(
    cfg: Config,
    paths: Sequence[Path],
    expect: jobs.Expectation | None,
    out: TextIO,
) -> int:
    """``covtasks combine``: verify, remap, combine, then publish and gate.

    Without an expectation (``--expect`` or ``expected_jobs``) nothing is combined: a
    missing job must always be detected, so "whatever is there" is said explicitly
    (``--expect any``) and recorded as ``completeness: unchecked``."""
    wanted = expect if expect is not None else cfg.expected_jobs
    if wanted is None:
        raise CovtasksError(jobs.NO_EXPECTATION, "--expect")
    preflight(cfg)
    found = jobs.find_jobs(paths or [cfg.job_dir])
    where = ", ".join(display_path(p) for p in paths or [cfg.job_dir])
    if not found:
        raise CovtasksError(f"no job output (*/{jobs.MANIFEST}) found in {where}")
    issues = jobs.problems(found, wanted)
    if issues:
        raise CovtasksError("cannot combine: " + "; ".join(issues), where)
    suite = Suite.from_json(combined_suite(found), "combined suite")  # before any file is made
    staging = measure.make_staging(cfg.root)
    try:
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        aliases: dict[str, Any] = dict(_paths_option(cov.get_option("paths")))
        aliases["covtasks-jobs"] = jobs.path_aliases(cfg.root, found)
        cov.set_option("paths", aliases)
        combine_files(cov, [j.data_file for j in found])
        stray = jobs.unmapped(cov.get_data().measured_files(), cfg.root)
        if stray:
            shown = ", ".join(stray[:3]) + (f" and {len(stray) - 3} more" if len(stray) > 3 else "")
            raise CovtasksError(
                f"{len(stray)} measured file(s) could not be mapped to this checkout: {shown}; "
                "add their location to [tool.coverage.paths]",
            )
        unchecked = wanted == jobs.ANY
        say(
            out,
            f"covtasks: combined {len(found)} job(s): {', '.join(j.id for j in found)}"
            + (" (completeness not checked: expecting any jobs)" if unchecked else ""),
        )
        summaries = [j.summary() for j in found]
        completeness = UNCHECKED if unchecked else CHECKED
        return publish_and_gate(
            cfg,
            cov,
            staging,
            suite,
            summaries,
            out,
            completeness=completeness,
        )
    finally:
        measure.remove_staging(staging)


def _paths_option(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
