"""Outputs: the metrics JSON, the kept combined data, and the step summary (the html
and Cobertura XML reports are ``covtasks.htmlxml``'s).

The metrics JSON is coverage.py's own JSON report, unchanged (``jq
'.totals.percent_covered'`` works), plus one top-level ``covtasks`` object with a
format number, the tool versions, the commit, the suite's results, per-domain numbers
and the gate verdict: a :class:`covtasks.metrics.Section`, which owns its keys; this
module fills it in and writes it.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import coverage
from coverage.exceptions import CoverageException

import covtasks
from covtasks import metrics
from covtasks.config import Config
from covtasks.errors import CovtasksError
from covtasks.figures import Analysis, DomainNumbers
from covtasks.files import atomic_writer
from covtasks.gate import Verdict
from covtasks.gitinfo import GitInfo
from covtasks.metrics import CHECKED as CHECKED
from covtasks.metrics import UNCHECKED as UNCHECKED
from covtasks.publication import Publication

METRICS_FORMAT = metrics.FORMAT


def versions() -> dict[str, str]:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "unknown"

    return {
        "covtasks": covtasks.__version__,
        "coverage": coverage.__version__,
        "pytest": version("pytest"),
        "pytest-xdist": version("pytest-xdist"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _domain(d: DomainNumbers, precision: int) -> metrics.DomainRecord:
    return metrics.DomainRecord(d.numbers.to_json(precision), d.fail_under, tuple(d.files))


def covtasks_section(
    cfg: Config,
    analysis: Analysis,
    verdict: Verdict,
    *,
    suite: metrics.Suite,
    jobs: Sequence[metrics.JobRecord],
    git: GitInfo,
    timestamp: datetime.datetime,
    completeness: str = CHECKED,
) -> metrics.Section:
    """The ``covtasks`` object of the metrics of this analysis, verdict and run."""
    return metrics.Section(
        versions=versions(),
        platform=sys.platform,
        timestamp=timestamp.isoformat(),
        commit=git.commit,
        dirty=git.dirty,
        branch=cfg.branch,
        precision=cfg.precision,
        source=tuple(cfg.source),
        jobs=tuple(jobs),
        completeness=completeness,
        suite=suite,
        overall=metrics.DomainRecord(analysis.overall.to_json(cfg.precision), cfg.fail_under),
        domains={d.name: _domain(d, cfg.precision) for d in analysis.domains},
        unassigned=_domain(analysis.unassigned, cfg.precision),
        gate=verdict.record(),
    )


def json_report(cov: coverage.Coverage, outfile: Path, precision: int) -> dict[str, Any]:
    """coverage.py's JSON report of the combined data, written once and read back.

    It is written at covtasks' ``precision``, so its ``percent_covered_display``
    fields agree with covtasks' table; the project's own ``[report] precision`` still
    applies to the html and XML reports, which are written afterwards.
    """
    saved = cov.get_option("report:precision")
    cov.set_option("report:precision", precision)
    try:
        cov.json_report(outfile=str(outfile))
    except CoverageException as exc:
        raise CovtasksError(f"coverage could not report: {' '.join(str(exc).split())}") from exc
    except OSError as exc:  # a full disk, a file-size limit: nothing is published
        raise CovtasksError(f"cannot write: {exc.strerror or exc}", str(outfile)) from exc
    finally:
        cov.set_option("report:precision", saved)
    data: dict[str, Any] = json.loads(outfile.read_text(encoding="utf-8"))
    return data


def write_metrics(
    path: Path,
    report: Mapping[str, Any],
    section: Mapping[str, Any],
    *,
    report_file: Path | None = None,
    pub: Publication | None = None,
) -> None:
    """coverage.py's JSON report plus the ``covtasks`` object, written atomically (or
    prepared as part of ``pub``).

    With ``report_file`` (the report as coverage.py wrote it) its bytes are copied as
    they are, in chunks, and the section is spliced in before the final brace:
    re-encoding a large report with the json module costs seconds and hundreds of MiB
    for the same document, and so would holding its text in memory.
    """
    addition = json.dumps({"covtasks": dict(section)}, indent=2)[1:].lstrip()
    writer = atomic_writer if pub is None else pub.writer
    if report_file is not None:
        with open(report_file, "rb") as src:
            keep = _splice_offset(src)
            if keep is not None:
                with writer(path) as dst:
                    src.seek(0)
                    _copy_bytes(src, dst, keep)
                    dst.write(b",\n" + addition.encode("utf-8") + b"\n")
                return
    text = json.dumps({**report, "covtasks": dict(section)}, indent=2) + "\n"
    with writer(path) as dst:
        dst.write(text.encode("utf-8"))


_TAIL = 1 << 16
_CHUNK = 1 << 20


def _splice_offset(f: BinaryIO) -> int | None:
    """How many leading bytes of a JSON object's text to keep to add a last member:
    everything before its final ``}`` and the whitespace ahead of it. None when the
    text is not a non-empty object ending within the last 64 KiB."""
    if not f.read(_TAIL).lstrip().startswith(b"{"):
        return None
    size = f.seek(0, os.SEEK_END)
    start = max(0, size - _TAIL)
    f.seek(start)
    tail = f.read().rstrip()
    if not tail.endswith(b"}"):
        return None
    body = tail[:-1].rstrip()
    if not body or body.endswith((b"{", b",")):
        return None
    return start + len(body)


def _copy_bytes(src: BinaryIO, dst: BinaryIO, length: int) -> None:
    remaining = length
    while remaining:
        block = src.read(min(_CHUNK, remaining))
        if not block:
            raise OSError(f"{src.name} shrank while being copied")
        dst.write(block)
        remaining -= len(block)


def keep_data(data_file: Path, dest: Path, pub: Publication | None = None) -> None:
    """Keep the combined data where ``covtasks report`` and ``coverage report`` find it.

    Written like the metrics: two runs at once in one project each copy into a temp
    file of their own (``..coverage.XXXX.tmp``, never one of coverage's ``.coverage.*``
    parallel-data names) and replace ``dest`` atomically."""
    writer = atomic_writer if pub is None else pub.writer
    with open(data_file, "rb") as src, writer(dest) as dst:
        shutil.copyfileobj(src, dst, _CHUNK)


def step_summary(markdown: str, pub: Publication | None = None) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when running under GitHub Actions.

    With ``pub``, a summary that is a regular file (or does not exist yet) is prepared
    as a copy with the addition, which replaces it with the other outputs; anything
    else (a pipe, a device) is appended to at once."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    text = (markdown.rstrip() + "\n\n").encode("utf-8")
    path = Path(target)
    if pub is not None and (path.is_file() or not os.path.lexists(path)):
        with pub.writer(path) as dst:
            if path.is_file():
                with open(path, "rb") as src:
                    shutil.copyfileobj(src, dst, _CHUNK)
            dst.write(text)
        return
    try:
        with open(target, "ab") as f:
            f.write(text)
    except OSError as exc:
        raise CovtasksError(f"cannot append the step summary: {exc.strerror}", target) from exc
