"""``covtasks report``: publish and gate again from the kept combined data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks.config import load_config


def configure(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""
    parser.description = (
        "Analyse the combined data of the last run (.covtasks/.coverage) again and "
        "re-write the metrics, reports and trend entry, e.g. after changing domains."
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    from covtasks import orchestrate

    return orchestrate.republish(load_config(Path.cwd()), sys.stdout)
