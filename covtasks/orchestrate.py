"""The stages composed for ``run``, ``run --job``, ``combine`` and ``report``.

stable (``stablerun``, ``measure``) -> combine (``combine``, ``jobs``, ``matrix``) ->
analyse (``figures``) -> publish (``publish``, ``htmlxml``, ``trend``, ``report``) ->
gate (``gate``). The commands call this module; no stage module imports it.

Everything that can be checked before the tests run is checked before they run, and only
what starting them needs is imported before they start: coverage.py and the stage modules
that need it are imported while the tests run (``_AFTER_MEASUREMENT``), which is why the
functions that run after the measurement import them in their bodies.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from covtasks import jobs, measure, metrics, pytestargs, shardrun, stable, stablerun, trend
from covtasks.config import Config, display_path
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, EXIT_UNSTABLE, CovtasksError
from covtasks.files import check_writable, locked
from covtasks.measure import RunOutput, Worker
from covtasks.publication import publication
from covtasks.shard import Shard
from covtasks.stablerun import say

if TYPE_CHECKING:
    import coverage

# The stage modules after the measurement (and coverage.py, which they import): imported
# while the measured run is under way (their import takes ~0.2 s).
_AFTER_MEASUREMENT = (
    *("covtasks.combine", "covtasks.figures", "covtasks.gate", "covtasks.gitinfo"),
    *("covtasks.publish", "covtasks.htmlxml", "covtasks.render", "covtasks.report"),
    "covtasks.matrix",
)


@dataclass(frozen=True)
class RunOptions:
    extra: tuple[str, ...] = ()
    fail_fast: bool = False


def _import_reporting() -> None:
    for name in _AFTER_MEASUREMENT:
        importlib.import_module(name)


def check_outputs(cfg: Config) -> None:
    """Checks of every output location (and the trend file), for the commands that
    publish; they need no test run."""
    if cfg.trend is not None:
        trend.load_entries(cfg.trend)
    files = {
        "metrics": cfg.metrics,
        "trend": cfg.trend,
        "xml": cfg.xml,
        "lcov": cfg.lcov,
        "durations": cfg.durations,
    }
    for label, path in files.items():
        if path is not None and path.is_dir():
            raise CovtasksError(f"is a directory, expected a file path for {label}", str(path))
    if cfg.html is not None and cfg.html.is_file():
        raise CovtasksError("is a file, expected a directory for html", str(cfg.html))
    if cfg.html is not None and (cfg.html == cfg.root or cfg.html in cfg.root.parents):
        # The report directory is swapped whole when it is published.
        raise CovtasksError(
            f"{cfg.html} is the project directory or above it: the html report needs a "
            "directory of its own",
            f"{cfg.file}: tool.covtasks.html",
        )
    outputs = {**files, "html": cfg.html}
    for label, output in outputs.items():
        if output is not None:
            check_writable(output, label)


def run(cfg: Config, opts: RunOptions, out: TextIO = sys.stdout) -> int:
    """``covtasks run``: the whole local pipeline."""
    measure.check_workers_available(cfg.workers)
    check_outputs(cfg)
    shardrun.prepare(cfg, None, None)
    pytestargs.check_test_paths(cfg, opts.extra)
    staging = measure.make_staging(cfg.root)
    try:
        if opts.fail_fast and not stablerun.prerun_passes(cfg, staging, opts.extra, out):
            return EXIT_UNSTABLE
        suite, output, processes = stablerun.measure_stably(
            cfg, staging, opts.extra, out, while_running=_import_reporting
        )
        if not suite.stable:
            say(
                out,
                "",
                "covtasks: the test suite is not stable, so nothing was measured "
                "and nothing was written:",
                *stable.describe(suite),
            )
            return EXIT_UNSTABLE
        return publish_run(cfg, staging, suite.summary(), output, processes, out)
    finally:
        measure.remove_staging(staging)


def publish_run(
    cfg: Config,
    staging: Path,
    suite: metrics.Suite,
    output: RunOutput,
    processes: Sequence[Worker],
    out: TextIO,
) -> int:
    """``run``'s second half: check every process left data, combine, publish, gate."""
    from covtasks.combine import check_complete, combine_files
    from covtasks.report import close_data, make_coverage

    check_complete(processes, output.data_files, str(staging))
    cov = make_coverage(cfg, staging / measure.DATA_NAME)
    try:
        combine_files(cov, output.data_files)
        job = metrics.JobRecord.local(
            workers=len(output.workers),
            data_files=len(output.data_files),
            core=measure.measurement_core(cfg),
        )
        timed = shardrun.run_durations(staging)
        return publish_and_gate(cfg, cov, staging, suite, [job], out, timed=timed)
    finally:
        close_data(cov)


def run_job(
    cfg: Config,
    job_id: str,
    job_dir: Path,
    extra: Sequence[str],
    out: TextIO,
    part: Shard | None = None,
) -> int:
    """``run --job ID [--shard K/N]``: measure (one shard of the selection), then write
    ``job_dir/ID`` (data + manifest)."""
    jobs.check_job_id(job_id)
    group = shardrun.prepare(cfg, job_id, part)
    measure.check_workers_available(cfg.workers)
    target = job_dir / job_id
    staging = measure.make_staging(cfg.root)
    cov: coverage.Coverage | None = None
    try:
        env = shardrun.measured_env(cfg, part)
        suite, output, processes = stablerun.measure_stably(
            cfg, staging, extra, out, while_running=_import_reporting, env=env
        )
        from covtasks.combine import check_complete, combine_files
        from covtasks.matrix import job_manifest
        from covtasks.report import make_coverage

        timed, recorded = shardrun.job_facts(staging, job_id, group, part, out)
        if not suite.stable:
            jobs.write_job(target, job_manifest(cfg, job_id, suite, 0, timed, recorded), None)
            say(
                out,
                "",
                f"covtasks: job {job_id}: the test suite is not stable, nothing was measured:",
                *stable.describe(suite),
                f"(the manifest in {display_path(target)} records it, so combine names this job)",
            )
            return EXIT_UNSTABLE
        check_complete(processes, output.data_files, str(staging))
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        combine_files(cov, output.data_files)
        manifest = job_manifest(cfg, job_id, suite, len(output.data_files), timed, recorded)
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
        if cov is not None:
            from covtasks.report import close_data

            close_data(cov)
        measure.remove_staging(staging)


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
    from covtasks import shardcheck
    from covtasks.combine import combine_inspected, inspect_files
    from covtasks.matrix import combined_suite, remap_jobs, unmapped_error
    from covtasks.publish import CHECKED, UNCHECKED
    from covtasks.report import close_data, make_coverage

    wanted = expect if expect is not None else cfg.expected_jobs
    if wanted is None:
        raise CovtasksError(jobs.NO_EXPECTATION, "--expect")
    check_outputs(cfg)
    shardrun.prepare(cfg, None, None)  # a malformed durations file: before any work
    found = jobs.find_jobs(paths or [cfg.job_dir])
    where = ", ".join(display_path(p) for p in paths or [cfg.job_dir])
    if not found:
        raise CovtasksError(f"no job output (*/{jobs.MANIFEST}) found in {where}")
    issues = jobs.problems(found, wanted)
    issues += shardcheck.problems(shardcheck.records(found))
    if issues:
        raise CovtasksError("cannot combine: " + "; ".join(issues), where)
    timed = shardrun.jobs_durations(found)
    # Refuse bad job data before anything is created (.covtasks/ included).
    suite = combined_suite(found)
    data = inspect_files([j.data_file for j in found])
    staging = measure.make_staging(cfg.root)
    cov = None
    try:
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        remap_jobs(cov, cfg.root, found)
        combine_inspected(cov, data)
        unmapped_error(cov, cfg.root)
        unchecked = wanted == jobs.ANY
        say(
            out,
            f"covtasks: combined {len(found)} job(s): {', '.join(j.id for j in found)}"
            + (" (completeness not checked: expecting any jobs)" if unchecked else ""),
        )
        summaries = [j.summary() for j in found]
        completeness = UNCHECKED if unchecked else CHECKED
        return publish_and_gate(
            cfg, cov, staging, suite, summaries, out, completeness=completeness, timed=timed
        )
    finally:
        close_data(cov)
        measure.remove_staging(staging)


def republish(cfg: Config, out: TextIO) -> int:
    """``covtasks report``: publish and gate from the kept combined data."""
    from covtasks.combine import inspect_data_file
    from covtasks.report import COMBINED_DATA, close_data, make_coverage, previous_run

    check_outputs(cfg)
    kept = cfg.root / COMBINED_DATA
    if not kept.is_file():
        raise CovtasksError("no combined data: run `covtasks run` first", str(kept))
    inspect_data_file(kept)  # a corrupt file is one error line, not coverage's traceback
    suite, found, completeness = previous_run(cfg.metrics)
    staging = measure.make_staging(cfg.root)
    cov = None
    try:
        shutil.copyfile(kept, staging / measure.DATA_NAME)
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        cov.load()
        return publish_and_gate(cfg, cov, staging, suite, found, out, completeness=completeness)
    finally:
        close_data(cov)
        measure.remove_staging(staging)


def publish_and_gate(
    cfg: Config,
    cov: coverage.Coverage,
    staging: Path,
    suite: metrics.Suite,
    jobs: Sequence[metrics.JobRecord],
    out: TextIO,
    *,
    completeness: str | None = None,
    timed: Mapping[str, float] | None = None,
) -> int:
    """Analyse combined data, write metrics/reports/trend (and the durations ``timed``),
    print the verdict (``completeness`` defaults to ``covtasks.publish.CHECKED``)."""
    from covtasks.figures import analyse
    from covtasks.fileratchet import missing_counts
    from covtasks.gate import evaluate, scopes
    from covtasks.gitinfo import git_info
    from covtasks.htmlxml import Reports
    from covtasks.publish import (
        CHECKED,
        covtasks_section,
        json_report,
        keep_data,
        now,
        step_summary,
        write_metrics,
    )
    from covtasks.render import rows, table, verdict_lines
    from covtasks.report import (
        COMBINED_DATA,
        coverage_spec,
        source_warnings,
        suite_notes,
        summary_markdown,
    )

    report = json_report(cov, staging / "coverage.json", cfg.precision)
    analysis = analyse(report, cfg.domains, cfg.root)
    warnings = source_warnings(cfg, analysis)  # the last check that can refuse the data
    with publication() as pub, contextlib.ExitStack() as trend_lock:
        # Every output is prepared beside its target first; all replace theirs at the end.
        reports = Reports(
            cov,
            coverage_spec(cfg, staging / measure.DATA_NAME),
            html=pub.directory(cfg.html) if cfg.html is not None else None,
            xml=pub.file(cfg.xml) if cfg.xml is not None else None,
            lcov=pub.file(cfg.lcov) if cfg.lcov is not None else None,
            cwd=cfg.root,
            env=measure.importable_env(os.environ),
        )
        reports.start()
        try:
            members = {d.name: d.files for d in analysis.domains}
            found = scopes(cfg, analysis.per_file, members)
            verdict = evaluate(analysis, cfg.fail_under, cfg.precision, found)
            git = git_info(cfg.root, cfg.outputs(), cfg.source_dirs())
            stamp = now()
            section = covtasks_section(
                cfg,
                analysis,
                verdict,
                suite=suite,
                jobs=jobs,
                git=git,
                timestamp=stamp,
                completeness=completeness or CHECKED,
            )
            reports.finish()
        finally:
            reports.stop()
        history: list[dict[str, Any]] = []
        write_metrics(
            cfg.metrics, report, section.to_json(), report_file=staging / "coverage.json", pub=pub
        )
        keep_data(staging / measure.DATA_NAME, cfg.root / COMBINED_DATA, pub=pub)
        trend_lines: list[str] = []
        if cfg.trend is not None and git.dirty:
            # A baseline is a statement about a commit: a run with uncommitted changes
            # never stands as, or replaces, its commit's entry.
            trend_lines = [
                f"trend: {display_path(cfg.trend)} not updated: uncommitted changes in the "
                "project or untracked files under the measured source (commit them, then run "
                "again to record this commit's baseline)"
            ]
        elif cfg.trend is not None:
            trend_lines = [f"trend: {display_path(cfg.trend)}"]
            entry = trend.make_entry(
                date=stamp.date().isoformat(),
                timestamp=stamp.isoformat(),
                commit=git.commit,
                overall=analysis.overall.percent,
                domains={d.name: d.numbers.percent for d in analysis.domains},
                flaky=len(suite.flaky),
                missing=missing_counts(report["files"]),
            )
            trend_lock.enter_context(locked(cfg.root / measure.STAGING_PARENT / "trend.lock"))
            history = trend.stage(pub, cfg.trend, entry)
        table_rows = rows(analysis, verdict, cfg.fail_under)
        summary = summary_markdown(table_rows, cfg, verdict, jobs, trend.baselines(history))
        step_summary(summary, pub)
        timed_lines = shardrun.stage_durations(cfg, timed or {}, pub)
        pub.commit()
        if cfg.trend is not None and not git.dirty:
            trend.remove_unfinished(cfg.trend)
    written = [f"{label}: {display_path(path)}" for label, path in cfg.reports()]
    say(
        out,
        "",
        table(table_rows, cfg.precision, cfg.branch),
        "",
        *warnings,
        *suite_notes(suite),
        f"metrics: {display_path(cfg.metrics)}",
        *trend_lines,
        *written,
        *verdict_lines(verdict),
        *timed_lines,
    )
    return EXIT_OK if verdict.passed else EXIT_BELOW_THRESHOLD
