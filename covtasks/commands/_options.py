"""Options and argument validators shared by several commands, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")


def add_metrics(parser: argparse.ArgumentParser) -> None:
    """``--metrics PATH``: the metrics JSON a command reads instead of the configured one."""
    parser.add_argument(
        "--metrics", type=Path, metavar="PATH", help="the metrics JSON (default: metrics in config)"
    )


def add_job(parser: argparse.ArgumentParser) -> None:
    """``--job ID`` and ``--job-dir DIR``: CI job mode."""
    parser.add_argument(
        "--job",
        metavar="ID",
        help="CI job mode: measure, write JOB_DIR/ID (data + manifest), no gate "
        "(default: $COVTASKS_JOB)",
    )
    parser.add_argument(
        "--job-dir",
        metavar="DIR",
        type=Path,
        help="where job outputs go (default: job_dir in config, coverage-jobs)",
    )


def percent(value: str) -> float:
    """An argument type: a number from 0 to 100."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, got {value!r}")
    return number


def positive(text: str) -> int:
    """An argument type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value
