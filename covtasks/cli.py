"""``python -m covtasks`` / ``covtasks``: argument parsing and the one error handler.

Exit statuses: 0 ok, 1 coverage below a threshold, 2 bad usage, configuration or input
data, 3 test suite not stable (nothing measured, nothing written), 130 interrupted.
Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from covtasks import __version__, versions
from covtasks.config import load_config
from covtasks.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, CovtasksError


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 through our handler."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CovtasksError(f"{message} (see `{self.prog} --help`)")


def _common() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    return common


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command``, only that command's module is imported
    to configure its options (the others are listed by name and summary)."""
    common = _common()
    parser = _Parser(
        prog="covtasks",
        description="A coverage number you can trust, from one command.",
        parents=[common],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"covtasks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    run = sub.add_parser(
        "run",
        parents=[common],
        allow_abbrev=False,
        help="run the suite under coverage, publish metrics and trend, gate",
        description="Run the whole pipeline. Arguments covtasks does not know (and "
        "everything after --) are passed to pytest.",
    )
    run.add_argument(
        "--fail-fast",
        action="store_true",
        help="run `pytest -x --lf` unmeasured first and stop at its first failure",
    )
    run.add_argument(
        "--doctor",
        action="store_true",
        help="run `covtasks doctor` first and stop (exit 2) if it finds an error",
    )
    run.add_argument(
        "--job",
        metavar="ID",
        default=os.environ.get("COVTASKS_JOB") or None,
        help="CI job mode: measure, write JOB_DIR/ID (data + manifest), no gate "
        "(default: $COVTASKS_JOB)",
    )
    run.add_argument(
        "--job-dir",
        metavar="DIR",
        type=Path,
        help="where job outputs go (default: job_dir in config, coverage-jobs)",
    )
    combine = sub.add_parser(
        "combine",
        parents=[common],
        allow_abbrev=False,
        help="combine CI job outputs, then publish and gate like run",
    )
    combine.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="job directories, or directories holding them (default: job_dir)",
    )
    combine.add_argument(
        "--expect",
        metavar="N|IDS|any",
        help="how many jobs, or their ids: 3, py39,py313 or 'py{39,313}-{linux,mac}'; "
        "'any' combines whatever is there without a completeness check (default: "
        "expected_jobs in config; one of them is required)",
    )
    for name, module, summary in COMMAND_MODULES:
        subparser = sub.add_parser(name, parents=[common], allow_abbrev=False, help=summary)
        if command is None or command == name:
            importlib.import_module(module).configure(subparser)
    return parser


# Commands that live in a module of their own, which exposes
# ``configure(parser)`` and ``execute(args) -> int`` (run from the project root).
COMMAND_MODULES: tuple[tuple[str, str, str], ...] = (
    (
        "report",
        "covtasks.report",
        "re-publish metrics, reports and trend from the last combined data",
    ),
    (
        "gate",
        "covtasks.release",
        "thresholds from a metrics JSON; --release: fresh, stable, no drop",
    ),
    ("trend", "covtasks.trendview", "show the trend: table, SVG chart, badge"),
    ("diff", "covtasks.diffcov", "coverage of the lines changed since a git ref"),
    ("doctor", "covtasks.doctor", "inspect the project's coverage setup and print fixes"),
)


def _dispatch(args: argparse.Namespace, extra: Sequence[str]) -> int:
    from covtasks import pipeline

    if args.command == "run":
        cfg = load_config(Path.cwd())
        # Before any test runs: too old a coverage would make every worker's data go
        # missing, which would read as a broken suite.
        versions.require_measured(cfg.workers)
        if args.doctor:
            from covtasks.doctor import run_doctor

            if run_doctor(cfg, sys.stdout) != 0:
                raise CovtasksError("doctor found errors: fix them, or run without --doctor")
        if args.job:
            from covtasks import matrix

            job_dir = (args.job_dir or cfg.job_dir).resolve()
            return matrix.run_job(cfg, args.job, job_dir, extra, sys.stdout)
        opts = pipeline.RunOptions(extra=tuple(extra), fail_fast=args.fail_fast)
        return pipeline.run(cfg, opts)
    if args.command == "combine":
        from covtasks import jobs, matrix

        cfg = load_config(Path.cwd())
        expect = jobs.parse_expect(args.expect) if args.expect else None
        return matrix.combine(cfg, args.paths, expect, sys.stdout)
    for name, module, _ in COMMAND_MODULES:
        if args.command == name:
            status: int = importlib.import_module(module).execute(args)
            return status
    raise CovtasksError(f"unknown command {args.command!r}")  # pragma: no cover


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word: the first argument that is not an option (the top-level
    options take no value)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser(_command_in(argv))
        if "--" in argv:
            cut = argv.index("--")
            args, extra = parser.parse_known_args(argv[:cut])
            extra += argv[cut + 1 :]
        else:
            args, extra = parser.parse_known_args(argv)
        if extra and args.command != "run":
            raise CovtasksError(
                f"unrecognized arguments: {' '.join(extra)} (see `covtasks {args.command} --help`)"
            )
        return _dispatch(args, extra)
    except CovtasksError as exc:
        if debug:
            traceback.print_exc()
        print(f"covtasks: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("covtasks: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - e.g. `covtasks trend | head`
        return EXIT_BAD_INPUT
