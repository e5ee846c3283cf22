"""``covtasks trend``: show the trend (text or Markdown table), write an SVG chart and a badge."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks import trendview
from covtasks.commands import _options
from covtasks.config import load_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show the last baselines of the trend file with the change against the previous "
        "one; optionally write an SVG chart and a badge."
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
        "--markdown", action="store_true", help="print a GitHub Markdown table instead"
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return trendview.show(load_config(Path.cwd()), args, sys.stdout, sys.stderr)
