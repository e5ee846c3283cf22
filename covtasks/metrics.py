"""The metrics format and the job manifest format: their versions, their typed records,
the one reader.

A metrics file is coverage.py's JSON report plus one top-level ``covtasks`` object: a
:class:`Section` (its suite, jobs, domains and gate verdict are :class:`Suite`,
:class:`JobRecord`, :class:`DomainRecord` and :class:`GateRecord`), built by
:func:`covtasks.publish.covtasks_section`. A CI job writes a :class:`JobManifest`
(:func:`covtasks.matrix.job_manifest`). Each record's ``to_json`` spells its keys, in
the order they are written; the readers go through the same records: every command
that reads a metrics file (``gate``, ``diff``, ``report``) opens it with :func:`load`
and reads the facts of the run it records through :class:`Recorded` and
:func:`domain_percents`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covtasks import strict
from covtasks.errors import CovtasksError
from covtasks.suites import SUITE_COUNTS as SUITE_COUNTS
from covtasks.suites import FlakyTest as FlakyTest
from covtasks.suites import Suite as Suite

FORMAT = 1
MANIFEST_FORMAT = 1
# The id of the one job of a local ``covtasks run``.
LOCAL_JOB = "local"
CHECKED = "checked"
UNCHECKED = "unchecked"
NO_METRICS = "no metrics file: run `covtasks run` first"
UNREADABLE = "cannot read the metrics JSON"


def load(path: Path, where: str, *, missing: str = NO_METRICS, unreadable: str = UNREADABLE) -> Any:
    """The parsed JSON of the metrics file ``path`` (any JSON value: each reader checks
    the parts it uses). ``where`` names the file in errors; ``missing`` and
    ``unreadable`` word them for the command that reads."""
    if not path.is_file():
        raise CovtasksError(missing, where)
    try:
        doc = strict.read_json(path)
    except (OSError, strict.BadInput) as exc:
        raise CovtasksError(f"{unreadable}: {exc}", where) from exc
    check_format(doc, where)
    return doc


def check_format(doc: object, where: str) -> None:
    """Refuse a metrics file whose ``covtasks.format`` this covtasks does not read: a
    newer format is not read as if it were this one."""
    section = doc.get("covtasks") if isinstance(doc, dict) else None
    if not isinstance(section, dict) or "format" not in section:
        return  # not written by covtasks (a plain coverage.py JSON report) or pre-format
    fmt = section["format"]
    if not strict.whole(fmt) or fmt < 1:
        raise CovtasksError(f"covtasks.format: expected a whole number >= 1, got {fmt!r}", where)
    if fmt > FORMAT:
        raise CovtasksError(
            f"covtasks.format: metrics format {fmt} was written by a newer covtasks (this one "
            f"reads format {FORMAT}); upgrade covtasks, or measure again with this one",
            where,
        )


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class JobRecord:
    """One entry of ``covtasks.jobs``: the local run, or one CI job combined.

    ``record`` is the object itself, written back as it was read (``covtasks report``
    republishes what the run recorded); the parts covtasks reads are properties.
    """

    record: Mapping[str, Any]

    @classmethod
    def local(cls, *, workers: int, data_files: int, core: str | None) -> JobRecord:
        """The one job of a local ``covtasks run``."""
        return cls({"id": LOCAL_JOB, "workers": workers, "data_files": data_files, "core": core})

    @classmethod
    def of_manifest(cls, job_id: str, manifest: Mapping[str, Any]) -> JobRecord:
        """A CI job as ``combine`` records it, from its (checked) manifest."""
        m = manifest
        return cls(
            {
                "id": job_id,
                "python": m.get("python", {}),
                "platform": m.get("platform"),
                "core": m.get("core"),
                "branch": m.get("branch"),
                "commit": m.get("commit"),
                "root": m.get("root"),
                "suite": {k: m["suite"].get(k) for k in ("stable", "passed", "failed", "flaky")},
            }
        )

    @property
    def id(self) -> object:
        return self.record.get("id")

    @property
    def core(self) -> object:
        return self.record.get("core")

    @property
    def python(self) -> Mapping[str, Any]:
        return _object(self.record.get("python"))

    @property
    def platform(self) -> object:
        """The platform recorded ("" when none is)."""
        return self.record.get("platform", "")

    @property
    def passed(self) -> object:
        """The number of tests that passed ("" when not recorded)."""
        return _object(self.record.get("suite")).get("passed", "")

    def to_json(self) -> dict[str, Any]:
        return dict(self.record)


def cores(jobs: Sequence[JobRecord]) -> list[str]:
    """The coverage cores that measured the jobs (one for a local run), sorted."""
    return sorted({str(j.core) for j in jobs if j.core})


@dataclass(frozen=True)
class JobManifest:
    """A CI job's ``manifest.json``: who measured what, where, how (written by
    ``run --job``; ``covtasks.jobs.read_job`` checks it)."""

    job: str
    created: str
    commit: str | None
    dirty: bool
    root: str
    source: tuple[str, ...]
    branch: bool
    core: str | None
    python_version: str
    python_implementation: str
    platform: str
    machine: str
    versions: Mapping[str, str]
    suite: Suite
    data_file: str
    data_files_combined: int
    format: int = MANIFEST_FORMAT
    # Per-test seconds of the measured run (setup + call + teardown), for the next split.
    durations: Mapping[str, float] = field(default_factory=dict)
    # ``run --shard``: ``covtasks.shard.ShardRecord.to_json()`` (absent otherwise).
    shard: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        shard = {"shard": dict(self.shard)} if self.shard is not None else {}
        return {
            "format": self.format,
            "job": self.job,
            "created": self.created,
            "commit": self.commit,
            "dirty": self.dirty,
            "root": self.root,
            "source": list(self.source),
            "branch": self.branch,
            "core": self.core,
            "python": {
                "version": self.python_version,
                "implementation": self.python_implementation,
            },
            "platform": self.platform,
            "machine": self.machine,
            "versions": dict(self.versions),
            "suite": self.suite.to_json(),
            "data_file": self.data_file,
            "data_files_combined": self.data_files_combined,
            "durations": {k: round(self.durations[k], 4) for k in sorted(self.durations)},
            **shard,
        }


# The keys ``covtasks.jobs.read_job`` requires of a manifest.
MANIFEST_REQUIRED = ("format", "job", "root", "source", "branch", "suite", "data_file")


@dataclass(frozen=True)
class DomainRecord:
    """A domain's figures (``numbers``: coverage.py's totals keys, from
    ``covtasks.figures.Numbers.to_json``), its threshold and its files. The overall
    figures are one too, without ``paths``."""

    numbers: Mapping[str, Any]
    fail_under: float | None
    paths: tuple[str, ...] | None = None

    @property
    def percent(self) -> float:
        return float(self.numbers["percent_covered"])

    def to_json(self) -> dict[str, Any]:
        record = {**self.numbers, "fail_under": self.fail_under}
        return record if self.paths is None else {**record, "paths": list(self.paths)}


@dataclass(frozen=True)
class CheckRecord:
    """One figure against its threshold, as the verdict records it."""

    name: str
    kind: str
    percent: float
    fail_under: float | None
    passed: bool
    # A file_fail_under check of one file: the file (then "file" is written).
    file: str | None = None
    # A max_missing check: the scope's missing statements and the limit (then both are).
    missing: int | None = None
    max_missing: int | None = None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "percent": self.percent,
            "fail_under": self.fail_under,
            "passed": self.passed,
        }
        if self.file is not None:
            result["file"] = self.file
        if self.max_missing is not None:
            result.update(missing=self.missing, max_missing=self.max_missing)
        return result


@dataclass(frozen=True)
class GateRecord:
    """The gate verdict: passed, the failure lines as printed, every check."""

    passed: bool
    failures: tuple[str, ...]
    checks: tuple[CheckRecord, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failures": list(self.failures),
            "checks": [c.to_json() for c in self.checks],
        }


@dataclass(frozen=True)
class Section:
    """The ``covtasks`` object of a metrics file, as ``run``, ``combine`` and ``report``
    write it."""

    versions: Mapping[str, str]
    platform: str
    timestamp: str
    commit: str | None
    dirty: bool
    branch: bool
    precision: int
    source: tuple[str, ...]
    jobs: tuple[JobRecord, ...]
    completeness: str
    suite: Suite
    overall: DomainRecord
    domains: Mapping[str, DomainRecord]
    unassigned: DomainRecord
    gate: GateRecord
    format: int = field(default=FORMAT)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "versions": dict(self.versions),
            "platform": self.platform,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "dirty": self.dirty,
            "branch": self.branch,
            "precision": self.precision,
            "source": list(self.source),
            "jobs": [j.to_json() for j in self.jobs],
            "cores": cores(self.jobs),
            "completeness": self.completeness,
            "suite": self.suite.to_json(),
            "overall": self.overall.to_json(),
            "domains": {name: d.to_json() for name, d in self.domains.items()},
            "unassigned": self.unassigned.to_json(),
            "gate": self.gate.to_json(),
        }

    def recorded(self) -> Recorded:
        """What a reader gets back from this section once written."""
        return Recorded(self.commit, self.dirty, self.suite, self.jobs, self.completeness)


@dataclass(frozen=True)
class Recorded:
    """What a ``covtasks`` section says about the run that wrote it. Read leniently,
    as every reader always has: a missing or malformed part reads as absent."""

    commit: str | None
    dirty: bool
    suite: Suite
    jobs: tuple[JobRecord, ...]
    completeness: str

    @property
    def stable(self) -> bool:
        return self.suite.stable

    @classmethod
    def from_json(cls, section: object) -> Recorded:
        data = _object(section)
        jobs = data.get("jobs")
        commit = data.get("commit")
        return cls(
            commit=commit if isinstance(commit, str) else None,
            dirty=bool(data.get("dirty")),
            suite=_lenient_suite(data.get("suite")),
            jobs=tuple(JobRecord(j) for j in jobs if isinstance(j, dict))
            if isinstance(jobs, list)
            else (),
            completeness=UNCHECKED if data.get("completeness") == UNCHECKED else CHECKED,
        )


def _lenient_suite(value: object) -> Suite:
    try:
        return Suite.from_json(_object(value), "")
    except CovtasksError:
        return Suite({})


def domain_percents(section: Mapping[str, Any], where: str) -> dict[str, float]:
    """Each domain's ``percent_covered`` in a ``covtasks`` section, checked."""
    domains: dict[str, float] = {}
    found = section.get("domains")
    found = {} if found is None else found
    if not isinstance(found, dict):
        raise CovtasksError("covtasks.domains is not an object", where)
    for name, entry in found.items():
        value = entry.get("percent_covered") if isinstance(entry, dict) else None
        if not strict.finite(value):
            raise CovtasksError(f"covtasks.domains.{name}.percent_covered is not a number", where)
        if not strict.percent(value):
            raise CovtasksError(
                f"covtasks.domains.{name}.percent_covered is not from 0 to 100: {value!r}", where
            )
        domains[name] = float(value)
    return domains
