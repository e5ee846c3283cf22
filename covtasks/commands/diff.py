"""``covtasks diff``: coverage of the lines changed since a git ref (the computation is
:mod:`covtasks.diffcov`; this module owns the arguments and the printing)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from covtasks import annotate, diffcov, metrics
from covtasks.commands import _options
from covtasks.config import Config, display_path, load_config
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK
from covtasks.figures import display_percent
from covtasks.figures import should_fail_under as fails
from covtasks.gitinfo import git_info
from covtasks.publish import step_summary


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Coverage of the lines added or modified since the merge-base of REF and HEAD "
        "(committed, staged and unstaged changes; untracked files are not included), "
        "from the metrics of the last `covtasks run`. Lines only, like diff-cover."
    )
    parser.add_argument("--base", required=True, metavar="REF", help="e.g. origin/main")
    parser.add_argument(
        "--fail-under",
        type=_options.percent,
        metavar="X",
        help="exit 1 below this patch coverage (default: diff_fail_under in config)",
    )
    parser.add_argument(
        "--annotate",
        choices=annotate.FORMATS,
        help="also print an annotation of each uncovered changed range: GitHub workflow "
        f"commands (at most {annotate.CAP}, the rest summarised)",
    )
    _options.add_metrics(parser)


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return report_patch(load_config(Path.cwd()), args, sys.stdout)


def _notes(cfg: Config, report: Mapping[str, Any]) -> list[str]:
    """Warnings that the figures may mislead: stale metrics, untracked measured files."""
    notes: list[str] = []
    measured_at = metrics.Recorded.from_json(report.get("covtasks")).commit
    head = git_info(cfg.root).commit or ""  # honours COVTASKS_COMMIT, as `run` does
    if measured_at and measured_at != head:
        notes.append(
            f"covtasks: warning: the metrics were measured at {measured_at[:7]}, HEAD is "
            f"{head[:7]}: line numbers may not match; run `covtasks run` again"
        )
    measured = {diffcov.absolute(cfg.root, name) for name in report["files"]}
    new = [
        display_path(Path(p))
        for p in diffcov.untracked(cfg.root)
        if diffcov.absolute(cfg.root, p) in measured
    ]
    if new:
        notes.append(
            "covtasks: note: untracked files are not part of the diff (as in diff-cover; "
            f"`git add` them to count them): {', '.join(new)}"
        )
    return notes


def report_patch(cfg: Config, args: argparse.Namespace, out: TextIO) -> int:
    report = diffcov.load_report((args.metrics or cfg.metrics).resolve())
    base = diffcov.merge_base(cfg.root, args.base)
    result = diffcov.patch_coverage(
        diffcov.changed_lines(cfg.root, base), report, cfg.domains, cfg.root
    )
    shown = display_percent(result.percent, cfg.precision) + "%"
    n = result.overall
    lines = [
        f"patch coverage of the changes since {args.base} (merge-base {base[:7]}, "
        "working tree included)",
        diffcov.text(result, cfg.precision),
        *_notes(cfg, report),
    ]
    if not result.nothing_measured:
        lines.append(
            f"covtasks: {n.covered_lines} of {n.statements} changed lines covered: {shown}"
        )
    fail_under = args.fail_under if args.fail_under is not None else cfg.diff_fail_under
    failed = fail_under is not None and fails(result.percent, fail_under, cfg.precision)
    if fail_under is not None:
        verdict = "is below" if failed else "meets"
        lines.append(f"covtasks: patch coverage {shown} {verdict} diff_fail_under = {fail_under:g}")
    print("\n".join(lines), file=out)
    if args.annotate == "github":
        found = annotate.find(result, cfg.root, diffcov.toplevel(cfg.root))
        for command in annotate.github(found):
            print(command, file=out)
    step_summary(
        f"### Patch coverage since {args.base}\n\n{diffcov.markdown(result, cfg.precision)}\n\n"
        + "\n".join(line for line in lines[-2:] if line.startswith("covtasks:"))
    )
    return EXIT_BELOW_THRESHOLD if failed else EXIT_OK
