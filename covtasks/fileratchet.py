"""The file ratchet (``file_ratchet = true``): at a release gate, no file's count of
missing statements may grow against the baseline (coverage.py's issue #717).

Unlike a percentage, a count does not fall when covered code is deleted, and it names
the file that slipped. The counts are coverage.py's own ``missing_lines`` per file. Every
trend entry keeps them compactly (``"missing": {"path": count}``, only the files with
missing statements), so the gate works on a CI machine that has only the committed
trend file.

A file the baseline does not list had no missing statement then, if it existed at the
baseline's commit (git says); a file that did not exist there is new and exempt (patch
coverage is its gate), and so is a renamed file (its new path did not exist). When the
clone lacks the baseline's commit (a shallow clone), only the files the baseline lists
are compared, and the check says so. A baseline written before the counts were kept
(an older trend entry) cannot be compared: the check says so and passes.

The rules are pure (:func:`missing_counts`, :func:`compare`); :func:`checks` adds git.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from covtasks import git
from covtasks.baseline import describe
from covtasks.errors import CovtasksError
from covtasks.gate import Check
from covtasks.trend import Baseline

KIND = "file_ratchet"
# The name of the check that passes (the failing checks are named by their file).
ALL_FILES = "files"


def _is_count(value: object) -> bool:
    """A whole number >= 0 (JSON may spell it 3.0; never true, NaN or infinite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and value >= 0 and value == int(value)


def missing_counts(files: Mapping[str, Any], where: str = "") -> dict[str, int]:
    """Path (with ``/``) -> missing statements, for the files that have any, sorted by
    path, from the ``files`` of coverage.py's JSON report (or of a metrics file, whose
    entries are checked: ``where`` names that file)."""
    counts: dict[str, int] = {}
    for name, entry in files.items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        value = summary.get("missing_lines") if isinstance(summary, dict) else None
        if not _is_count(value):
            raise CovtasksError(
                f"files[{name!r}].summary.missing_lines is not a count: {value!r}", where
            )
        if value:
            counts[PurePath(name).as_posix()] = int(value)
    return dict(sorted(counts.items()))


def compare(
    current: Mapping[str, int], baseline: Baseline, existed: frozenset[str] | None
) -> list[Check]:
    """The file ratchet's checks against ``baseline`` (pure): one failing check per
    file whose count grew, most growth first, or one passing check.

    ``current``: the files with missing statements now; ``existed``: the files of the
    baseline's commit (None: unknown, the clone lacks it).
    """
    against = describe(baseline)
    if baseline.missing is None:
        return [
            Check(
                ALL_FILES,
                0.0,
                None,
                True,
                KIND,
                f"skipped: the baseline {against} has no per-file counts (written by an "
                "older covtasks); the next baseline will have them",
            )
        ]
    grown: list[tuple[int, str, int, int]] = []
    new = 0
    for path, now in current.items():
        if path in baseline.missing:
            before = baseline.missing[path]
        elif existed is None:
            continue  # new, or fully covered then: the clone can't tell
        elif path in existed:
            before = 0  # the baseline lists only the files with missing statements
        else:
            new += 1  # new, or renamed: exempt
            continue
        if now > before:
            grown.append((now - before, path, before, now))
    if grown:
        return [
            Check(
                path,
                0.0,
                None,
                False,
                KIND,
                f"missing statements grew from {before} to {now} against {against}",
            )
            for _, path, before, now in sorted(grown, key=lambda g: (-g[0], g[1]))
        ]
    detail = f"no file's missing statements grew against {against}"
    detail += f" ({new} new file(s) exempt)" if new else ""
    if existed is None:
        detail += (
            f"; commit {against} is not in this clone, so only the files it recorded "
            "with missing statements were compared (fetch the history)"
        )
    return [Check(ALL_FILES, 0.0, None, True, KIND, detail)]


def checks(
    root: Path,
    current: Mapping[str, int],
    baseline: Baseline | None,
) -> list[Check]:
    """The file ratchet at a release gate: :func:`compare` with the files git has at
    the baseline's commit; one passing line when there is no baseline."""
    if baseline is None:
        return [Check(ALL_FILES, 0.0, None, True, KIND, "no baseline: nothing to compare")]
    existed = None if baseline.commit is None else git.files_at(root, baseline.commit)
    return compare(current, baseline, existed)
