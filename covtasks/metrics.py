"""The metrics format: its version, the one reader, and the ``covtasks`` section read back.

A metrics file is coverage.py's JSON report plus one top-level ``covtasks`` object
(written by :func:`covtasks.publish.covtasks_section`). Every command that reads a
metrics file (``gate``, ``diff``, ``report``) opens it with :func:`load` and reads the
facts of the run it records through :class:`Recorded` and :func:`domain_percents`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CovtasksError(f"{unreadable}: {exc}", where) from exc


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Recorded:
    """What a ``covtasks`` section says about the run that wrote it. Read leniently,
    as every reader always has: a missing or malformed part reads as absent."""

    commit: str | None
    dirty: bool
    suite: Mapping[str, Any]
    jobs: tuple[Mapping[str, Any], ...]
    completeness: str

    @property
    def stable(self) -> bool:
        return bool(self.suite.get("stable"))

    @classmethod
    def from_json(cls, section: object) -> Recorded:
        data = _object(section)
        jobs = data.get("jobs")
        commit = data.get("commit")
        return cls(
            commit=commit if isinstance(commit, str) else None,
            dirty=bool(data.get("dirty")),
            suite=dict(_object(data.get("suite"))),
            jobs=tuple(j for j in jobs if isinstance(j, dict)) if isinstance(jobs, list) else (),
            completeness=UNCHECKED if data.get("completeness") == UNCHECKED else CHECKED,
        )


def domain_percents(section: Mapping[str, Any], where: str) -> dict[str, float]:
    """Each domain's ``percent_covered`` in a ``covtasks`` section, checked."""
    domains: dict[str, float] = {}
    for name, entry in (section.get("domains") or {}).items():
        value = entry.get("percent_covered") if isinstance(entry, dict) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise CovtasksError(f"covtasks.domains.{name}.percent_covered is not a number", where)
        domains[name] = float(value)
    return domains
