"""The stable stage's shell: the measured run, the reruns that tell flaky from broken,
and the quick unmeasured run of ``--fail-fast``.

The decisions are ``covtasks.stable``'s (pure); this module launches pytest through
``covtasks.measure`` and prints what the reruns found. It imports neither coverage.py
nor pytest: the tests are started with little imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from covtasks import measure, pytestargs, stable
from covtasks.config import Config
from covtasks.measure import Worker


def say(out: TextIO, *lines: str) -> None:
    for line in lines:
        print(line, file=out)
    out.flush()


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
    cfg: Config,
    staging: Path,
    extra: Sequence[str],
    out: TextIO,
    while_running: Callable[[], object] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[stable.SuiteResult, measure.RunOutput, list[Worker]]:
    """The measured run (``while_running`` is called while the tests run), then reruns
    of failed tests to tell flaky from broken.

    Returns the verdict, what the staging directory holds, and every process that ran
    tests (each must have left coverage data).
    """
    pytestargs.check_test_paths(cfg, extra)
    output = measure.run_measured(cfg, staging, extra, while_running=while_running, env=env)
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
