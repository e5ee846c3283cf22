"""Per-test durations: the file ``run`` and ``combine`` write so that the next
``run --shard`` can balance its shards (``durations`` in ``[tool.covtasks]``).

Format: ``{"format": 1, "durations": {nodeid: seconds}}``, written atomically. A flat
``{nodeid: seconds}`` object (pytest-split's ``.test_durations``) is read too. A missing
file is not an error (the split falls back to test files); a malformed one is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from covtasks.errors import CovtasksError
from covtasks.files import write_json_atomic

FORMAT = 1
DIGITS = 4  # seconds are kept to 0.1 ms


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def parse(data: object, where: str) -> dict[str, float]:
    """The durations in a parsed durations file; errors name ``where``."""
    table = data.get("durations") if isinstance(data, dict) and "format" in data else data
    if isinstance(data, dict) and "format" in data and data["format"] != FORMAT:
        raise CovtasksError(f"durations format {data['format']!r} is not {FORMAT}", where)
    if not isinstance(table, dict):
        raise CovtasksError("durations is not an object of node id -> seconds", where)
    bad = [k for k, v in table.items() if not _number(v)]
    if bad:
        raise CovtasksError(f"durations[{bad[0]!r}] is not a number of seconds >= 0", where)
    return {str(k): float(v) for k, v in table.items()}


def read(path: Path) -> dict[str, float] | None:
    """The durations recorded in ``path``; None when there is no such file."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CovtasksError(f"cannot read the durations file: {exc}", str(path)) from exc
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


def update(path: Path, new: Mapping[str, float]) -> None:
    """Write ``new`` over the durations already in ``path`` (tests not run this time
    keep their time), atomically."""
    if not new:
        return
    old = read(path) or {}
    write_json_atomic(path, to_json({**old, **new}))
