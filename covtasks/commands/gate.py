"""``covtasks gate``: thresholds from a metrics JSON; ``--release``: fresh, stable, no drop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from covtasks import release, tables
from covtasks.commands import _options
from covtasks.config import load_config
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK
from covtasks.figures import display_percent
from covtasks.gate import Verdict
from covtasks.publish import step_summary
from covtasks.tables import Column, Table


def configure(parser: argparse.ArgumentParser) -> None:
    _options.add_metrics(parser)
    parser.add_argument(
        "--release",
        action="store_true",
        help="also require fresh metrics for HEAD, a stable suite and no drop against the trend",
    )
    parser.add_argument(
        "--suggest", action="store_true", help="print the thresholds the current figures support"
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    cfg = load_config(Path.cwd())
    figures = release.read_metrics((args.metrics or cfg.metrics).resolve())
    if args.suggest:
        print("\n".join(release.suggestions(figures, cfg)), file=sys.stdout)
        return EXIT_OK
    verdict = release.evaluate(cfg, figures, release=args.release)
    report(verdict, args.release, sys.stdout)
    return EXIT_OK if verdict.passed else EXIT_BELOW_THRESHOLD


# The gate's checks as text (fixed widths, no header) and in the step summary.
CHECK_COLUMNS = (Column("", width=4), Column("", width=10), Column("", width=16), Column(""))
SUMMARY_COLUMNS = (Column("Check"), Column("Name"), Column("Result"), Column("Detail"))


def report(verdict: Verdict, release: bool, out: TextIO) -> None:
    title = "release gate" if release else "gate"
    rows = []
    for check in verdict.checks:
        if check.kind == "fail_under":
            threshold = "-" if check.fail_under is None else f">= {check.fail_under:g}"
            text = f"{display_percent(check.percent, verdict.precision)}% {threshold}"
        elif check.kind == "ratchet":
            text = check.detail or "no drop"
        else:
            text = check.detail or "ok"
        rows.append(("ok" if check.passed else "FAIL", check.kind, check.name, text))
    checks = Table(CHECK_COLUMNS, tuple(rows))
    verdict_line = (
        f"covtasks: {title} passed"
        if verdict.passed
        else f"covtasks: {title} failed: {len(verdict.failures)} check(s)"
    )
    lines = [f"covtasks {title}:"]
    lines += tables.text(checks, header=False, indent="  ", sep=" ").splitlines()
    lines.append(verdict_line)
    lines += [f"  - {line}" for line in verdict.lines()]
    print("\n".join(lines), file=out)
    summary = Table(
        SUMMARY_COLUMNS,
        tuple(
            (
                c.kind,
                c.name,
                "ok" if c.passed else ":x: FAIL",
                c.detail or display_percent(c.percent, verdict.precision) + "%",
            )
            for c in verdict.checks
        ),
    )
    step_summary(f"### Coverage {title}\n\n{tables.markdown(summary)}\n\n{verdict_line}")
