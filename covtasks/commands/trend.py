"""``covtasks trend``: show the trend (text or Markdown table), write an SVG chart and a
badge (the rows and renderings are :mod:`covtasks.trendview`; this module owns the
arguments, reading the configured trend file and the printing)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from covtasks import trend, trendview
from covtasks.chart import render_trend_svg
from covtasks.commands import _options
from covtasks.config import Config, display_path, load_config
from covtasks.errors import EXIT_OK, CovtasksError
from covtasks.publication import publication


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show the last baselines of the trend file with the change against the previous "
        "one; optionally write an SVG chart and a badge (SVG or shields.io endpoint JSON)."
    )
    parser.add_argument(
        "--last",
        type=_options.positive,
        default=trendview.DEFAULT_LAST,
        metavar="N",
        help=f"how many baselines to show and chart (default: {trendview.DEFAULT_LAST})",
    )
    parser.add_argument("--svg", type=Path, metavar="FILE", help="write a trend chart (SVG)")
    parser.add_argument(
        "--badge", type=Path, metavar="FILE", help="write a badge of the latest overall (SVG)"
    )
    parser.add_argument(
        "--badge-json",
        type=Path,
        metavar="FILE",
        help="write the same badge as a shields.io endpoint JSON",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print a GitHub Markdown table instead"
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return show(load_config(Path.cwd()), args, sys.stdout, sys.stderr)


def load_history(cfg: Config) -> tuple[Path, list[trend.Baseline]]:
    """The configured trend file and its baselines; an error when there is nothing to
    show (trend turned off, no file yet, no baseline in it)."""
    if cfg.trend is None:
        raise CovtasksError(
            "the trend is turned off (trend = false); set trend to a path to record one",
            f"{display_path(cfg.file)}: tool.covtasks.trend",
        )
    if not cfg.trend.exists():
        raise CovtasksError(
            "no trend file yet: run `covtasks run` to record the first baseline",
            display_path(cfg.trend),
        )
    history = trend.baselines(trend.load_entries(cfg.trend))
    if not history:
        raise CovtasksError(
            "no baselines yet: run `covtasks run` to record the first one",
            display_path(cfg.trend),
        )
    return cfg.trend, history


def show(cfg: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path, history = load_history(cfg)
    trend_rows = trendview.rows(history, args.last, cfg.precision)
    written: list[str] = []
    with publication() as pub:  # the chart and the badge both, or neither
        if args.svg is not None:
            labels, series = trendview.chart_data(trend_rows)
            thresholds = trendview.thresholds(cfg, list(series))
            pub.write_text(args.svg, render_trend_svg(labels, series, thresholds=thresholds))
            written.append(f"svg: {display_path(args.svg)}")
        if args.badge is not None:
            badge = trendview.overall_badge(history[-1].overall, cfg)
            pub.write_text(args.badge, badge)
            written.append(f"badge: {display_path(args.badge)}")
        if args.badge_json is not None:
            doc = trendview.overall_badge_json(history[-1].overall, cfg)
            pub.write_text(args.badge_json, json.dumps(doc, indent=2) + "\n")
            written.append(f"badge-json: {display_path(args.badge_json)}")
        pub.commit()
    if args.markdown:
        print(trendview.markdown_table(trend_rows), file=out)
    else:
        shown = f"last {len(trend_rows)} of {len(history)}"
        print(f"trend: {display_path(path)} ({shown} baselines)", file=out)
        print(trendview.table(trend_rows), file=out)
    # With --markdown, stdout is the table alone (it is meant to be redirected).
    for line in written:
        print(line, file=err if args.markdown else out)
    return EXIT_OK
