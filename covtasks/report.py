"""The reporting stage's helpers: the Coverage object covtasks combines and reports
with, the checks and notes printed with the figures, the step summary's Markdown, and
what the previous run recorded (for ``covtasks report``).

This module imports coverage.py: ``covtasks.orchestrate`` imports it while the tests
run, so none of that import time comes before the tests start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException

from covtasks import measure, metrics, tables, trend
from covtasks.config import Config
from covtasks.errors import CovtasksError
from covtasks.figures import Analysis
from covtasks.gate import Verdict
from covtasks.htmlxml import Spec
from covtasks.publish import versions
from covtasks.render import Row, markdown, verdict_lines
from covtasks.tables import RIGHT, Column, Table

COMBINED_DATA = Path(measure.STAGING_PARENT) / ".coverage"
JOB_COLUMNS = (Column("Job"), Column("Python"), Column("Platform"), Column("Tests passed", RIGHT))


def coverage_spec(cfg: Config, data_file: Path) -> Spec:
    """How covtasks opens ``data_file`` for combining and reporting: with the project's
    own coverage settings, covtasks' source roots and branch setting."""
    return Spec(
        config_file=str(measure.coverage_rcfile(cfg, data_file.parent)),
        data_file=str(data_file),
        source=tuple(str(p) for p in cfg.source_dirs()),
        branch=cfg.branch,
    )


def close_data(cov: coverage.Coverage | None) -> None:
    """Close the SQLite connections of ``cov``'s data (Python 3.13 warns about a
    connection left for the garbage collector; covtasks also runs in-process)."""
    if cov is not None:
        with contextlib.suppress(CoverageException, OSError):
            cov.get_data().close(force=True)


def make_coverage(cfg: Config, data_file: Path) -> coverage.Coverage:
    """A Coverage object for combining and reporting, with the project's own settings."""
    return coverage_spec(cfg, data_file).coverage()


def source_warnings(cfg: Config, analysis: Analysis) -> list[str]:
    """Name each source entry whose code never ran; refuse data with nothing measured."""
    ran: dict[str, bool] = dict.fromkeys(cfg.source, False)
    for name, numbers in analysis.per_file.items():
        path = Path(name) if os.path.isabs(name) else cfg.root / name
        for entry in cfg.source:
            base = cfg.root / entry
            if (path == base or base in path.parents) and numbers.covered_lines:
                ran[entry] = True
    if not any(ran.values()):
        raise CovtasksError(
            "no line of the measured source ran during the tests (source = "
            f"{', '.join(cfg.source)}): check that the tests import the code from these "
            "directories and not an installed copy (install it with `pip install -e .`)",
            "tool.covtasks.source",
        )
    return [
        f"covtasks: warning: nothing under {entry}/ ran during the tests: no test imports "
        "it (it is reported as 0%)"
        for entry, did in ran.items()
        if not did
    ]


def summary_markdown(
    table_rows: Sequence[Row],
    cfg: Config,
    verdict: Verdict,
    jobs: Sequence[metrics.JobRecord],
    history: Sequence[trend.Baseline] = (),
) -> str:
    """The Markdown for ``$GITHUB_STEP_SUMMARY``: domains, verdict, the change against
    the previous baseline, jobs combined."""
    parts = [
        "### Coverage",
        markdown(table_rows, cfg.precision, cfg.branch),
        "\n".join(verdict_lines(verdict)),
    ]
    if len(history) > 1:
        from covtasks.trendview import markdown_table
        from covtasks.trendview import rows as trend_rows

        parts.append(
            "Against the previous baseline:\n\n"
            + markdown_table(trend_rows(history, 2, cfg.precision))
        )
    if len(jobs) > 1 or any(j.id != metrics.LOCAL_JOB for j in jobs):
        body = []
        for job in jobs:
            python = job.python
            body.append(
                (
                    f"{job.id}",
                    f"{python.get('implementation', '')} {python.get('version', '')}",
                    f"{job.platform}",
                    f"{job.passed}",
                )
            )
        jobs_table = tables.markdown(Table(JOB_COLUMNS, tuple(body)))
        parts.append(f"{len(jobs)} job(s) combined:\n\n" + jobs_table)
    parts.append(footer(jobs))
    return "\n\n".join(parts)


def footer(jobs: Sequence[metrics.JobRecord]) -> str:
    """The summary's last line: the tools, and the coverage core(s) that measured."""
    v = versions()
    measured = ", ".join(metrics.cores(jobs)) or "not recorded"
    return (
        f"<sub>covtasks {v['covtasks']} · coverage {v['coverage']} (core: {measured}) · "
        f"{v['implementation']} {v['python']}</sub>"
    )


def suite_notes(suite: metrics.Suite) -> list[str]:
    """Flaky tests and quarantined tests that pass, for the summary."""
    lines: list[str] = []
    for flaky in suite.flaky:
        lines.append(
            f"covtasks: flaky: {flaky.nodeid} ({flaky.first} in the measured run, "
            f"{flaky.rerun} when rerun alone)"
        )
    for nodeid in suite.quarantined_passed:
        lines.append(
            f"covtasks: quarantined test passes now, release it from stable.quarantine: {nodeid}"
        )
    return lines


def previous_run(metrics_file: Path) -> tuple[metrics.Suite, list[metrics.JobRecord], str]:
    """The suite results, jobs and completeness recorded by the run that produced
    the data (none when the metrics are missing or unreadable)."""
    try:
        doc = metrics.load(metrics_file, str(metrics_file))
    except CovtasksError:
        doc = None
    recorded = metrics.Recorded.from_json(doc.get("covtasks") if isinstance(doc, dict) else None)
    return recorded.suite, list(recorded.jobs), recorded.completeness
