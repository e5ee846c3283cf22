"""The stable-suite stage: classify what the measured pytest run did.

Pure core: :func:`classify` turns the plugin's records (see ``pytest_plugin``) and the
quarantine list into a :class:`SuiteResult`; :func:`describe` renders an unstable
suite's problems grouped by kind and error. A suite is stable when pytest finished,
collected tests, and every failure is quarantined (or, see ``reruns``, flaky).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from covtasks.metrics import FlakyTest, Suite

COLLECTION = "collection"
SETUP = "setup"
TEARDOWN = "teardown"
FAILURE = "failure"
KIND_ORDER = (COLLECTION, SETUP, TEARDOWN, FAILURE)
KIND_TITLES = {
    COLLECTION: "collection/import errors",
    SETUP: "setup errors",
    TEARDOWN: "teardown errors",
    FAILURE: "test failures",
}
_DATABASE = re.compile(
    r"database|sqlite|psycopg|mysql|OperationalError|sqlalchemy|no such table"
    r"|connection refused|could not connect|IntegrityError",
    re.IGNORECASE,
)
PYTEST_EXIT = {
    0: "all tests passed",
    1: "tests failed",
    2: "the run was interrupted",
    3: "pytest hit an internal error",
    4: "pytest was called wrongly (usage error)",
    5: "no tests were collected",
}


@dataclass(frozen=True)
class Problem:
    """One failing node: what kind of failure, and the exception that stopped it.

    ``types`` are the exception's type and those of the exceptions it was raised from
    or while handling (``sqlite3.OperationalError``, ``django.db.utils.Error``...).
    ``follows`` marks an error that only follows from an earlier setup error, whose
    message (and so kind and group) it then carries.
    """

    nodeid: str
    kind: str
    message: str
    types: tuple[str, ...] = ()
    follows: bool = False

    @property
    def database(self) -> bool:
        """A setup/teardown error whose exception points at the database."""
        if self.kind not in (SETUP, TEARDOWN):
            return False
        return any(_DATABASE.search(text) for text in (self.message, *self.types))

    @property
    def title(self) -> str:
        title = KIND_TITLES[self.kind]
        return f"{title} (database)" if self.database else title


@dataclass(frozen=True)
class Flaky:
    """A test that failed in the measured run and passed when rerun alone."""

    nodeid: str
    first: str
    rerun: str = "passed"


@dataclass(frozen=True)
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    xfailed: int = 0
    xpassed: int = 0
    deselected: int = 0


@dataclass(frozen=True)
class SuiteResult:
    """The verdict of the stable stage, recorded in the metrics JSON."""

    exitstatus: int | None
    collected: int
    counts: Counts
    problems: tuple[Problem, ...] = ()
    quarantined_failed: tuple[Problem, ...] = ()
    quarantined_passed: tuple[str, ...] = ()
    flaky: tuple[Flaky, ...] = ()
    max_flaky: int | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def stable(self) -> bool:
        return not self.reasons()

    def reasons(self) -> list[str]:
        """Why the suite is not stable; empty when it is."""
        reasons: list[str] = []
        if self.exitstatus is None:
            reasons.append("pytest stopped before the run finished")
        elif self.exitstatus not in (0, 1):
            status = PYTEST_EXIT.get(self.exitstatus, "pytest failed")
            reasons.append(f"{status} (pytest exit status {self.exitstatus})")
        if self.problems:
            counts: dict[str, int] = {}
            for problem in self.problems:
                counts[problem.title] = counts.get(problem.title, 0) + 1
            reasons.append(", ".join(f"{title}: {n}" for title, n in counts.items()))
        if self.max_flaky is not None and len(self.flaky) > self.max_flaky:
            reasons.append(
                f"{len(self.flaky)} flaky tests, more than stable.max_flaky = {self.max_flaky}"
            )
        return reasons

    def to_json(self) -> dict[str, Any]:
        return self.summary().to_json()

    def summary(self) -> Suite:
        """The result as the metrics record it, for the reporting stages."""
        return Suite.of_run(
            stable=self.stable,
            exitstatus=self.exitstatus,
            collected=self.collected,
            counts=asdict(self.counts),
            quarantined_failed=[p.nodeid for p in self.quarantined_failed],
            quarantined_passed=self.quarantined_passed,
            flaky=[FlakyTest(f.nodeid, f.first, f.rerun) for f in self.flaky],
        )


def is_quarantined(nodeid: str, quarantine: Iterable[str]) -> bool:
    """A node is quarantined by its own id, its function id (all params) or its file/class."""
    return any(nodeid == qid or nodeid.startswith((qid + "[", qid + "::")) for qid in quarantine)


def _kind(record: Mapping[str, Any]) -> str:
    when = record.get("when")
    if when == "collect":
        return COLLECTION
    if when == "setup":
        return SETUP
    if when == "teardown":
        return TEARDOWN
    return FAILURE


def _problem(nodeid: str, kind: str, record: Mapping[str, Any]) -> Problem:
    follows = str(record.get("follows") or "")
    return Problem(
        nodeid,
        kind,
        follows or str(record.get("message", "")),
        types=tuple(str(t) for t in record.get("types") or ()),
        follows=bool(follows),
    )


def classify(
    results: Mapping[str, Any] | None,
    quarantine: Sequence[str] = (),
    *,
    exitstatus: int | None = None,
) -> SuiteResult:
    """Turn the plugin's ``results.json`` into a verdict.

    ``results`` is None when pytest never reached the end of the session (a conftest
    import error, a crash); ``exitstatus`` is then the process's exit status.
    """
    if results is None:
        return SuiteResult(exitstatus=None, collected=0, counts=Counts())
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0, "xfailed": 0, "xpassed": 0}
    counts["deselected"] = int(results.get("deselected", 0))
    problems: list[Problem] = []
    quarantined_failed: list[Problem] = []
    failed_nodes: set[str] = set()
    passed_nodes: list[str] = []
    for record in results.get("records", []):
        nodeid = str(record.get("nodeid", ""))
        outcome = record.get("outcome")
        kind = _kind(record)
        if outcome == "failed":
            counts["failed" if kind == FAILURE else "errors"] += 1
            problem = _problem(nodeid, kind, record)
            failed_nodes.add(nodeid)
            if kind != COLLECTION and is_quarantined(nodeid, quarantine):
                quarantined_failed.append(problem)
            else:
                problems.append(problem)
        elif outcome == "skipped":
            counts["xfailed" if record.get("xfail") else "skipped"] += 1
        elif outcome == "passed" and record.get("when") == "call":
            counts["xpassed" if record.get("xfail") else "passed"] += 1
            passed_nodes.append(nodeid)
    quarantined_passed = tuple(
        n for n in passed_nodes if n not in failed_nodes and is_quarantined(n, quarantine)
    )
    status = results.get("exitstatus", exitstatus)
    return SuiteResult(
        exitstatus=int(status) if status is not None else None,
        collected=int(results.get("collected", 0)),
        counts=Counts(**counts),
        problems=tuple(problems),
        quarantined_failed=tuple(quarantined_failed),
        quarantined_passed=quarantined_passed,
    )


def rerun_outcomes(results: Mapping[str, Any] | None, nodeids: Sequence[str]) -> dict[str, str]:
    """Each rerun node's outcome: "passed" only if it ran and nothing of it failed."""
    outcome = dict.fromkeys(nodeids, "not rerun")
    if results is None:
        return outcome
    failed: set[str] = set()
    for record in results.get("records", []):
        nodeid = str(record.get("nodeid", ""))
        if record.get("outcome") == "failed":
            failed.add(nodeid)
        elif record.get("when") == "call" and record.get("outcome") == "passed":
            outcome[nodeid] = "passed"
    for nodeid in failed:
        outcome[nodeid] = "failed"
    return outcome


def flaky_limit(max_flaky: float, collected: int) -> int:
    """``stable.max_flaky`` as a count: a whole number, or a fraction of the tests."""
    if isinstance(max_flaky, float) and max_flaky < 1:
        return int(max_flaky * collected)
    return int(max_flaky)


def with_reruns(
    result: SuiteResult, rerun: Mapping[str, str], *, max_flaky: int | None
) -> SuiteResult:
    """Apply rerun outcomes (node id -> "passed"/"failed"): passing failures are flaky."""
    flaky = list(result.flaky)
    problems: list[Problem] = []
    for problem in result.problems:
        if problem.kind == FAILURE and rerun.get(problem.nodeid) == "passed":
            flaky.append(Flaky(problem.nodeid, first="failed", rerun="passed"))
        else:
            problems.append(problem)
    # ``exitstatus`` stays pytest's own: the verdict is ``stable``, not a rewritten status.
    return replace(result, problems=tuple(problems), flaky=tuple(flaky), max_flaky=max_flaky)


class _Quarantined(Protocol):
    """A ``stable.quarantine`` entry (``config.QuarantineEntry``)."""

    @property
    def id(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def until(self) -> datetime.date | None: ...


def quarantine_lines(result: SuiteResult, entries: Sequence[_Quarantined]) -> list[str]:
    """One line per quarantined test that failed, with its entry's reason and expiry:
    it did not block the run, but it must not pass unseen after pytest's "1 failed"."""
    lines: list[str] = []
    for nodeid in dict.fromkeys(p.nodeid for p in result.quarantined_failed):
        entry = next((e for e in entries if is_quarantined(nodeid, [e.id])), None)
        if entry is None:
            continue
        until = f"until {entry.until.isoformat()}" if entry.until else "no expiry date"
        lines.append(
            f"covtasks: quarantined test failed (not blocking): {nodeid} "
            f"(reason: {entry.reason}; {until})"
        )
    return lines


def describe(result: SuiteResult, *, per_group: int = 3) -> list[str]:
    """Lines explaining an unstable suite: grouped by kind, then by error line."""
    lines = [f"  - {reason}" for reason in result.reasons()]
    by_title: dict[str, dict[str, list[str]]] = {}
    order = sorted(
        result.problems, key=lambda p: (KIND_ORDER.index(p.kind), not p.database, p.follows)
    )
    for problem in order:
        label = f"{problem.nodeid} (follows from this error)" if problem.follows else problem.nodeid
        by_title.setdefault(problem.title, {}).setdefault(problem.message, []).append(label)
    for title, by_message in by_title.items():
        total = sum(len(v) for v in by_message.values())
        lines.append(f"{title}: {total}")
        for message, nodes in by_message.items():
            lines.append(f"  {message or '(no error message)'}")
            lines.extend(f"    {n}" for n in nodes[:per_group])
            if len(nodes) > per_group:
                lines.append(f"    ... and {len(nodes) - per_group} more with this error")
    if result.flaky and result.max_flaky is not None and len(result.flaky) > result.max_flaky:
        lines.append(f"flaky tests: {len(result.flaky)}")
        lines.extend(f"    {f.nodeid}" for f in result.flaky)
    return lines
