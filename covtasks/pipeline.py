"""The pipeline, stage by stage: stable -> combine -> analyse -> publish -> gate.

This module is the first half, up to a stable measured run; ``covtasks.report`` is the
second. Each function is a thin shell that calls the pure cores in the stage modules
and does the I/O between them. Everything that can be checked before the tests run is
checked before they run, and only what starting them needs is imported before they
start: coverage.py and the reporting modules are imported while the tests run.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from covtasks import measure, pytestargs, stable, trend
from covtasks.config import Config
from covtasks.errors import EXIT_UNSTABLE, CovtasksError
from covtasks.files import check_writable
from covtasks.measure import Worker

# Imported while the measured run is under way (its import takes ~0.2 s).
_AFTER_MEASUREMENT = "covtasks.report"


@dataclass(frozen=True)
class RunOptions:
    extra: tuple[str, ...] = ()
    fail_fast: bool = False


def say(out: TextIO, *lines: str) -> None:
    for line in lines:
        print(line, file=out)
    out.flush()


def preflight(cfg: Config) -> None:
    """Checks of every input and output location that do not need the tests."""
    measure.check_workers_available(cfg.workers)
    if cfg.trend is not None:
        trend.load_entries(cfg.trend)
    for label, path in (("metrics", cfg.metrics), ("trend", cfg.trend), ("xml", cfg.xml)):
        if path is not None and path.is_dir():
            raise CovtasksError(f"is a directory, expected a file path for {label}", str(path))
    if cfg.html is not None and cfg.html.is_file():
        raise CovtasksError("is a file, expected a directory for html", str(cfg.html))
    outputs = {"metrics": cfg.metrics, "trend": cfg.trend, "xml": cfg.xml, "html": cfg.html}
    for label, output in outputs.items():
        if output is not None:
            check_writable(output, label)


def run(cfg: Config, opts: RunOptions, out: TextIO = sys.stdout) -> int:
    """``covtasks run``: the whole local pipeline."""
    preflight(cfg)
    pytestargs.check_test_paths(cfg, opts.extra)
    staging = measure.make_staging(cfg.root)
    try:
        if opts.fail_fast and not prerun_passes(cfg, staging, opts.extra, out):
            return EXIT_UNSTABLE
        suite, output, processes = measure_stably(cfg, staging, opts.extra, out)
        if not suite.stable:
            say(
                out,
                "",
                "covtasks: the test suite is not stable, so nothing was measured "
                "and nothing was written:",
                *stable.describe(suite),
            )
            return EXIT_UNSTABLE
        from covtasks import report  # already imported while the tests ran

        return report.publish_run(cfg, staging, suite.summary(), output, processes, out)
    finally:
        measure.remove_staging(staging)


def prerun_passes(cfg: Config, staging: Path, extra: Sequence[str], out: TextIO) -> bool:
    """``--fail-fast``: the quick unmeasured run; its failures are described like the
    measured run's (quarantined failures do not stop the measured run)."""
    say(out, "covtasks: --fail-fast: a quick unmeasured run first (pytest -x --lf)")
    prerun = measure.run_prerun(cfg, staging, extra)
    pytestargs.refuse_usage_error(prerun.exitstatus, prerun.usage_error)
    if prerun.exitstatus == 0:
        return True
    suite = stable.classify(
        prerun.results, [q.id for q in cfg.stable.quarantine], exitstatus=prerun.exitstatus
    )
    if suite.stable:
        return True
    say(
        out,
        "",
        f"covtasks: the quick run failed (pytest exit {prerun.exitstatus}); nothing measured:",
        *stable.describe(suite),
    )
    return False


def measure_stably(
    cfg: Config, staging: Path, extra: Sequence[str], out: TextIO
) -> tuple[stable.SuiteResult, measure.RunOutput, list[Worker]]:
    """The measured run, then reruns of failed tests to tell flaky from broken.

    Returns the verdict, what the staging directory holds, and every process that ran
    tests (each must have left coverage data).
    """
    pytestargs.check_test_paths(cfg, extra)
    output = measure.run_measured(
        cfg, staging, extra, while_running=lambda: importlib.import_module(_AFTER_MEASUREMENT)
    )
    pytestargs.refuse_usage_error(output.exitstatus, output.usage_error)
    suite = stable.classify(
        output.results, [q.id for q in cfg.stable.quarantine], exitstatus=output.exitstatus
    )
    say(out, *stable.quarantine_lines(suite, cfg.stable.quarantine))
    # Without xdist workers, the launcher process itself ran the tests.
    processes = list(output.workers) or [Worker("main", output.pid, suite.collected)]
    limit = stable.flaky_limit(cfg.stable.max_flaky, suite.collected)
    suite = stable.with_reruns(suite, {}, max_flaky=limit)
    for attempt in range(1, cfg.stable.reruns + 1):
        candidates = rerun_candidates(suite, limit)
        if not candidates:
            break
        say(
            out,
            "",
            f"covtasks: rerunning {len(candidates)} failed test(s) alone to tell flaky "
            f"from broken (rerun {attempt} of {cfg.stable.reruns})",
        )
        name = f"rerun-{attempt}.json"
        rerun = measure.launch(cfg, staging, measure.rerun_args(candidates, extra), name)
        processes.append(Worker(f"rerun-{attempt}", rerun.pid, len(candidates)))
        outcomes = stable.rerun_outcomes(rerun.results, candidates)
        suite = stable.with_reruns(suite, outcomes, max_flaky=limit)
        output = rerun
    return suite, output, processes


def rerun_candidates(suite: stable.SuiteResult, limit: int) -> list[str]:
    """Failed tests worth a rerun: only plain test failures, and only when the suite
    could still be stable (no collection/setup errors, few enough failures)."""
    if suite.exitstatus not in (0, 1) or not suite.problems:
        return []
    if any(p.kind != stable.FAILURE for p in suite.problems):
        return []
    if len(suite.problems) + len(suite.flaky) > limit:
        return []
    return [p.nodeid for p in suite.problems]
