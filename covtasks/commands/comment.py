"""``covtasks comment``: the pull-request comment (Markdown) from the last metrics.

It reads what the other commands read (the metrics, the trend, git) and hands the
facts to :func:`covtasks.prcomment.render`. The baseline is the release gate's
(:func:`covtasks.baseline.choose`): the last entry of another commit; with
``--base REF``, the entry of the merge-base of REF and HEAD or of its newest ancestor
that has one, and the patch coverage of the changes since that merge-base is shown
too. Exit 0 once written, whatever the figures: the gate is a separate step.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks import baseline, diffcov, metrics, prcomment, release, trend
from covtasks.commands import _options
from covtasks.config import Config, display_path, load_config
from covtasks.errors import EXIT_OK
from covtasks.files import write_atomic
from covtasks.gitinfo import git_info


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a short Markdown pull-request comment, starting with <!-- covtasks -->: "
        "overall and per-domain coverage with their change against the baseline, patch "
        "coverage, failing thresholds, flaky and quarantined tests, and a trend sparkline."
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="compare with the baseline of the merge-base of REF and HEAD and show the "
        "patch coverage since it (e.g. origin/main)",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write the comment here (default: stdout)"
    )
    _options.add_metrics(parser)


def history(cfg: Config) -> list[trend.Baseline]:
    """The trend's baselines (none when the trend is off or not there yet)."""
    if cfg.trend is None or not cfg.trend.exists():
        return []
    return trend.baselines(trend.load_entries(cfg.trend))


def facts(cfg: Config, metrics_file: Path, base_ref: str | None) -> prcomment.Facts:
    figures = release.read_metrics(metrics_file)
    verdict = release.evaluate(cfg, figures, release=False)
    report = diffcov.load_report(metrics_file)
    suite = metrics.Recorded.from_json(report.get("covtasks")).suite
    baselines = history(cfg)
    head = figures.commit or git_info(cfg.root, cfg.outputs()).commit
    chosen = baseline.choose(cfg.root, baselines, head, base_ref)
    patch = None
    if base_ref is not None:
        merge_base = diffcov.merge_base(cfg.root, base_ref)
        changed = diffcov.changed_lines(cfg.root, merge_base)
        result = diffcov.patch_coverage(changed, report, cfg.domains, cfg.root)
        patch = prcomment.Patch(base_ref, merge_base, result, cfg.diff_fail_under)
    overall = [b.overall for b in baselines]
    if not baselines or baselines[-1].commit != figures.commit or figures.commit is None:
        overall.append(figures.overall)  # the measured figures are not in the trend yet
    return prcomment.Facts(
        overall=figures.overall,
        domains={d.name: figures.domains[d.name] for d in cfg.domains},
        verdict=verdict,
        suite=suite,
        history=overall,
        precision=cfg.precision,
        base=chosen.baseline,
        patch=patch,
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    cfg = load_config(Path.cwd())
    text = prcomment.render(facts(cfg, (args.metrics or cfg.metrics).resolve(), args.base))
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print(f"comment: {display_path(args.output)}", file=sys.stdout)
    return EXIT_OK
