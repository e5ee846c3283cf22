"""The import graph of the covtasks modules has no cycle (function-level imports count)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "covtasks"

# Cycles known to exist (the pipeline <-> report one is gone since orchestrate.py); the
# test also fails when one is gone, so this list only ever shrinks. It is empty.
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports, at any depth of its code."""
    mods = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    return {name: imports(path, name, set(mods)) for name, path in mods.items()}


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name}


def cycles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": set()}, set()),
        ({"a": {"b"}, "b": {"a"}}, {frozenset({"a", "b"})}),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, {frozenset({"a", "b", "c"})}),
    ],
)
def test_cycles_finds_the_strongly_connected_modules(
    edges: dict[str, set[str]], expected: set[frozenset[str]]
) -> None:
    assert cycles(edges) == expected


def test_imports_at_any_depth_and_relative_ones_count(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    files = {
        "__init__.py": "",
        "a.py": "def f():\n    from pkg import b\n    import pkg.c\n",
        "b.py": "class K:\n    def m(self):\n        from .c import X\n",
        "c.py": "import os\nfrom pkg.sub import d\n",
        "sub/__init__.py": "from . import d\n",
        "sub/d.py": "from .. import a\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    assert graph(package) == {
        "pkg": set(),
        "pkg.a": {"pkg", "pkg.b", "pkg.c"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.sub", "pkg.sub.d"},
        "pkg.sub": {"pkg.sub.d"},
        "pkg.sub.d": {"pkg", "pkg.a"},
    }
    assert cycles(graph(package)) == {
        frozenset({"pkg.a", "pkg.b", "pkg.c", "pkg.sub", "pkg.sub.d"})
    }


def test_covtasks_modules_import_each_other_without_a_cycle() -> None:
    assert cycles(graph(PACKAGE)) == KNOWN_CYCLES
