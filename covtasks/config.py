"""``[tool.covtasks]`` in pyproject.toml -> frozen dataclasses, validated strictly.

Every problem is reported as one line naming the file and the key path, e.g.
``pyproject.toml: tool.covtasks.domains.security.fail_under: expected a number from 0
to 100, got true``. Unknown keys are errors with a "did you mean" suggestion. Checks
that need the files on disk (each domain glob matches a source file) run here too, so
a bad configuration never costs a test run.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

from covtasks import globs
from covtasks.covconfig import load_toml, read_coverage_settings
from covtasks.errors import CovtasksError
from covtasks.gitinfo import commit_override
from covtasks.sources import discover as discover_source
from covtasks.sources import resolve, source_files
from covtasks.tomlread import Reader, describe

DEFAULT_METRICS = "tests/coverage_reports/metrics/coverage.json"
DEFAULT_TREND = "tests/coverage_reports/trends/coverage_trend.json"
DEFAULT_DURATIONS = "tests/coverage_reports/durations.json"
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
    file_fail_under: float | None = None
    max_missing: int | None = None


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
    lcov: Path | None = None
    stable: StableConfig = field(default_factory=StableConfig)
    domains: tuple[Domain, ...] = ()
    coverage_file: Path | None = None
    core: str = "auto"
    expected_jobs: int | tuple[str, ...] | Literal["any"] | None = None
    tolerance: float = 0.0
    diff_fail_under: float | None = None
    job_dir: Path = Path("coverage-jobs")
    dynamic_context: bool = False
    durations: Path | None = Path(DEFAULT_DURATIONS)
    file_fail_under: float | None = None
    max_missing: int | None = None
    file_ratchet: bool = False

    def outputs(self) -> list[Path | None]:
        """The files and directories covtasks writes (they never make a tree dirty)."""
        written = [self.metrics, self.trend, self.html, self.xml, self.lcov, self.durations]
        return [*written, self.root / ".covtasks"]

    def reports(self) -> list[tuple[str, Path]]:
        """The configured coverage.py reports besides the JSON: html (a dir), xml, lcov."""
        reports = (("html", self.html), ("xml", self.xml), ("lcov", self.lcov))
        return [(label, path) for label, path in reports if path]

    def source_dirs(self) -> list[Path]:
        """The absolute paths handed to coverage.py as ``[run] source``."""
        return [self.root / s for s in self.source]


CORES = ("auto", "ctrace", "sysmon", "pytrace")


def _workers(reader: Reader, value: object, key: str) -> Workers:
    if value == "auto" or value == "logical":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise reader.fail(
            key, f'expected "auto", "logical" or a whole number >= 0, got {describe(value)}'
        )
    return value


def _quarantine(reader: Reader, value: object, key: str) -> tuple[QuarantineEntry, ...]:
    if not isinstance(value, list):
        raise reader.fail(key, f"expected an array of tables, got {describe(value)}")
    entries: list[QuarantineEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        at = f"{key}[{i}]"
        table = reader.table(raw, at, names(QUARANTINE_KEYS))
        for required in ("id", "reason"):
            if required not in table:
                raise reader.fail(f"{at}.{required}", "is required")
        node_id = reader.string(table["id"], f"{at}.id")
        if node_id in seen:
            raise reader.fail(f"{at}.id", f"{node_id!r} is quarantined twice")
        seen.add(node_id)
        until = reader.date(table.get("until"), f"{at}.until")
        if until is not None and until < reader.today:
            raise reader.fail(
                f"{at}.until",
                f"quarantine of {node_id!r} expired on {until.isoformat()}: "
                "fix the test and remove the entry, or extend the date",
            )
        entries.append(
            QuarantineEntry(node_id, reader.string(table["reason"], f"{at}.reason"), until)
        )
    return tuple(entries)


def _domain_paths(reader: Reader, value: object, key: str) -> tuple[str, ...]:
    paths = reader.strings(value, key, allow_empty=False)
    for i, pattern in enumerate(paths):
        try:
            globs.check_pattern(pattern)
        except globs.PatternError as exc:
            raise reader.fail(f"{key}[{i}]", str(exc)) from None
    return paths


def _domains(reader: Reader, value: object, key: str) -> tuple[Domain, ...]:
    if not isinstance(value, dict):
        raise reader.fail(key, f"expected a table of domains, got {describe(value)}")
    domains: list[Domain] = []
    for name, raw in value.items():
        at = f"{key}.{name}"
        if not DOMAIN_NAME.fullmatch(name):
            raise reader.fail(at, "a domain name may only use letters, digits, '_', '.' and '-'")
        if name.lower() in RESERVED_DOMAINS:
            raise reader.fail(at, f"{name!r} is reserved for covtasks' own rows")
        table = reader.table(raw, at, names(DOMAIN_KEYS))
        if "paths" not in table:
            raise reader.fail(f"{at}.paths", "is required")
        domains.append(Domain(name=name, **read_table(reader, table, at, DOMAIN_KEYS)))
    return tuple(domains)


def _stable(reader: Reader, value: object, key: str) -> StableConfig:
    table = reader.table(value, key, names(STABLE_KEYS))
    return StableConfig(**read_table(reader, table, key, STABLE_KEYS))


def _expected_jobs(
    reader: Reader, value: object, key: str
) -> int | tuple[str, ...] | Literal["any"] | None:
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
        key, f'expected a number of jobs, an array of job ids or "any", got {describe(value)}'
    )


def _core(reader: Reader, value: object, key: str) -> str:
    if value not in CORES:
        choices = ", ".join(f'"{c}"' for c in CORES)
        raise reader.fail(key, f"expected one of {choices}, got {describe(value)}")
    return str(value)


def _max_flaky(reader: Reader, value: object, key: str) -> float:
    """A whole number of tests, or a fraction of the collected tests (0 < f < 1)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if 0 < value < 1:
            return value
        raise reader.fail(key, f"expected a whole number >= 0 or a fraction below 1, got {value!r}")
    return reader.count(value, key)


def _reruns(reader: Reader, value: object, key: str) -> int:
    return reader.count(value, key, high=5)


def _precision(reader: Reader, value: object, key: str) -> int:
    return reader.count(value, key, high=10)


@dataclass(frozen=True)
class Key:
    """One key of a configuration table: how its value is read, its default as written
    in TOML, and a one-line help. ``shown`` is the README's default cell where the TOML
    default alone does not say it (a default that comes from elsewhere)."""

    name: str
    read: Callable[[Reader, Any, str], Any]
    default: object
    help: str
    shown: str = ""


# The schema: the unknown-key check, the defaults and the did-you-mean all come from
# these tables (in this order: "known keys: ..." lists them so), and a test checks the
# README's configuration table against them. A key's name is its dataclass field's.
TOP_KEYS = (
    Key(
        "source",
        Reader.strings,
        None,
        "what to measure",
        "coverage's `[run] source` and `source_pkgs`, else the packages in `src/` or at the "
        "top level",
    ),
    Key(
        "tests", Reader.strings, [], "pytest paths and arguments", "`[]` (pytest's own `testpaths`)"
    ),
    Key("workers", _workers, "auto", "pytest-xdist -n; 0 runs without xdist"),
    Key("fail_under", Reader.percent, 0, "the overall threshold"),
    Key("file_fail_under", Reader.optional_percent, None, "the threshold of every measured file"),
    Key("max_missing", Reader.optional_count, None, "missing statements allowed, at most"),
    Key("precision", _precision, 2, "decimals shown and compared"),
    Key(
        "branch",
        Reader.flag,
        True,
        "branch coverage",
        "`[tool.coverage.run] branch` if set, else `true`",
    ),
    Key("metrics", Reader.required_path, DEFAULT_METRICS, "the metrics JSON"),
    Key("trend", Reader.optional_path, DEFAULT_TREND, "the trend JSON; false turns it off"),
    Key("html", Reader.optional_path, None, "directory of coverage.py's html report", "off"),
    Key("xml", Reader.optional_path, None, "Cobertura XML file", "off"),
    Key("lcov", Reader.optional_path, None, "coverage.py's LCOV report file", "off"),
    Key("stable", _stable, {}, "what counts as a stable suite (a table)"),
    Key("domains", _domains, {}, "named groups of source files (a table of tables)"),
    Key("core", _core, "auto", "coverage core; $COVERAGE_CORE wins"),
    Key("expected_jobs", _expected_jobs, None, "CI matrix: the jobs combine needs"),
    Key("tolerance", Reader.percent, 0, "allowed drop at a release gate, in points"),
    Key("diff_fail_under", Reader.optional_percent, None, "default --fail-under of covtasks diff"),
    Key("job_dir", Reader.required_path, "coverage-jobs", "where job outputs go and combine looks"),
    Key("file_ratchet", Reader.flag, False, "no file's missing statements grow at a release gate"),
    Key("durations", Reader.optional_path, DEFAULT_DURATIONS, "per-test durations for run --shard"),
)
STABLE_KEYS = (
    Key("reruns", _reruns, 1, "failed tests rerun alone this many times (0-5)"),
    Key("max_flaky", _max_flaky, 3, "more flaky tests than this: not stable"),
    Key("quarantine", _quarantine, [], "tests that may fail without blocking, until a date"),
)
DOMAIN_KEYS = (
    Key("paths", _domain_paths, None, "coverage.py file patterns", "required"),
    Key("fail_under", Reader.optional_percent, None, "the domain's threshold"),
    Key("file_fail_under", Reader.optional_percent, None, "the threshold of each of its files"),
    Key("max_missing", Reader.optional_count, None, "its missing statements allowed, at most"),
    Key("tolerance", Reader.optional_percent, None, "the domain's allowed drop", "`tolerance`"),
)
QUARANTINE_KEYS = (
    Key("id", Reader.string, None, "the test's node id", "required"),
    Key("reason", Reader.string, None, "why it may fail", "required"),
    Key("until", Reader.date, None, "the date the quarantine expires"),
)
# Read by parse_config itself: their values depend on coverage.py's settings too.
_FROM_COVERAGE = frozenset({"source", "branch"})


def names(keys: Sequence[Key]) -> tuple[str, ...]:
    return tuple(k.name for k in keys)


def read_table(
    reader: Reader, table: Mapping[str, Any], at: str, keys: Sequence[Key]
) -> dict[str, Any]:
    """Each key's value (its default when absent), read, by field name."""
    return {k.name: k.read(reader, table.get(k.name, k.default), f"{at}.{k.name}") for k in keys}


def check_domain_globs(cfg: Config) -> None:
    """Each domain pattern must match at least one source file on disk."""
    files = source_files(cfg.root, cfg.source)
    reader = Reader(display_path(cfg.file))
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
    reader = Reader(display_path(file), root, today)
    tool = data.get("tool", {})
    raw: object = tool.get("covtasks", {}) if isinstance(tool, dict) else {}
    table = reader.table(raw, "tool.covtasks", names(TOP_KEYS))
    coverage = read_coverage_settings(root, dict(data))

    if "source" in table:
        entries = reader.strings(table["source"], "tool.covtasks.source", allow_empty=False)
        source = resolve(root, entries, lambda i: f"tool.covtasks.source[{i}]", reader.fail)
    elif coverage.source or coverage.source_pkgs:
        # The entries come from coverage.py's own file: name that file and its keys.
        fail = Reader(display_path(coverage.file or file)).fail
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

    keys = [k for k in TOP_KEYS if k.name not in _FROM_COVERAGE]
    return Config(
        root=root,
        file=file,
        source=source,
        branch=branch,
        coverage_file=coverage.file,
        dynamic_context=coverage.dynamic_context,
        **read_table(reader, table, "tool.covtasks", keys),
    )


def load_config(root: Path | None = None, *, today: datetime.date | None = None) -> Config:
    """Read and validate ``pyproject.toml`` of the project at ``root`` (default: cwd)."""
    root = (root or Path.cwd()).resolve()
    file = root / "pyproject.toml"
    if not file.is_file():
        raise CovtasksError("no pyproject.toml here; run covtasks from the project root", str(root))
    cfg = parse_config(load_toml(file), root, file, today=today)
    check_domain_globs(cfg)
    commit_override()  # $COVTASKS_COMMIT is recorded after the tests: check it before
    return cfg
