"""Per-test durations: the file ``run`` and ``combine`` write so that the next
``run --shard`` can balance its shards (``durations`` in ``[tool.covtasks]``).

Format: ``{"format": 1, "durations": {nodeid: seconds}}``, published with the run's
other outputs (all or nothing). A flat ``{nodeid: seconds}`` object (pytest-split's
``.test_durations``) is read too. A missing file is not an error (the split falls back
to test files); a malformed one is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from covtasks import strict
from covtasks.errors import CovtasksError

FORMAT = 1
DIGITS = 4  # seconds are kept to 0.1 ms
# Longer than any test runs (about 31 years): a larger figure is a damaged file, and an
# integer past 1e308 could not even become a float.
MAX_SECONDS = 1e9


def _number(value: object) -> bool:
    return strict.finite(value) and 0 <= value <= MAX_SECONDS


def parse(data: object, where: str) -> dict[str, float]:
    """The durations in a parsed durations file; errors name ``where``."""
    versioned = isinstance(data, dict) and "format" in data
    table = data.get("durations") if isinstance(data, dict) and versioned else data
    fmt = data["format"] if isinstance(data, dict) and versioned else FORMAT
    if not (strict.whole(fmt) and fmt == FORMAT):
        raise CovtasksError(f"durations format {fmt!r} is not {FORMAT}", where)
    if not isinstance(table, dict):
        raise CovtasksError("durations is not an object of node id -> seconds", where)
    bad = [k for k, v in table.items() if not _number(v)]
    if bad:
        raise CovtasksError(
            f"durations[{bad[0]!r}] is not a number of seconds from 0 to {MAX_SECONDS:.0e}", where
        )
    return {str(k): float(v) for k, v in table.items()}


def read(path: Path) -> dict[str, float] | None:
    """The durations recorded in ``path``; None when there is no such file."""
    if not path.is_file():
        return None
    try:
        data = strict.read_json(path)
    except OSError as exc:
        raise CovtasksError(
            f"cannot read the durations file: {exc.strerror or exc}", str(path)
        ) from exc
    except strict.BadInput as exc:
        raise CovtasksError(f"the durations file is not valid JSON: {exc}", str(path)) from exc
    return parse(data, str(path))


def of_results(results: Mapping[str, Any] | None) -> dict[str, float]:
    """The durations the plugin recorded in a run's results (setup + call + teardown)."""
    found = (results or {}).get("durations")
    return {str(k): float(v) for k, v in found.items()} if isinstance(found, dict) else {}


def merge(runs: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Several runs' durations as one: a test timed more than once keeps its longest
    time (the cautious figure for balancing)."""
    merged: dict[str, float] = {}
    for run in runs:
        for nodeid, seconds in run.items():
            merged[nodeid] = max(seconds, merged.get(nodeid, 0.0))
    return merged


def to_json(durations: Mapping[str, float]) -> dict[str, Any]:
    rounded = {k: round(durations[k], DIGITS) for k in sorted(durations)}
    return {"format": FORMAT, "durations": rounded}


def updated(path: Path, new: Mapping[str, float]) -> str:
    """The text of ``path`` with ``new`` written over the durations already in it (tests
    not run this time keep their time); published with the run's other outputs."""
    old = read(path) or {}
    return json.dumps(to_json({**old, **new}), indent=2) + "\n"
