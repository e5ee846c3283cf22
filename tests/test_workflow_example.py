"""examples/github-actions/coverage.yml: every covtasks command line in it is one the
CLI accepts, and the pull-request steps use what issue 20 added."""

from __future__ import annotations

import re
import shlex

import pytest

from covtasks.cli import build_parser
from tests.helpers import REPO

WORKFLOW = (REPO / "examples" / "github-actions" / "coverage.yml").read_text(encoding="utf-8")
COMMANDS = re.findall(r"python -m covtasks (.+)$", WORKFLOW, re.M)


def test_the_workflow_runs_the_pull_request_commands() -> None:
    words = [line.split()[0] for line in COMMANDS]
    assert words == ["diff", "comment", "trend"]
    assert "--annotate github" in COMMANDS[0]
    assert "<!-- covtasks -->" in WORKFLOW  # the comment is found by its marker


@pytest.mark.parametrize("line", COMMANDS)
def test_each_covtasks_command_line_parses(line: str) -> None:
    argv = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "main", line))
    args, extra = build_parser(argv[0]).parse_known_args(argv)
    assert (args.command, extra) == (argv[0], [])


def test_the_comment_is_posted_or_updated_with_the_github_cli_only() -> None:
    step = WORKFLOW.split("- name: Post or update the coverage comment", 1)[1]
    script = step.split("run: |", 1)[1].split("- name:", 1)[0]
    assert "gh api --method PATCH" in script
    assert 'gh pr comment "$PR" --body-file comment.md' in script
    assert not re.search(r"\b(curl|wget|uses:)", script)
