"""``covtasks diff``: coverage of the lines changed since a git ref."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks import diffcov
from covtasks.commands import _options
from covtasks.config import load_config


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
    _options.add_metrics(parser)


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return diffcov.report_patch(load_config(Path.cwd()), args, sys.stdout)
