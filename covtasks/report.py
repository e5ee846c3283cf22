"""After the measurement: combine, analyse, publish, gate; and ``covtasks report``.

``run``, job combining (``combine``) and ``report`` end here. This module imports
coverage.py and the reporting modules: ``pipeline`` imports it while the tests run, so
none of that import time comes before the tests start.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import coverage

from covtasks import measure, trend
from covtasks.combine import check_complete, combine_files, inspect_data_file
from covtasks.config import Config, display_path
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, CovtasksError
from covtasks.gate import Verdict, evaluate
from covtasks.gitinfo import git_info
from covtasks.htmlxml import Reports, Spec
from covtasks.measure import RunOutput, Worker
from covtasks.numbers import Analysis, analyse
from covtasks.pipeline import preflight, say
from covtasks.publish import (
    CHECKED,
    UNCHECKED,
    cores,
    covtasks_section,
    json_report,
    keep_data,
    now,
    step_summary,
    versions,
    write_metrics,
)
from covtasks.render import Row, markdown, rows, table, verdict_lines

COMBINED_DATA = Path(measure.STAGING_PARENT) / ".coverage"


def coverage_spec(cfg: Config, data_file: Path) -> Spec:
    """How covtasks opens ``data_file`` for combining and reporting: with the project's
    own coverage settings, covtasks' source roots and branch setting."""
    return Spec(
        config_file=str(measure.coverage_rcfile(cfg, data_file.parent)),
        data_file=str(data_file),
        source=tuple(str(p) for p in cfg.source_dirs()),
        branch=cfg.branch,
    )


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
    jobs: Sequence[Mapping[str, Any]],
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
    if len(jobs) > 1 or any(j.get("id") != "local" for j in jobs):
        lines = ["| Job | Python | Platform | Tests passed |", "| --- | --- | --- | ---: |"]
        for job in jobs:
            python = job.get("python") or {}
            lines.append(
                f"| {job.get('id')} | {python.get('implementation', '')} "
                f"{python.get('version', '')} | {job.get('platform', '')} | "
                f"{(job.get('suite') or {}).get('passed', '')} |"
            )
        parts.append(f"{len(jobs)} job(s) combined:\n\n" + "\n".join(lines))
    parts.append(footer(jobs))
    return "\n\n".join(parts)


def footer(jobs: Sequence[Mapping[str, Any]]) -> str:
    """The summary's last line: the tools, and the coverage core(s) that measured."""
    v = versions()
    measured = ", ".join(cores(jobs)) or "not recorded"
    return (
        f"<sub>covtasks {v['covtasks']} · coverage {v['coverage']} (core: {measured}) · "
        f"{v['implementation']} {v['python']}</sub>"
    )


def suite_notes(suite: Mapping[str, Any]) -> list[str]:
    """Flaky tests and quarantined tests that pass, for the summary."""
    lines: list[str] = []
    for flaky in suite.get("flaky", []):
        lines.append(
            f"covtasks: flaky: {flaky['nodeid']} ({flaky['first']} in the measured run, "
            f"{flaky['rerun']} when rerun alone)"
        )
    for nodeid in suite.get("quarantined_passed", []):
        lines.append(
            f"covtasks: quarantined test passes now, release it from stable.quarantine: {nodeid}"
        )
    return lines


def publish_run(
    cfg: Config,
    staging: Path,
    suite: Mapping[str, Any],
    output: RunOutput,
    processes: Sequence[Worker],
    out: TextIO,
) -> int:
    """``run``'s second half: check every process left data, combine, publish, gate."""
    check_complete(processes, output.data_files, str(staging))
    cov = make_coverage(cfg, staging / measure.DATA_NAME)
    combine_files(cov, output.data_files)
    job = {
        "id": "local",
        "workers": len(output.workers),
        "data_files": len(output.data_files),
        "core": measure.measurement_core(cfg),
    }
    return publish_and_gate(cfg, cov, staging, suite, [job], out)


def publish_and_gate(
    cfg: Config,
    cov: coverage.Coverage,
    staging: Path,
    suite: Mapping[str, Any],
    jobs: Sequence[Mapping[str, Any]],
    out: TextIO,
    *,
    completeness: str = CHECKED,
) -> int:
    """Analyse combined data, write metrics/reports/trend, print the verdict."""
    report = json_report(cov, staging / "coverage.json", cfg.precision)
    analysis = analyse(report, cfg.domains, cfg.root)
    warnings = source_warnings(cfg, analysis)  # the last check that can refuse the data
    reports = Reports(
        cov,
        coverage_spec(cfg, staging / measure.DATA_NAME),
        html=cfg.html,
        xml=cfg.xml,
        cwd=cfg.root,
        env=measure.importable_env(os.environ),
    )
    reports.start()
    try:
        verdict = evaluate(analysis, cfg.fail_under, cfg.precision)
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
            completeness=completeness,
        )
        reports.finish()
    finally:
        reports.stop()
    written = [f"{label}: {display_path(path)}" for label, path in cfg.reports()]
    history: list[dict[str, Any]] = []
    write_metrics(cfg.metrics, report, section, report_file=staging / "coverage.json")
    keep_data(staging / measure.DATA_NAME, cfg.root / COMBINED_DATA)
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
            flaky=len(suite.get("flaky", [])),
        )
        history = trend.append(cfg.trend, entry, cfg.root / measure.STAGING_PARENT / "trend.lock")
    table_rows = rows(analysis, verdict, cfg.fail_under)
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
    )
    step_summary(summary_markdown(table_rows, cfg, verdict, jobs, trend.baselines(history)))
    return EXIT_OK if verdict.passed else EXIT_BELOW_THRESHOLD


def republish(cfg: Config, out: TextIO) -> int:
    """``covtasks report``: publish and gate from the kept combined data."""
    preflight(cfg)
    kept = cfg.root / COMBINED_DATA
    if not kept.is_file():
        raise CovtasksError("no combined data: run `covtasks run` first", str(kept))
    inspect_data_file(kept)  # a corrupt file is one error line, not coverage's traceback
    suite, jobs, completeness = previous_run(cfg.metrics)
    staging = measure.make_staging(cfg.root)
    try:
        shutil.copyfile(kept, staging / measure.DATA_NAME)
        cov = make_coverage(cfg, staging / measure.DATA_NAME)
        cov.load()
        return publish_and_gate(cfg, cov, staging, suite, jobs, out, completeness=completeness)
    finally:
        measure.remove_staging(staging)


def previous_run(metrics: Path) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The suite results, jobs and completeness recorded by the run that produced
    the data."""
    try:
        section = json.loads(metrics.read_text(encoding="utf-8")).get("covtasks", {})
    except (OSError, ValueError, AttributeError):
        return {}, [], CHECKED
    completeness = UNCHECKED if section.get("completeness") == UNCHECKED else CHECKED
    return dict(section.get("suite") or {}), list(section.get("jobs") or []), completeness
