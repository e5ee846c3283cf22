"""``python -m covtasks`` / ``covtasks``: the table of commands and the one error handler.

Each command lives in ``covtasks.commands.NAME`` (its arguments and its printing); only
the chosen command's module is imported, so ``run`` starts the tests with little
imported. Exit statuses: 0 ok, 1 coverage below a threshold, 2 bad usage, configuration
or input data, 3 test suite not stable (nothing measured, nothing written), 130
interrupted. Errors are one line on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from covtasks import __version__
from covtasks.commands import _options
from covtasks.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, CovtasksError


@dataclass(frozen=True)
class Command:
    """A CLI command: its module exposes ``configure(parser)`` and
    ``execute(args, extra) -> int`` (run from the project root)."""

    name: str
    module: str
    summary: str
    # Whether unknown arguments (and everything after --) go to the command: pytest's.
    passthrough: bool = False


COMMANDS: tuple[Command, ...] = (
    Command(
        "run",
        "covtasks.commands.run",
        "run the suite under coverage, publish metrics and trend, gate",
        passthrough=True,
    ),
    Command(
        "combine",
        "covtasks.commands.combine",
        "combine CI job outputs, then publish and gate like run",
    ),
    Command(
        "report",
        "covtasks.commands.report",
        "re-publish metrics, reports and trend from the last combined data",
    ),
    Command(
        "gate",
        "covtasks.commands.gate",
        "thresholds from a metrics JSON; --release: fresh, stable, no drop",
    ),
    Command("trend", "covtasks.commands.trend", "show the trend: table, SVG chart, badge"),
    Command("diff", "covtasks.commands.diff", "coverage of the lines changed since a git ref"),
    Command(
        "comment",
        "covtasks.commands.comment",
        "a Markdown pull-request comment: figures, changes, patch coverage, trend",
    ),
    Command(
        "doctor",
        "covtasks.commands.doctor",
        "inspect the project's coverage setup and print fixes",
    ),
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 through our handler."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CovtasksError(f"{message} (see `{self.prog} --help`)")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command``, only that command's module is imported
    to configure its options (the others are listed by name and summary)."""
    common = _Parser(add_help=False)
    _options.add_debug(common)
    parser = _Parser(
        prog="covtasks",
        description="A coverage number you can trust, from one command.",
        parents=[common],
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"covtasks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for cmd in COMMANDS:
        subparser = sub.add_parser(cmd.name, parents=[common], allow_abbrev=False, help=cmd.summary)
        if command is None or command == cmd.name:
            importlib.import_module(cmd.module).configure(subparser)
    return parser


def _command(name: str) -> Command:
    for cmd in COMMANDS:
        if cmd.name == name:
            return cmd
    raise CovtasksError(f"unknown command {name!r}")  # pragma: no cover


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
        cmd = _command(args.command)
        if extra and not cmd.passthrough:
            raise CovtasksError(
                f"unrecognized arguments: {' '.join(extra)} (see `covtasks {args.command} --help`)"
            )
        status: int = importlib.import_module(cmd.module).execute(args, extra)
        return status
    except CovtasksError as exc:
        if debug:
            traceback.print_exc()
        print(exc.line(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("covtasks: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - e.g. `covtasks trend | head`
        return EXIT_BAD_INPUT
