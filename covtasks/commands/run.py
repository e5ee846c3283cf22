"""``covtasks run``: the whole pipeline, or one CI job's half of it (``--job``).

Only what starting the tests needs is imported here: ``covtasks.orchestrate`` imports
coverage.py and the reporting modules while the tests run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from covtasks import versions
from covtasks.commands import _options
from covtasks.config import load_config
from covtasks.errors import CovtasksError
from covtasks.jobs import check_job_id
from covtasks.shard import parse_shard


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the whole pipeline. Arguments covtasks does not know (and "
        "everything after --) are passed to pytest."
    )
    parser.add_argument(
        "--fail-fast",
        action="store_true",
        help="run `pytest -x --lf` unmeasured first and stop at its first failure",
    )
    parser.add_argument(
        "--doctor",
        action="store_true",
        help="run `covtasks doctor` first and stop (exit 2) if it finds an error",
    )
    _options.add_job(parser)
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="with --job: collect the whole suite, run only shard K of N (split by "
        "recorded durations, else by test files); combine proves every test ran once",
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    if args.job is None and os.environ.get("COVTASKS_JOB"):
        args.job = check_job_id(os.environ["COVTASKS_JOB"], "$COVTASKS_JOB")
    elif args.job is not None:
        check_job_id(args.job)
    part = parse_shard(args.shard) if args.shard is not None else None
    if part is not None and not args.job:
        raise CovtasksError("--shard needs --job ID: a shard is one CI job", "--shard")
    cfg = load_config(Path.cwd())
    # Before any test runs: too old a coverage would make every worker's data go
    # missing, which would read as a broken suite.
    versions.require_measured(cfg.workers)
    if args.doctor:
        from covtasks.commands.doctor import run_doctor

        if run_doctor(cfg, sys.stdout) != 0:
            raise CovtasksError("doctor found errors: fix them, or run without --doctor")
    from covtasks import orchestrate

    if args.job:
        job_dir = (args.job_dir or cfg.job_dir).resolve()
        return orchestrate.run_job(cfg, args.job, job_dir, extra, sys.stdout, part)
    opts = orchestrate.RunOptions(extra=tuple(extra), fail_fast=args.fail_fast)
    return orchestrate.run(cfg, opts)
