"""The metrics format: its version, the one reader, and the ``covtasks`` section read back.

A metrics file is coverage.py's JSON report plus one top-level ``covtasks`` object
(written by :func:`covtasks.publish.covtasks_section`). Every command that reads a
metrics file (``gate``, ``diff``, ``report``) opens it with :func:`load` and reads the
facts of the run it records through :class:`Recorded` and :func:`domain_percents`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from covtasks import strict
from covtasks.errors import CovtasksError

FORMAT = 1
# ``covtasks.completeness``: whether every worker / expected job was proven present.
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
class FlakyTest:
    """A test that failed in the measured run and passed when rerun alone (``job``: the
    CI job it was flaky in, in a combined suite)."""

    nodeid: str
    first: str
    rerun: str
    job: str | None = None


@dataclass(frozen=True)
class Suite:
    """A suite object, as the metrics (``covtasks.suite``) and job manifests record it.

    ``record`` is the object itself, written back as it was read (same keys, same
    order); the parts covtasks reads are typed fields, checked by :meth:`from_json`.
    """

    record: Mapping[str, Any]
    flaky: tuple[FlakyTest, ...] = ()
    quarantined_failed: tuple[str, ...] = ()
    quarantined_passed: tuple[str, ...] = ()

    @property
    def stable(self) -> bool:
        return bool(self.record.get("stable"))

    def count(self, key: str) -> int:
        """One of the suite's counts (``passed``, ``failed``...); 0 when not recorded."""
        return int(self.record.get(key) or 0)

    def to_json(self) -> dict[str, Any]:
        return dict(self.record)

    @classmethod
    def from_json(cls, value: object, where: str, key: str = "suite") -> Suite:
        """Read and check a suite object; errors name ``where`` and the key."""
        if not isinstance(value, dict):
            raise CovtasksError(f"{key} is not an object", where)
        records = value.get("flaky") or []
        if not isinstance(records, list):
            raise CovtasksError(f"{key}.flaky is not a list", where)
        flaky: list[FlakyTest] = []
        for i, entry in enumerate(records):
            fields = entry if isinstance(entry, dict) else {}
            texts = [fields.get(k) for k in ("nodeid", "first", "rerun")]
            job = fields.get("job")
            if not all(isinstance(t, str) for t in texts) or not isinstance(job, (str, type(None))):
                raise CovtasksError(f"{key}.flaky[{i}] is not a flaky test record", where)
            flaky.append(FlakyTest(str(texts[0]), str(texts[1]), str(texts[2]), job))
        names: dict[str, tuple[str, ...]] = {}
        for name in ("quarantined_failed", "quarantined_passed"):
            ids = value.get(name) or []
            if not isinstance(ids, list) or not all(isinstance(n, str) for n in ids):
                raise CovtasksError(f"{key}.{name} is not a list of test ids", where)
            names[name] = tuple(ids)
        return cls(dict(value), tuple(flaky), **names)


@dataclass(frozen=True)
class Recorded:
    """What a ``covtasks`` section says about the run that wrote it. Read leniently,
    as every reader always has: a missing or malformed part reads as absent."""

    commit: str | None
    dirty: bool
    suite: Suite
    jobs: tuple[Mapping[str, Any], ...]
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
            jobs=tuple(j for j in jobs if isinstance(j, dict)) if isinstance(jobs, list) else (),
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
