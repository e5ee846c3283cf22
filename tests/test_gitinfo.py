"""What makes a tree dirty: tracked edits, or untracked Python files under source."""

from __future__ import annotations

from pathlib import Path

import pytest

from covtasks.gitinfo import git_info
from tests.helpers import git_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {
        "pkg/a.py": "A = 1\n",
        "tests/test_a.py": "def test_a():\n    pass\n",
        "out/metrics.json": "{}\n",
        ".gitignore": "pkg/generated_*.py\n",
    }
    return git_repo(tmp_path, files)


@pytest.mark.parametrize(
    ("change", "dirty"),
    [
        ({}, False),
        ({"pkg/new.py": "B = 2\n"}, True),
        ({"pkg/sub/new.pyw": "B = 2\n"}, True),
        ({"pkg/__pycache__/a.cpython-311.pyc": "x"}, False),
        ({"pkg/generated_x.py": "B = 2\n"}, False),
        ({"tests/test_new.py": "def test_b():\n    pass\n"}, False),
        ({"scratch.py": "B = 2\n"}, False),
        ({"tests/test_a.py": "def test_a():\n    assert 1\n"}, True),
        ({"out/metrics.json": '{"new": 1}\n'}, False),
    ],
    ids=[
        "clean",
        "untracked-source",
        "untracked-pyw-below",
        "bytecode",
        "ignored",
        "untracked-test",
        "untracked-outside-source",
        "tracked-edit",
        "output-edit",
    ],
)
def test_dirty(repo: Path, change: dict[str, str], dirty: bool) -> None:
    for name, text in change.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    info = git_info(repo, [repo / "out/metrics.json"], [repo / "pkg"])
    assert info.commit is not None
    assert info.dirty is dirty


def test_outside_git_nothing_is_dirty(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/new.py").write_text("B = 2\n")
    assert git_info(tmp_path, (), [tmp_path / "pkg"]).dirty is False
