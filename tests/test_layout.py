"""The layout rules of the issue 15 restructuring: every module of covtasks and of the
benchmarks stays under 400 lines and opens with a docstring that says what it owns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
MODULES = sorted(
    [*ROOT.joinpath("covtasks").rglob("*.py"), *ROOT.joinpath("benchmarks").glob("*.py")]
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_is_small_and_says_what_it_owns(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, "split it by responsibility"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring, "its docstring says what it owns"
