"""``covtasks gate``: thresholds from a metrics JSON; ``--release``: fresh, stable, no drop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from covtasks import release, suggest, tables, tomledit
from covtasks.commands import _options
from covtasks.config import Config, display_path, load_config
from covtasks.covconfig import load_toml
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, CovtasksError
from covtasks.figures import display_percent
from covtasks.files import write_atomic
from covtasks.gate import FILE_FAIL_UNDER, MAX_MISSING, Check, Verdict
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
        "--base",
        metavar="REF",
        help="with --release: ratchet against the trend entry of the merge-base of REF and "
        "HEAD (or its newest ancestor with one), as a pull request's gate needs",
    )
    parser.add_argument(
        "--suggest", action="store_true", help="print the thresholds the current figures support"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="with --suggest: raise the thresholds set in pyproject.toml to those (never lower)",
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    if args.base is not None and not args.release:
        raise CovtasksError(
            "only applies with --release (it picks the ratchet's baseline)", "--base"
        )
    if args.write and not args.suggest:
        raise CovtasksError("gate: --write goes with --suggest (`covtasks gate --suggest --write`)")
    cfg = load_config(Path.cwd())
    figures = release.read_metrics((args.metrics or cfg.metrics).resolve())
    if args.write:
        write_suggestions(figures, cfg, sys.stdout)
        return EXIT_OK
    if args.suggest:
        print("\n".join(suggest.suggestions(figures, cfg)), file=sys.stdout)
        return EXIT_OK
    verdict = release.evaluate(cfg, figures, release=args.release, base=args.base)
    report(verdict, args.release, sys.stdout)
    return EXIT_OK if verdict.passed else EXIT_BELOW_THRESHOLD


def write_suggestions(figures: release.Figures, cfg: Config, out: TextIO) -> None:
    """Raise the thresholds set in pyproject.toml to what the figures support, and say
    which changed."""
    text = cfg.file.read_bytes().decode("utf-8")
    found = suggest.raises(figures, cfg, load_toml(cfg.file))
    where = display_path(cfg.file)
    changed = tomledit.set_numbers(text, {r.path: r.new for r in found}, cfg.precision, where)
    if not found:
        print(f"covtasks: no threshold to raise: {where} unchanged", file=out)
        return
    write_atomic(cfg.file, changed)
    lines = [
        f"  {r.key}: {r.old:g} -> {tomledit.format_number(r.new, cfg.precision)}" for r in found
    ]
    print(f"covtasks: raised {len(found)} threshold(s) in {where}:", *lines, sep="\n", file=out)


# The gate's checks as text (fixed widths, no header) and in the step summary.
CHECK_COLUMNS = (Column("", width=4), Column("", width=10), Column("", width=16), Column(""))
SUMMARY_COLUMNS = (Column("Check"), Column("Name"), Column("Result"), Column("Detail"))


def scope_text(check: Check, precision: int) -> str:
    """A file_fail_under or max_missing check's result cell."""
    if check.kind == MAX_MISSING:
        relation = "<=" if check.passed else ">"
        return f"{check.missing} missing {relation} max_missing = {check.max_missing}"
    shown = display_percent(check.percent, precision)
    if check.file is not None:
        return f"{check.file} {shown}% < {check.fail_under:g}"
    return f"every file >= {check.fail_under:g} (lowest {shown}%)"


def report(verdict: Verdict, release: bool, out: TextIO) -> None:
    title = "release gate" if release else "gate"
    rows = []
    for check in verdict.checks:
        if check.kind == "fail_under":
            threshold = "-" if check.fail_under is None else f">= {check.fail_under:g}"
            text = f"{display_percent(check.percent, verdict.precision)}% {threshold}"
        elif check.kind == "ratchet":
            text = check.detail or "no drop"
        elif check.kind in (FILE_FAIL_UNDER, MAX_MISSING):
            text = scope_text(check, verdict.precision)
        else:
            text = check.detail or "ok"
        rows.append(("ok" if check.passed else "FAIL", check.kind, check.name, text))
    # The kind column widens only for the longer kinds (file_fail_under, max_missing).
    kind_width = max([CHECK_COLUMNS[1].width or 0, *(len(c.kind) for c in verdict.checks)])
    columns = (CHECK_COLUMNS[0], Column("", width=kind_width), *CHECK_COLUMNS[2:])
    checks = Table(columns, tuple(rows))
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
                scope_text(c, verdict.precision)
                if c.kind in (FILE_FAIL_UNDER, MAX_MISSING)
                else c.detail or display_percent(c.percent, verdict.precision) + "%",
            )
            for c in verdict.checks
        ),
    )
    step_summary(f"### Coverage {title}\n\n{tables.markdown(summary)}\n\n{verdict_line}")
