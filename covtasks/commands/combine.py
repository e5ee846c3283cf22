"""``covtasks combine``: combine CI job outputs, then publish and gate like ``run``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks.config import load_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="job directories, or directories holding them (default: job_dir)",
    )
    parser.add_argument(
        "--expect",
        metavar="N|IDS|any",
        help="how many jobs, or their ids: 3, py39,py313, 'py{39,313}-{linux,mac}' or "
        "'py{39,313}-shard{1..4}'; "
        "'any' combines whatever is there without a completeness check (default: "
        "expected_jobs in config; one of them is required)",
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    from covtasks import jobs, orchestrate

    cfg = load_config(Path.cwd())
    expect = jobs.parse_expect(args.expect) if args.expect else None
    return orchestrate.combine(cfg, args.paths, expect, sys.stdout)
