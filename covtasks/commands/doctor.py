"""``covtasks doctor``: inspect the project's coverage setup and print fixes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks.config import load_config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Inspect the coverage setup of the project in the current directory and print "
        "each problem with its fix. Exits 1 if any finding is an error."
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    from covtasks.doctor import run_doctor

    return run_doctor(load_config(Path.cwd()), sys.stdout)
