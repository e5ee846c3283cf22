"""``covtasks gate``: thresholds from a metrics JSON; ``--release``: fresh, stable, no drop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks import release
from covtasks.commands import _options
from covtasks.config import load_config
from covtasks.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, CovtasksError


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


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    if args.base is not None and not args.release:
        raise CovtasksError(
            "only applies with --release (it picks the ratchet's baseline)", "--base"
        )
    cfg = load_config(Path.cwd())
    figures = release.read_metrics((args.metrics or cfg.metrics).resolve())
    if args.suggest:
        print("\n".join(release.suggestions(figures, cfg)), file=sys.stdout)
        return EXIT_OK
    verdict = release.evaluate(cfg, figures, release=args.release, base=args.base)
    release.report(verdict, args.release, sys.stdout)
    return EXIT_OK if verdict.passed else EXIT_BELOW_THRESHOLD
