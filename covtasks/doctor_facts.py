"""What ``covtasks doctor`` looks at, read from the project and this environment.

:func:`gather` (the thin I/O shell) reads the configuration, coverage.py's and pytest's
settings, the files on disk, git and the installed versions into a :class:`ProjectFacts`;
the rules that judge the facts live in :mod:`covtasks.doctor`.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import posixpath
import re
import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import coverage
from coverage.exceptions import CoverageException

from covtasks import git, trend, versions
from covtasks.config import DEFAULT_METRICS, Config, Domain, Workers, display_path
from covtasks.covconfig import load_toml
from covtasks.errors import CovtasksError
from covtasks.sources import other_files
from covtasks.sources import source_files as list_source_files

# The files pytest takes its configuration from, in its order of precedence.
_PYTEST_FILES = (
    *("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini"),
    *("pyproject.toml", "tox.ini", "setup.cfg"),
)


@dataclass(frozen=True)
class PytestArgs:
    """Arguments pytest always gets, and where they are set."""

    where: str
    args: tuple[str, ...]
    label: str = "pytest addopts"


@dataclass(frozen=True)
class ProjectFacts:
    """What diagnose looks at. File names are relative to ``root``, with ``/``."""

    root: Path
    source: tuple[str, ...] = ()
    source_where: str = "tool.covtasks.source in pyproject.toml"
    source_files: tuple[str, ...] = ()
    other_files: tuple[str, ...] = ()  # the project's .py files outside source
    domains: tuple[Domain, ...] = ()
    coverage_file: str | None = None  # coverage.py's config file, if it has one
    run_omit: tuple[str, ...] = ()
    report_omit: tuple[str, ...] = ()
    report_include: tuple[str, ...] = ()
    relative_files: bool = False
    expected_jobs: int | tuple[str, ...] | str | None = None  # str: "any"
    pytest_args: tuple[PytestArgs, ...] = ()
    core: str = "auto"
    core_where: str = "tool.covtasks.core"
    branch: bool = True
    python: tuple[int, int] = (3, 12)
    workers: Workers = "auto"
    xdist: bool = True
    installed: tuple[tuple[str, str | None], ...] = ()  # (package, version) as installed
    trend: str | None = None
    trend_error: str | None = None
    trend_newer: bool = False  # the trend file was written by a newer covtasks
    metrics: str = DEFAULT_METRICS
    trend_ignored: bool = False
    metrics_ignored: bool = False
    coverage_objects: tuple[str, ...] = ()  # files that create coverage.Coverage objects
    metacov: bool = False  # COVERAGE_COVERAGE is set: coverage keeps saving anyway
    precision: int = 2
    # The percent thresholds that are set: (key path, value).
    thresholds: tuple[tuple[str, float], ...] = ()
    file_fail_under: float | None = None
    max_missing: int | None = None


def coverage_key(coverage_file: str | None, table: str, key: str = "") -> str:
    """Where a coverage.py setting goes: ``[tool.coverage.run] omit in pyproject.toml``."""
    file = coverage_file or "pyproject.toml"
    base = posixpath.basename(file)
    if base == "pyproject.toml":
        table = f"tool.coverage.{table}"
    elif base in ("setup.cfg", "tox.ini"):
        table = f"coverage:{table}"
    return f"[{table}]{' ' + key if key else ''} in {file}"


def _rel(root: Path, path: str | Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


_CREATES_COVERAGE = re.compile(r"\bCoverage\s*\(")


def coverage_objects(root: Path, files: Iterable[str]) -> list[str]:
    """The files (relative to ``root``) whose code calls ``Coverage(...)``."""
    found = []
    for rel in files:
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _CREATES_COVERAGE.search(text):
            found.append(rel)
    return found


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if not isinstance(value, str):
        return ()
    try:
        return tuple(shlex.split(value))
    except ValueError:  # an unbalanced quote: pytest will say so itself
        return tuple(value.split())


def _pytest_table(path: Path, pyproject: Mapping[str, Any]) -> tuple[str, object] | None:
    """(table, its addopts) when pytest reads its configuration from ``path``."""
    try:
        if path.name == "pyproject.toml":
            tool = pyproject.get("tool")
            ours = tool.get("pytest") if isinstance(tool, dict) else None
            if not isinstance(ours, dict) or not ours:
                return None
            ini = ours.get("ini_options")
            if isinstance(ini, dict):
                return "[tool.pytest.ini_options]", ini.get("addopts")
            return "[tool.pytest]", ours.get("addopts")
        if path.suffix == ".toml":  # pytest.toml: pytest's own file, even when empty
            table = load_toml(path).get("pytest")
            return "[pytest]", table.get("addopts") if isinstance(table, dict) else None
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
    except (CovtasksError, configparser.Error, UnicodeDecodeError):
        return None
    wanted = "tool:pytest" if path.name == "setup.cfg" else "pytest"
    if parser.has_section(wanted) or path.name.endswith("pytest.ini"):
        return f"[{wanted}]", parser.get(wanted, "addopts", fallback=None)
    return None


def pytest_config_args(root: Path, pyproject: Mapping[str, Any]) -> PytestArgs | None:
    """addopts of the file pytest takes its configuration from (the first it finds)."""
    for name in _PYTEST_FILES:
        found = _pytest_table(root / name, pyproject) if (root / name).is_file() else None
        if found is not None:
            return PytestArgs(f"{found[0]} addopts in {name}", _split(found[1]))
    return None


def _coverage_options(cfg: Config) -> dict[str, Any]:
    if cfg.coverage_file is None:
        return {}
    keys = ("run:source", "run:omit", "report:omit", "report:include", "run:relative_files")
    try:
        cov = coverage.Coverage(config_file=str(cfg.coverage_file), data_file=None)
        return {k: cov.get_option(k) for k in keys}
    except CoverageException as exc:
        where = display_path(cfg.coverage_file)
        raise CovtasksError(f"coverage.py can't read its settings: {exc}", where) from exc


def git_ignored(root: Path, paths: Sequence[Path]) -> list[bool]:
    """Whether git ignores each path (``git check-ignore``); all False outside git."""
    if git.output(root, "rev-parse", "--is-inside-work-tree") != "true":
        return [False] * len(paths)
    return [git.output(root, "check-ignore", "-q", str(path)) is not None for path in paths]


def trend_error(path: Path) -> trend.TrendError | None:
    """Why the trend file can't be read (None: it can, or does not exist yet)."""
    try:
        trend.load_entries(path)
    except trend.TrendError as exc:
        return exc
    return None


def gather(root: Path, cfg: Config) -> ProjectFacts:
    """Read what diagnose needs from the project at ``root`` and this environment."""
    root = root.resolve()
    pyproject = load_toml(cfg.file)
    tool = pyproject.get("tool")
    ours = tool.get("covtasks") if isinstance(tool, dict) else None
    options = _coverage_options(cfg)
    cov_file = None if cfg.coverage_file is None else _rel(root, cfg.coverage_file)
    if isinstance(ours, dict) and "source" in ours:
        source_where = f"tool.covtasks.source in {_rel(root, cfg.file)}"
    elif options.get("run:source"):
        source_where = coverage_key(cov_file, "run", "source")
    else:
        source_where = f"source under [tool.covtasks] in {_rel(root, cfg.file)}"
    args = [pytest_config_args(root, pyproject)]
    if os.environ.get("PYTEST_ADDOPTS"):
        env_args = _split(os.environ["PYTEST_ADDOPTS"])
        args.append(PytestArgs("the PYTEST_ADDOPTS environment variable", env_args))
    tests_key = f"tool.covtasks.tests in {_rel(root, cfg.file)}"
    args.append(PytestArgs(tests_key, cfg.tests, "tool.covtasks.tests"))
    env_core = os.environ.get("COVERAGE_CORE", "").strip()
    outputs = [cfg.metrics] if cfg.trend is None else [cfg.metrics, cfg.trend]
    ignored = [*git_ignored(root, outputs), False]
    source_files = tuple(_rel(root, f) for f in list_source_files(root, cfg.source))
    others = tuple(other_files(root, cfg.source))
    problem = None if cfg.trend is None else trend_error(cfg.trend)
    return ProjectFacts(
        root=root,
        source=tuple(posixpath.normpath(s.replace(os.sep, "/")) for s in cfg.source),
        source_where=source_where,
        source_files=source_files,
        other_files=others,
        domains=cfg.domains,
        coverage_file=cov_file,
        run_omit=tuple(options.get("run:omit") or ()),
        report_omit=tuple(options.get("report:omit") or ()),
        report_include=tuple(options.get("report:include") or ()),
        relative_files=bool(options.get("run:relative_files")),
        expected_jobs=cfg.expected_jobs,
        pytest_args=tuple(a for a in args if a is not None),
        core=env_core or cfg.core,
        core_where="COVERAGE_CORE" if env_core else "tool.covtasks.core",
        branch=cfg.branch,
        python=(sys.version_info[0], sys.version_info[1]),
        workers=cfg.workers,
        xdist=importlib.util.find_spec("xdist") is not None,
        installed=tuple(versions.installed_versions(f.package for f in versions.FLOORS).items()),
        trend=None if cfg.trend is None else _rel(root, cfg.trend),
        trend_error=None if problem is None else problem.detail,
        trend_newer=problem is not None and problem.newer,
        metrics=_rel(root, cfg.metrics),
        trend_ignored=cfg.trend is not None and ignored[1],
        metrics_ignored=ignored[0],
        coverage_objects=tuple(coverage_objects(root, [*source_files, *others])),
        metacov=os.environ.get("COVERAGE_COVERAGE") is not None,
        precision=cfg.precision,
        thresholds=tuple(thresholds(cfg)),
        file_fail_under=cfg.file_fail_under,
        max_missing=cfg.max_missing,
    )


def thresholds(cfg: Config) -> list[tuple[str, float]]:
    """Every percent threshold set in the configuration, by its key path."""
    found: list[tuple[str, float | None]] = [("tool.covtasks.fail_under", cfg.fail_under)]
    found.append(("tool.covtasks.file_fail_under", cfg.file_fail_under))
    for d in cfg.domains:
        at = f"tool.covtasks.domains.{d.name}"
        found += [(f"{at}.fail_under", d.fail_under), (f"{at}.file_fail_under", d.file_fail_under)]
    return [(key, value) for key, value in found if value is not None]
