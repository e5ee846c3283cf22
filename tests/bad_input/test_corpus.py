"""The bad-input corpus as a whole: its size, one row of each command through the real
``python -m covtasks``, ``--debug``, and the valid inputs the rows break."""

from __future__ import annotations

import json

import pytest

from tests.bad_input import test_command_line, test_jobs, test_metrics, test_pyproject, test_trend
from tests.bad_input.corpus import (
    METRICS,
    Case,
    ProjectFactory,
    check_refused,
    domain,
    in_a_subprocess,
    key,
)
from tests.helpers import write_job

CASES: list[Case] = [
    *test_pyproject.CASES,
    *test_trend.CASES,
    *test_metrics.CASES,
    *test_jobs.CASES,
    *test_command_line.CASES,
]


def test_table_has_enough_rows() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


# One row per command, through the real `python -m covtasks`.
FIRST_OF_EACH_COMMAND = list({c.args[0]: c for c in reversed(CASES)}.values())


@pytest.mark.slow
@pytest.mark.parametrize("case", FIRST_OF_EACH_COMMAND, ids=[c.id for c in FIRST_OF_EACH_COMMAND])
def test_bad_input_is_refused_the_same_by_the_real_process(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_a_subprocess)


def test_debug_shows_the_traceback(project: ProjectFactory) -> None:
    p = project(extra=key("fail_under", "101"))
    result = p.run("--debug", "run")
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("covtasks: error: pyproject.toml")


def test_overlapping_domains_are_accepted(project: ProjectFactory) -> None:
    p = project(extra=domain("all", 'paths = ["pkg/**"]'))
    result = p.run("run")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(p.path(METRICS).read_text(encoding="utf-8"))
    assert {"all", "governance"} <= set(data["covtasks"]["domains"])


def test_the_inputs_the_table_breaks_are_valid_as_built(project: ProjectFactory) -> None:
    """The job, kept data and metrics the rows corrupt are accepted whole: each row
    fails for its own reason, not because the fixture was wrong to begin with."""
    p = project()
    write_job(p, "a")
    for args in (("combine", "--expect", "a"), ("report",), ("gate",)):
        result = p.run(*args)
        assert result.returncode in (0, 1), (args, result.stdout + result.stderr)
        assert result.stderr == "", (args, result.stderr)
