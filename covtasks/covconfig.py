"""Read the few coverage.py settings covtasks needs to know about, without changing them.

coverage.py reads its own configuration when it measures; covtasks only needs to know
whether the project chose ``[run] branch``, ``source`` and ``source_pkgs`` explicitly.
The file is found the way coverage.py finds it: ``$COVERAGE_RCFILE``, then
``.coveragerc``, ``.coveragerc.toml`` (coverage 7.13+), ``setup.cfg``, ``tox.ini``
(``[coverage:*]`` sections) and ``pyproject.toml`` (``[tool.coverage.*]``), the first
that has coverage settings. tests/test_covconfig.py checks every case against what
coverage itself reads. (Asking coverage.py instead would import it, ~0.14 s, before the
tests start; covtasks imports it only while they run.)
"""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

from covtasks import strict
from covtasks.errors import CovtasksError


@dataclass(frozen=True)
class CoverageSettings:
    """What the project's coverage.py configuration says explicitly (None: not set)."""

    file: Path | None
    branch: bool | None
    source: tuple[str, ...] | None
    dynamic_context: bool = False
    source_pkgs: tuple[str, ...] | None = None
    # The run table as the file spells it: "tool.coverage.run", "[run]", "[coverage:run]".
    run_table: str = field(default="tool.coverage.run", compare=False)

    def key(self, name: str, index: int | None = None) -> str:
        """A run setting as the user wrote it: ``tool.coverage.run.source[1]`` in TOML,
        ``[coverage:run] source[1]`` in setup.cfg."""
        at = "" if index is None else f"[{index}]"
        sep = " " if self.run_table.startswith("[") else "."
        return f"{self.run_table}{sep}{name}{at}"


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every problem into one line naming the file."""
    try:
        text = strict.decode(path.read_bytes())
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CovtasksError(f"invalid TOML: {exc}", str(path)) from exc
    except strict.BadInput as exc:
        raise CovtasksError(str(exc), str(path)) from exc
    except RecursionError as exc:
        raise CovtasksError("invalid TOML: nested too deeply to be read", str(path)) from exc
    except OSError as exc:
        raise CovtasksError(f"cannot read: {exc.strerror}", str(path)) from exc


def _ini_run_section(path: Path, prefixed: bool) -> tuple[str, dict[str, str]] | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        # configparser's messages span several lines; errors are one line.
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        lineno = getattr(exc, "lineno", None)
        at = f" (line {lineno})" if lineno else ""
        raise CovtasksError(f"invalid INI file: {first}{at}", str(path)) from exc
    sections = parser.sections()
    if prefixed:
        sections = [s for s in sections if s.startswith("coverage:")]
    if not sections:
        return None
    names = ("coverage:run",) if prefixed else ("run", "coverage:run")
    for name in names:
        if parser.has_section(name):
            return f"[{name}]", dict(parser.items(name))
    return f"[{names[0]}]", {}


def _toml_run_section(
    path: Path, data: dict[str, Any] | None, *, our_file: bool = False
) -> tuple[str, dict[str, Any]] | None:
    doc = data if data is not None else load_toml(path)
    tool = doc.get("tool", {})
    cov = tool.get("coverage") if isinstance(tool, dict) else None
    run = cov.get("run") if isinstance(cov, dict) else None
    table = "tool.coverage.run"
    if run is None and our_file and doc.get("run") is not None and _reads_coveragerc_toml():
        # coverage's own TOML file (.coveragerc.toml, or $COVERAGE_RCFILE) may spell it
        # plain [run] too, since coverage 7.13 (older releases read only [tool.coverage.*]).
        run, table = doc.get("run"), "run"
    if not isinstance(cov, dict) and run is None:
        return None
    return table, run if isinstance(run, dict) else {}


def _reads_coveragerc_toml() -> bool:
    """Whether the installed coverage.py reads ``.coveragerc.toml`` (7.13+), asked
    without importing it."""
    try:
        version = importlib.metadata.version("coverage")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return True
    numbers = tuple(int(p) if p.isdigit() else 0 for p in version.split(".")[:2])
    return numbers >= (7, 13)


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"1", "yes", "true", "on"}:
            return True
        if lowered in {"0", "no", "false", "off"}:
            return False
    return None


def _as_list(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str):
        items = [v.strip() for line in value.splitlines() for v in line.split(",")]
        return tuple(v for v in items if v)
    return None


def read_coverage_settings(root: Path, pyproject: dict[str, Any] | None = None) -> CoverageSettings:
    """Find the coverage.py configuration of the project at ``root`` and read it."""
    env_file = os.environ.get("COVERAGE_RCFILE")
    candidates: list[tuple[Path, str]]
    if env_file:
        path = Path(env_file)
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            # coverage.py refuses to start with it: say so before any test runs.
            raise CovtasksError(f"no such file: {env_file!r}", "$COVERAGE_RCFILE")
        candidates = [(path, "env")]
    else:
        candidates = [
            (root / ".coveragerc", "rc"),
            *([(root / ".coveragerc.toml", "env")] if _reads_coveragerc_toml() else []),
            (root / "setup.cfg", "cfg"),
            (root / "tox.ini", "cfg"),
            (root / "pyproject.toml", "toml"),
        ]
    for path, kind in candidates:
        if not path.is_file():
            continue
        run: tuple[str, dict[str, Any]] | None
        if kind == "toml" or (kind == "env" and path.suffix == ".toml"):
            # An rc file of coverage's own (not pyproject.toml) reads like pyproject.
            run = _toml_run_section(
                path, pyproject if kind == "toml" else None, our_file=kind == "env"
            )
        else:
            run = _ini_run_section(path, prefixed=kind == "cfg")
        if run is None:
            continue
        table, values = run
        return CoverageSettings(
            file=path,
            branch=_as_bool(values.get("branch")),
            source=_as_list(values.get("source")),
            dynamic_context=bool(str(values.get("dynamic_context") or "").strip()),
            source_pkgs=_as_list(values.get("source_pkgs")),
            run_table=table,
        )
    return CoverageSettings(file=None, branch=None, source=None)
