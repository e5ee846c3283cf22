"""``[tool.covtasks]`` in pyproject.toml -> frozen dataclasses, validated strictly.

Every problem is reported as one line naming the file and the key path, e.g.
``pyproject.toml: tool.covtasks.domains.security.fail_under: expected a number from 0
to 100, got true``. Unknown keys are errors with a "did you mean" suggestion. Checks
that need the files on disk (each domain glob matches a source file) run here too, so
a bad configuration never costs a test run.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

from covtasks import globs
from covtasks.covconfig import load_toml, read_coverage_settings
from covtasks.errors import CovtasksError
from covtasks.sources import discover as discover_source
from covtasks.sources import resolve, source_files

DEFAULT_METRICS = "tests/coverage_reports/metrics/coverage.json"
DEFAULT_TREND = "tests/coverage_reports/trends/coverage_trend.json"
DOMAIN_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# Names that would collide with the rows and keys covtasks writes itself.
RESERVED_DOMAINS = frozenset({"overall", "total", "totals", "unassigned", "(unassigned)"})

Workers = Union[int, str]


@dataclass(frozen=True)
class Domain:
    """A named group of source files with an optional threshold."""

    name: str
    paths: tuple[str, ...]
    fail_under: float | None = None
    tolerance: float | None = None


@dataclass(frozen=True)
class QuarantineEntry:
    """A test allowed to fail without blocking measurement, until a date."""

    id: str
    reason: str
    until: datetime.date | None = None


@dataclass(frozen=True)
class StableConfig:
    """``[tool.covtasks.stable]``: what counts as a stable suite."""

    reruns: int = 1
    max_flaky: float = 3
    quarantine: tuple[QuarantineEntry, ...] = ()


@dataclass(frozen=True)
class Config:
    """The validated configuration of one project. Paths are absolute."""

    root: Path
    file: Path
    source: tuple[str, ...]
    tests: tuple[str, ...] = ()
    workers: Workers = "auto"
    fail_under: float = 0.0
    precision: int = 2
    branch: bool = True
    metrics: Path = Path(DEFAULT_METRICS)
    trend: Path | None = Path(DEFAULT_TREND)
    html: Path | None = None
    xml: Path | None = None
    stable: StableConfig = field(default_factory=StableConfig)
    domains: tuple[Domain, ...] = ()
    coverage_file: Path | None = None
    core: str = "auto"
    expected_jobs: int | tuple[str, ...] | Literal["any"] | None = None
    tolerance: float = 0.0
    diff_fail_under: float | None = None
    job_dir: Path = Path("coverage-jobs")
    dynamic_context: bool = False

    def outputs(self) -> list[Path | None]:
        """The files and directories covtasks writes (they never make a tree dirty)."""
        return [self.metrics, self.trend, self.html, self.xml, self.root / ".covtasks"]

    def reports(self) -> list[tuple[str, Path]]:
        """The configured coverage.py reports besides the JSON: ("html", dir), ("xml", file)."""
        return [(label, path) for label, path in (("html", self.html), ("xml", self.xml)) if path]

    def source_dirs(self) -> list[Path]:
        """The absolute paths handed to coverage.py as ``[run] source``."""
        return [self.root / s for s in self.source]


KEYS = (
    "source",
    "tests",
    "workers",
    "fail_under",
    "precision",
    "branch",
    "metrics",
    "trend",
    "html",
    "xml",
    "stable",
    "domains",
    "core",
    "expected_jobs",
    "tolerance",
    "diff_fail_under",
    "job_dir",
)
STABLE_KEYS = ("reruns", "max_flaky", "quarantine")
DOMAIN_KEYS = ("paths", "fail_under", "tolerance")
CORES = ("auto", "ctrace", "sysmon", "pytrace")
QUARANTINE_KEYS = ("id", "reason", "until")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, Mapping)):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


class _Reader:
    """Typed access to one TOML table, raising CovtasksError with the key path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, message: str) -> CovtasksError:
        return CovtasksError(f"{key}: {message}", self.file)

    def table(self, value: object, key: str, allowed: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {_describe(value)}")
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = ", ".join(allowed)
                raise self.fail(f"{key}.{name}", f"unknown key{hint}; known keys: {known}")
        return value

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {_describe(value)}")
        return value

    def strings(self, value: object, key: str, *, allow_empty: bool = True) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"expected an array of strings, got {_describe(value)}")
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        return tuple(self.string(v, f"{key}[{i}]") for i, v in enumerate(value))

    def percent(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number from 0 to 100, got {_describe(value)}")
        if not 0 <= value <= 100:
            raise self.fail(key, f"expected a number from 0 to 100, got {value!r}")
        return float(value)

    def count(self, value: object, key: str, *, low: int = 0, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {_describe(value)}")
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f">= {low}"
            raise self.fail(key, f"expected a whole number {limit}, got {value!r}")
        return value

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {_describe(value)}")
        return value

    def path(self, value: object, key: str, root: Path, *, optional: bool) -> Path | None:
        if optional and value is False:
            return None
        if not isinstance(value, str) or not value.strip():
            allowed = "a path (or false to turn it off)" if optional else "a path"
            raise self.fail(key, f"expected {allowed}, got {_describe(value)}")
        return (root / value).resolve()


def _workers(reader: _Reader, value: object) -> Workers:
    if value == "auto" or value == "logical":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise reader.fail(
            "tool.covtasks.workers",
            f'expected "auto", "logical" or a whole number >= 0, got {_describe(value)}',
        )
    return value


def _quarantine(
    reader: _Reader, value: object, key: str, today: datetime.date
) -> tuple[QuarantineEntry, ...]:
    if not isinstance(value, list):
        raise reader.fail(key, f"expected an array of tables, got {_describe(value)}")
    entries: list[QuarantineEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        at = f"{key}[{i}]"
        table = reader.table(raw, at, QUARANTINE_KEYS)
        for required in ("id", "reason"):
            if required not in table:
                raise reader.fail(f"{at}.{required}", "is required")
        node_id = reader.string(table["id"], f"{at}.id")
        if node_id in seen:
            raise reader.fail(f"{at}.id", f"{node_id!r} is quarantined twice")
        seen.add(node_id)
        until = _date(reader, table.get("until"), f"{at}.until")
        if until is not None and until < today:
            raise reader.fail(
                f"{at}.until",
                f"quarantine of {node_id!r} expired on {until.isoformat()}: "
                "fix the test and remove the entry, or extend the date",
            )
        entries.append(
            QuarantineEntry(node_id, reader.string(table["reason"], f"{at}.reason"), until)
        )
    return tuple(entries)


def _date(reader: _Reader, value: object, key: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise reader.fail(key, f"expected a date like 2027-01-31, got {_describe(value)}")


def _domains(reader: _Reader, value: object) -> tuple[Domain, ...]:
    key = "tool.covtasks.domains"
    if not isinstance(value, dict):
        raise reader.fail(key, f"expected a table of domains, got {_describe(value)}")
    domains: list[Domain] = []
    for name, raw in value.items():
        at = f"{key}.{name}"
        if not DOMAIN_NAME.fullmatch(name):
            raise reader.fail(at, "a domain name may only use letters, digits, '_', '.' and '-'")
        if name.lower() in RESERVED_DOMAINS:
            raise reader.fail(at, f"{name!r} is reserved for covtasks' own rows")
        table = reader.table(raw, at, DOMAIN_KEYS)
        if "paths" not in table:
            raise reader.fail(f"{at}.paths", "is required")
        paths = reader.strings(table["paths"], f"{at}.paths", allow_empty=False)
        for i, pattern in enumerate(paths):
            try:
                globs.check_pattern(pattern)
            except globs.PatternError as exc:
                raise reader.fail(f"{at}.paths[{i}]", str(exc)) from None
        fail_under = table.get("fail_under")
        tolerance = table.get("tolerance")
        domains.append(
            Domain(
                name=name,
                paths=paths,
                fail_under=None
                if fail_under is None
                else reader.percent(fail_under, f"{at}.fail_under"),
                tolerance=None
                if tolerance is None
                else reader.percent(tolerance, f"{at}.tolerance"),
            )
        )
    return tuple(domains)


def _stable(reader: _Reader, value: object, today: datetime.date) -> StableConfig:
    key = "tool.covtasks.stable"
    table = reader.table(value, key, STABLE_KEYS)
    defaults = StableConfig()
    return StableConfig(
        reruns=reader.count(table.get("reruns", defaults.reruns), f"{key}.reruns", high=5),
        max_flaky=_max_flaky(
            reader, table.get("max_flaky", defaults.max_flaky), f"{key}.max_flaky"
        ),
        quarantine=_quarantine(reader, table.get("quarantine", []), f"{key}.quarantine", today),
    )


def _expected_jobs(reader: _Reader, value: object) -> int | tuple[str, ...] | Literal["any"] | None:
    key = "tool.covtasks.expected_jobs"
    if value is None:
        return None
    if value == "any":  # combine whatever jobs are there, without a completeness check
        return "any"
    if isinstance(value, int) and not isinstance(value, bool):
        return reader.count(value, key, low=1)
    if isinstance(value, list):
        ids = reader.strings(value, key, allow_empty=False)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise reader.fail(key, f"job id(s) listed twice: {', '.join(dupes)}")
        return ids
    raise reader.fail(
        key,
        f'expected a number of jobs, an array of job ids or "any", got {_describe(value)}',
    )


def _core(reader: _Reader, value: object) -> str:
    if value not in CORES:
        choices = ", ".join(f'"{c}"' for c in CORES)
        raise reader.fail(
            "tool.covtasks.core", f"expected one of {choices}, got {_describe(value)}"
        )
    return str(value)


def _max_flaky(reader: _Reader, value: object, key: str) -> float:
    """A whole number of tests, or a fraction of the collected tests (0 < f < 1)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if 0 < value < 1:
            return value
        raise reader.fail(key, f"expected a whole number >= 0 or a fraction below 1, got {value!r}")
    return reader.count(value, key)


def check_domain_globs(cfg: Config) -> None:
    """Each domain pattern must match at least one source file on disk."""
    files = source_files(cfg.root, cfg.source)
    reader = _Reader(display_path(cfg.file))
    for domain in cfg.domains:
        for i, pattern in enumerate(domain.paths):
            matcher = globs.Matcher([pattern], cfg.root)
            if not any(matcher.match(f) for f in files):
                raise reader.fail(
                    f"tool.covtasks.domains.{domain.name}.paths[{i}]",
                    f"{pattern!r} matches no source file under {', '.join(cfg.source)}",
                )


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_config(
    data: Mapping[str, Any], root: Path, file: Path, *, today: datetime.date | None = None
) -> Config:
    """Build a Config from the parsed pyproject document (pure but for source checks)."""
    reader = _Reader(display_path(file))
    tool = data.get("tool", {})
    raw: object = tool.get("covtasks", {}) if isinstance(tool, dict) else {}
    table = reader.table(raw, "tool.covtasks", KEYS)
    today = today or datetime.date.today()
    coverage = read_coverage_settings(root, dict(data))

    if "source" in table:
        entries = reader.strings(table["source"], "tool.covtasks.source", allow_empty=False)
        source = resolve(root, entries, lambda i: f"tool.covtasks.source[{i}]", reader.fail)
    elif coverage.source or coverage.source_pkgs:
        # The entries come from coverage.py's own file: name that file and its keys.
        fail = _Reader(display_path(coverage.file or file)).fail
        source = resolve(root, coverage.source or (), lambda i: coverage.key("source", i), fail)
        pkgs = coverage.source_pkgs or ()
        source += resolve(
            root, pkgs, lambda i: coverage.key("source_pkgs", i), fail, packages_only=True
        )
        source = tuple(dict.fromkeys(source))
    else:
        source = discover_source(root)
        if not source:
            raise reader.fail(
                "tool.covtasks.source",
                "not set, and no package was found to measure; "
                'set source = ["yourpackage"] under [tool.covtasks]',
            )

    branch = coverage.branch if coverage.branch is not None else True
    if "branch" in table:
        branch = reader.flag(table["branch"], "tool.covtasks.branch")

    defaults = Config(root=root, file=file, source=source)
    return Config(
        root=root,
        file=file,
        source=source,
        tests=reader.strings(table.get("tests", []), "tool.covtasks.tests"),
        workers=_workers(reader, table.get("workers", defaults.workers)),
        fail_under=reader.percent(table.get("fail_under", 0), "tool.covtasks.fail_under"),
        precision=reader.count(table.get("precision", 2), "tool.covtasks.precision", high=10),
        branch=branch,
        metrics=_required_path(reader, table.get("metrics", DEFAULT_METRICS), "metrics", root),
        trend=reader.path(
            table.get("trend", DEFAULT_TREND), "tool.covtasks.trend", root, optional=True
        ),
        html=_optional_path(reader, table.get("html"), "html", root),
        xml=_optional_path(reader, table.get("xml"), "xml", root),
        stable=_stable(reader, table.get("stable", {}), today),
        domains=_domains(reader, table.get("domains", {})),
        coverage_file=coverage.file,
        dynamic_context=coverage.dynamic_context,
        core=_core(reader, table.get("core", "auto")),
        expected_jobs=_expected_jobs(reader, table.get("expected_jobs")),
        tolerance=reader.percent(table.get("tolerance", 0), "tool.covtasks.tolerance"),
        diff_fail_under=None
        if table.get("diff_fail_under") is None
        else reader.percent(table["diff_fail_under"], "tool.covtasks.diff_fail_under"),
        job_dir=_required_path(reader, table.get("job_dir", "coverage-jobs"), "job_dir", root),
    )


def _required_path(reader: _Reader, value: object, name: str, root: Path) -> Path:
    path = reader.path(value, f"tool.covtasks.{name}", root, optional=False)
    assert path is not None
    return path


def _optional_path(reader: _Reader, value: object, name: str, root: Path) -> Path | None:
    if value is None:
        return None
    return reader.path(value, f"tool.covtasks.{name}", root, optional=True)


def load_config(root: Path | None = None, *, today: datetime.date | None = None) -> Config:
    """Read and validate ``pyproject.toml`` of the project at ``root`` (default: cwd)."""
    root = (root or Path.cwd()).resolve()
    file = root / "pyproject.toml"
    if not file.is_file():
        raise CovtasksError("no pyproject.toml here; run covtasks from the project root", str(root))
    cfg = parse_config(load_toml(file), root, file, today=today)
    check_domain_globs(cfg)
    return cfg
