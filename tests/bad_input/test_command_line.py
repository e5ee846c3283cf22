"""Bad input, table-driven, in-process (the contract: tests/bad_input/corpus.py): the
command line: commands, options, --job ids."""

from __future__ import annotations

import pytest

from tests.bad_input.corpus import Case, ProjectFactory, check_refused, in_process, one_job

CASES = [
    # the command line
    Case(
        "unknown-command",
        "argument COMMAND: invalid choice: 'frobnicate'",
        args=("frobnicate",),
    ),
    Case(
        "unknown-option",
        "unrecognized arguments: --bogus (see `covtasks gate --help`)",
        args=("gate", "--bogus"),
    ),
    Case(
        "annotate-unknown-format",
        "argument --annotate: invalid choice: 'gitlab'",
        args=("diff", "--base", "HEAD", "--annotate", "gitlab"),
    ),
    Case(
        "badge-json-no-file",
        "argument --badge-json: expected one argument",
        args=("trend", "--badge-json"),
    ),
    Case(
        "job-id-bad",
        "--job: job id 'bad id!' may only use letters, digits",
        args=("run", "--job", "bad id!"),
    ),
    # issue 17: ids become directory names; patterns must not explode
    Case(
        "job-id-dot-dot",
        "--job: job id '..' may only use letters, digits",
        args=("run", "--job", ".."),
    ),
    Case(
        "job-id-hidden",
        "--job: job id '.x' may only use letters, digits",
        args=("run", "--job", ".x"),
    ),
    Case(
        "expect-explodes",
        "--expect: expands to more than 1000 job ids",
        args=("combine", "--expect", "j" + "{a,b}" * 12),
        setup=one_job,
    ),
    Case(
        "expect-unbalanced-brace",
        "--expect: job id '{a,b' may only use letters, digits",
        args=("combine", "--expect", "{a,b"),
        setup=one_job,
    ),
    Case(
        "expect-path",
        "--expect: job id '../a' may only use letters, digits",
        args=("combine", "--expect", "../a"),
        setup=one_job,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    project: ProjectFactory, case: Case
) -> None:
    check_refused(project, case, in_process)
