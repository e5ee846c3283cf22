"""The command line: what is imported before the tests start, and which command is meant."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Sequence

import pytest

from covtasks.cli import COMMANDS, _command_in, build_parser, main
from covtasks.commands import _options
from tests.helpers import Project, cli_env


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], None),
        (["run"], "run"),
        (["--debug", "gate", "--release"], "gate"),
        (["--version"], None),
        (["-h"], None),
        (["run", "--", "-k", "slow"], "run"),
        (["--", "trend"], None),
        (["trend", "--last", "3"], "trend"),
    ],
)
def test_command_in(argv: Sequence[str], command: str | None) -> None:
    assert _command_in(argv) == command


def _unmeasured_env() -> dict[str, str]:
    """The CLI's environment without an outer coverage run's subprocess measurement
    (covtasks measuring itself), which would import coverage at interpreter start."""
    return {k: v for k, v in cli_env(None).items() if not k.startswith("COVERAGE_PROCESS_")}


def _modules_after(code: str) -> set[str]:
    """The covtasks, coverage and pytest modules a fresh interpreter has after ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('covtasks', 'coverage', 'pytest', '_pytest'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=_unmeasured_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout))


def test_run_imports_neither_coverage_nor_pytest_before_the_tests_start() -> None:
    # What `covtasks run` has imported when it launches the measured run: the rest
    # (coverage's reporting, the report module) is imported while the tests run.
    loaded = _modules_after(
        "from covtasks import cli, orchestrate\ncli.build_parser(cli._command_in(['run']))"
    )
    assert "covtasks.orchestrate" in loaded
    assert not {m for m in loaded if m.startswith(("coverage", "pytest", "_pytest"))}
    assert not loaded & {"covtasks.report", "covtasks.doctor", "covtasks.diffcov"}
    assert not loaded & {"covtasks.matrix", "covtasks.publish", "covtasks.combine"}


def test_only_the_chosen_command_module_is_imported() -> None:
    loaded = _modules_after("from covtasks import cli\ncli.build_parser('trend')")
    assert "covtasks.trendview" in loaded
    assert not loaded & {"covtasks.release", "covtasks.diffcov", "covtasks.doctor"}


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["gate", "--help"], "--release"),
        (["trend", "--help"], "--last"),
        (["diff", "--help"], "--base"),
        (["doctor", "--help"], "usage: covtasks doctor"),
        (["--debug", "gate", "--help"], "--suggest"),
    ],
)
def test_a_commands_help_shows_its_options(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser(_command_in(argv)).parse_args(argv)
    assert exc.value.code == 0
    assert option in capsys.readouterr().out


def test_the_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser(_command_in(["--help"])).parse_args(["--help"])
    out = capsys.readouterr().out
    for command in ("run", "combine", "report", "gate", "trend", "diff", "doctor"):
        assert f"    {command} " in out


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0.0), ("100", 100.0), ("87.5", 87.5), ("-1", None), ("x", None)]
)
def test_percent_option(text: str, value: float | None) -> None:
    if value is None:
        with pytest.raises(argparse.ArgumentTypeError, match="from 0 to 100"):
            _options.percent(text)
    else:
        assert _options.percent(text) == value


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("12", 12), ("0", None), ("2.5", None)])
def test_positive_option(text: str, value: int | None) -> None:
    if value is None:
        with pytest.raises(argparse.ArgumentTypeError, match="whole number >= 1"):
            _options.positive(text)
    else:
        assert _options.positive(text) == value


def test_every_command_module_has_the_command_interface() -> None:
    for command in COMMANDS:
        module = importlib.import_module(command.module)
        assert command.module == f"covtasks.commands.{command.name}"
        assert callable(module.configure)
        assert callable(module.execute)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["report"], ".covtasks/.coverage: no combined data"),
        (["combine", "--expect", "any"], "coverage-jobs: no such job directory"),
    ],
)
def test_commands_that_run_no_tests_do_not_need_xdist(
    project: Callable[..., Project],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expect: str,
) -> None:
    # The project has workers = 2, but only commands that run the tests need xdist.
    monkeypatch.chdir(project().root)
    monkeypatch.setitem(sys.modules, "xdist", None)  # find_spec("xdist") is None
    assert main(argv) == 2
    assert expect in capsys.readouterr().err
