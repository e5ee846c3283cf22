"""What covtasks measures: source entries resolved to directories (or files) on disk.

coverage.py takes each ``[run] source`` entry that is a directory as a directory and
every other one as an importable package name (``coverage/inorout.py``); ``source_pkgs``
are always package names. coverage finds a package where the tests import it from; for
the checkout covtasks measures, that is the package directory at the project root, or
under ``src/`` (a src layout, installed editable or on ``pythonpath``). covtasks resolves
the names the same way, once, before the tests run, so domains stay file globs and every
stage works on paths.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from covtasks.errors import CovtasksError

# Directories never searched for source files or packages.
SKIP_DIRS = frozenset({"__pycache__", "build", "dist", "node_modules", "site-packages", "htmlcov"})
_NOT_SOURCE = frozenset({"tests", "test", "testing", "docs", "examples", "benchmarks"})
_PACKAGE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
# Where a package name is looked up, in the order the tests' imports would find it.
PACKAGE_BASES = (".", "src")


def find_package(root: Path, name: str) -> str | None:
    """The path (relative to ``root``, with ``/``) of package or module ``name``."""
    if not _PACKAGE_NAME.match(name):
        return None
    parts = name.split(".")
    for base in PACKAGE_BASES:
        where = root.joinpath(base, *parts)
        for candidate in (where, where.with_name(where.name + ".py")):
            if candidate.exists():
                return candidate.relative_to(root).as_posix()
    return None


def resolve(
    root: Path,
    entries: Sequence[str],
    key: Callable[[int], str],
    fail: Callable[[str, str], CovtasksError],
    *,
    packages_only: bool = False,
) -> tuple[str, ...]:
    """Each entry as a path relative to ``root``: a directory or file as written, else
    the package it names. ``key(i)`` names entry ``i`` in an error, as the user wrote it."""
    resolved: list[str] = []
    for i, entry in enumerate(entries):
        if not packages_only and (root / entry).exists():
            resolved.append(entry)
            continue
        found = find_package(root, entry)
        if found is None:
            what = "a package" if packages_only else "a directory, file or package"
            raise fail(key(i), f"{entry!r} is not {what} under {root} or its src/")
        resolved.append(found)
    return tuple(resolved)


def discover(root: Path) -> tuple[str, ...]:
    """Packages to measure when nothing says: ``src/*`` packages, else top-level ones."""
    src = root / "src"
    base = src if src.is_dir() else root
    found = sorted(
        p.relative_to(root).as_posix()
        for p in base.iterdir()
        if p.is_dir()
        and (p / "__init__.py").is_file()
        and p.name not in _NOT_SOURCE
        and p.name not in SKIP_DIRS
        and not p.name.startswith(".")
    )
    return tuple(found)


def _walk(base: Path, skip: Callable[[str, str], bool] = lambda parent, name: False) -> list[str]:
    """The .py files below ``base``: the one walk, skipping SKIP_DIRS, hidden directories
    and any directory ``skip(parent, name)`` rejects; directories visited in sorted order."""
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS and not d.startswith(".") and not skip(dirpath, d)
        )
        files.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".py"))
    return files


def source_files(root: Path, source: Sequence[str]) -> list[str]:
    """Absolute paths of the Python files below the source entries, sorted."""
    files: list[str] = []
    for entry in source:
        base = root / entry
        files.extend([str(base)] if base.is_file() else _walk(base))
    return sorted(files)


def other_files(root: Path, source: Sequence[str]) -> list[str]:
    """The project's .py files outside the source entries, relative to ``root`` with
    ``/`` (virtual environments skipped as well)."""
    measured = {os.path.normpath(root / s) for s in source}

    def skip(parent: str, name: str) -> bool:
        path = os.path.join(parent, name)
        return path in measured or os.path.isfile(os.path.join(path, "pyvenv.cfg"))

    found = _walk(root, skip)
    return sorted(
        os.path.relpath(path, root).replace(os.sep, "/") for path in found if path not in measured
    )
