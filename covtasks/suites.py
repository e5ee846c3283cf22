"""The suite record: a run's or a job's test outcomes, as the metrics (``covtasks.suite``)
and the job manifests record them, read and written by :class:`Suite`.

Part of the metrics format (``covtasks.metrics`` re-exports it); the stable stage
(``covtasks.stable``) fills it in, ``covtasks.matrix`` sums the jobs' suites.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from covtasks.errors import CovtasksError

# The suite counts that add up across jobs, in the order they are written.
SUITE_COUNTS = (
    *("collected", "passed", "failed", "errors", "skipped"),
    *("xfailed", "xpassed", "deselected"),
)
# ``covtasks.completeness``: whether every worker / expected job was proven present.


@dataclass(frozen=True)
class FlakyTest:
    """A test that failed in the measured run and passed when rerun alone (``job``: the
    CI job it was flaky in, in a combined suite)."""

    nodeid: str
    first: str
    rerun: str
    job: str | None = None

    def to_json(self) -> dict[str, Any]:
        record = {"nodeid": self.nodeid, "first": self.first, "rerun": self.rerun}
        return record if self.job is None else {**record, "job": self.job}


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
    def of_run(
        cls,
        *,
        stable: bool,
        exitstatus: int | None,
        collected: int,
        counts: Mapping[str, int],
        quarantined_failed: Sequence[str],
        quarantined_passed: Sequence[str],
        flaky: Sequence[FlakyTest],
    ) -> Suite:
        """The suite of one measured run (``counts``: the outcomes after ``collected``
        in :data:`SUITE_COUNTS`)."""
        record: dict[str, Any] = {
            "stable": stable,
            "pytest_exitstatus": exitstatus,
            "collected": collected,
            **{key: counts.get(key, 0) for key in SUITE_COUNTS[1:]},
            "quarantined_failed": list(quarantined_failed),
            "quarantined_passed": list(quarantined_passed),
            "flaky": [f.to_json() for f in flaky],
        }
        return cls(record, tuple(flaky), tuple(quarantined_failed), tuple(quarantined_passed))

    @classmethod
    def combined(cls, suites: Sequence[tuple[str, Suite]]) -> Suite:
        """The suites of the jobs ``(id, suite)`` summed, flaky tests named with their
        job; a quarantined test that failed in any job is not listed as passing."""
        flaky = tuple(
            FlakyTest(f.nodeid, f.first, f.rerun, job) for job, s in suites for f in s.flaky
        )
        failed = {n for _, s in suites for n in s.quarantined_failed}
        # A quarantined test passes "now" only if it passed in every job that ran it: one
        # failure anywhere keeps it in quarantine.
        passed = {n for _, s in suites for n in s.quarantined_passed} - failed
        record: dict[str, Any] = {
            "stable": True,
            "jobs": len(suites),
            **{key: sum(s.count(key) for _, s in suites) for key in SUITE_COUNTS},
            "flaky": [f.to_json() for f in flaky],
            "quarantined_failed": sorted(failed),
            "quarantined_passed": sorted(passed),
        }
        return cls(record, flaky, tuple(sorted(failed)), tuple(sorted(passed)))

    def with_reasons(self, reasons: Sequence[str]) -> Suite:
        """The suite as a job manifest records it: with why it is not stable."""
        return Suite({**self.record, "reasons": list(reasons)}, *self._typed())

    def reasons(self) -> list[str]:
        """Why a job's suite was not stable, as its manifest records them."""
        return [str(r) for r in self.record.get("reasons") or []]

    def _typed(self) -> tuple[tuple[FlakyTest, ...], tuple[str, ...], tuple[str, ...]]:
        return self.flaky, self.quarantined_failed, self.quarantined_passed

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
