"""CI matrix jobs: one output directory per job, and the checks before combining them.

A job (``covtasks run --job ID``) writes ``<job_dir>/<ID>/`` with a visible name that
artifact uploads keep: ``coverage.db`` (the job's combined data) and ``manifest.json``
(who measured what, where, how: :class:`covtasks.metrics.JobManifest`, checked on
reading by :func:`read_job`). ``covtasks combine`` reads the manifests first and
refuses, with the whole list of what is wrong, a missing or duplicate job, a job whose
suite was not stable, jobs from different commits, branch mixed with line-only data,
or different source roots. Paths recorded on other machines are remapped to this
checkout from each manifest's project root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from covtasks import strict
from covtasks.errors import CovtasksError
from covtasks.metrics import MANIFEST_FORMAT as MANIFEST_FORMAT
from covtasks.metrics import MANIFEST_REQUIRED, JobManifest, JobRecord
from covtasks.publication import publication
from covtasks.suites import SUITE_COUNTS

MANIFEST = "manifest.json"
DATA = "coverage.db"
# A job id names a directory: it starts with a letter or digit (never "." or "..").
JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.=+-]*")
# Expanding an --expect pattern stops here: py{a,b}{c,d}... can otherwise explode.
MAX_EXPECTED = 1000
MAX_RANGE = 1000  # ids in one {A..B} of --expect
# ``--expect any`` / ``expected_jobs = "any"``: combine whatever is there, unchecked.
ANY: Literal["any"] = "any"
Expectation = Union[int, tuple[str, ...], Literal["any"]]
NO_EXPECTATION = (
    "combine needs to know which jobs to expect: give --expect N (a number of jobs), "
    "--expect ID,ID (their ids), expected_jobs in [tool.covtasks], or --expect any to "
    "combine whatever is there without checking that it is complete"
)


@dataclass(frozen=True)
class Job:
    """A job output directory that has been read and checked on its own."""

    id: str
    dir: Path
    manifest: Mapping[str, Any]

    @property
    def data_file(self) -> Path:
        return self.dir / str(self.manifest["data_file"])

    @property
    def root(self) -> str:
        return str(self.manifest["root"])

    @property
    def stable(self) -> bool:
        return bool(self.manifest["suite"].get("stable"))

    def summary(self) -> JobRecord:
        """The job as the metrics of ``combine`` record it."""
        return JobRecord.of_manifest(self.id, self.manifest)


def check_job_id(job_id: str, where: str = "--job") -> str:
    """A job id names a directory below the job dir: letters, digits and ``. _ = + -``,
    starting with a letter or digit (so never ``..``, a path or a hidden name)."""
    if not JOB_ID.fullmatch(job_id):
        raise CovtasksError(
            f"job id {job_id!r} may only use letters, digits and . _ = + -, and must start "
            "with a letter or digit",
            where,
        )
    return job_id


def expand_braces(text: str) -> list[str]:
    """``py{39,313}-{linux,mac}`` -> four ids, like a CI matrix's job names;
    ``shard{1..4}`` -> four (a range of whole numbers, as the shell expands it); at most
    :data:`MAX_EXPECTED` in all."""
    match = re.search(r"\{([^{}]*)\}", text)
    if not match:
        return [text]
    head, tail = text[: match.start()], text[match.end() :]
    span = re.fullmatch(r"(\d+)\.\.(\d+)", match.group(1))
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if abs(last - first) >= MAX_RANGE:
            raise CovtasksError(
                f"{{{span.group(0)}}}: at most {MAX_RANGE} ids in a range", "--expect"
            )
        step = 1 if last >= first else -1
        options = [str(i) for i in range(first, last + step, step)]
    else:
        options = match.group(1).split(",")
    found: list[str] = []
    for option in options:
        found += expand_braces(head + option + tail)
        if len(found) > MAX_EXPECTED:
            raise CovtasksError(f"expands to more than {MAX_EXPECTED} job ids", "--expect")
    return found


def parse_expect(value: str) -> Expectation:
    """``--expect 3``, ``--expect py39,py313``, ``--expect 'py{39,313}'`` or
    ``--expect any``."""
    value = value.strip()
    if value == ANY:
        return ANY
    if value.isascii() and value.isdigit():
        count = int(value)
        if count < 1:
            raise CovtasksError("expected at least 1 job", "--expect")
        return count
    ids: list[str] = []
    depth = 0
    current = ""
    for char in value:  # split on commas outside braces
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            ids += expand_braces(current.strip())
            current = ""
        else:
            current += char
    ids += expand_braces(current.strip())
    ids = [i for i in ids if i]
    if not ids:
        raise CovtasksError("expected a number of jobs or job ids", "--expect")
    for job_id in ids:
        check_job_id(job_id, "--expect")
    return tuple(ids)


def write_job(out_dir: Path, manifest: JobManifest, data_file: Path | None) -> None:
    """Replace ``out_dir`` whole with the manifest and data (a rerun replaces a job),
    all or nothing: a failure leaves the old job directory as it was and no temp behind."""
    with publication() as pub:
        tmp = pub.directory(out_dir, carry=False)
        try:
            if data_file is not None:
                shutil.copyfile(data_file, tmp / DATA)
            (tmp / MANIFEST).write_text(
                json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise CovtasksError(
                f"cannot write the job output: {exc.strerror or exc}", str(out_dir)
            ) from exc
        pub.commit()


def read_job(job_dir: Path) -> Job:
    """Read one job directory's manifest, checking every field covtasks uses: job
    artifacts are untrusted (other CI jobs, possibly from forks, wrote them)."""
    path = job_dir / MANIFEST
    where = str(path)
    if job_dir.is_symlink():
        raise CovtasksError("is a symbolic link: a job directory must be a directory", str(job_dir))
    try:
        strict.regular_file(path)
    except strict.BadInput as exc:
        raise CovtasksError(str(exc), where) from exc
    try:
        manifest = strict.read_json(path)
    except OSError as exc:
        raise CovtasksError(f"cannot read the job manifest: {exc.strerror}", where) from exc
    except strict.BadInput as exc:
        raise CovtasksError(f"job manifest is not valid JSON: {exc}", where) from exc
    if not isinstance(manifest, dict):
        raise CovtasksError("job manifest is not a JSON object", where)
    missing = [k for k in MANIFEST_REQUIRED if k not in manifest]
    if missing:
        raise CovtasksError(f"job manifest lacks {', '.join(missing)}", where)
    fmt = manifest["format"]
    if strict.whole(fmt) and fmt > MANIFEST_FORMAT:
        raise CovtasksError(
            f"format: job manifest format {fmt} was written by a newer covtasks (this one "
            f"reads format {MANIFEST_FORMAT}); use the same covtasks in every job",
            where,
        )
    if not strict.whole(fmt) or fmt != MANIFEST_FORMAT:
        raise CovtasksError(
            f"job manifest format {fmt!r} is not {MANIFEST_FORMAT}: the job "
            "ran another covtasks version",
            where,
        )
    problem = manifest_problem(manifest, job_dir.name)
    if problem:
        raise CovtasksError(problem, where)
    return Job(str(manifest["job"]), job_dir, manifest)


def _is_name(value: object) -> bool:
    """A plain file name: no directory part, not ``.`` or ``..``."""
    return (
        isinstance(value, str)
        and value not in ("", ".", "..")
        and not any(sep in value for sep in ("/", "\\", "\0"))
    )


def manifest_problem(manifest: Mapping[str, Any], dir_name: str) -> str | None:
    """What is wrong with a manifest's fields, as ``KEY: problem`` (pure; None: fine)."""
    job = manifest["job"]
    if not isinstance(job, str) or not JOB_ID.fullmatch(job):
        return f"job: {job!r} is not a valid job id"
    if job != dir_name:
        return f"job: {job!r} is not the name of its directory {dir_name!r}"
    if not _is_name(manifest["data_file"]):
        return (
            f"data_file: {manifest['data_file']!r} is not a file name: the data file must "
            "be in the job directory"
        )
    if not isinstance(manifest["root"], str) or not manifest["root"].strip():
        return f"root: expected a path, got {manifest['root']!r}"
    source = manifest["source"]
    if not isinstance(source, list) or not all(isinstance(s, str) and s for s in source):
        return f"source: expected an array of paths, got {source!r}"
    if not isinstance(manifest["branch"], bool):
        return f"branch: expected true or false, got {manifest['branch']!r}"
    for key in ("commit", "platform", "core", "machine", "created"):
        if manifest.get(key) is not None and not isinstance(manifest[key], str):
            return f"{key}: expected a string, got {manifest[key]!r}"
    for key in ("python", "versions"):
        if manifest.get(key) is not None and not isinstance(manifest[key], dict):
            return f"{key}: expected an object, got {manifest[key]!r}"
    if manifest.get("dirty") is not None and not isinstance(manifest["dirty"], bool):
        return f"dirty: expected true or false, got {manifest['dirty']!r}"
    return suite_problem(manifest["suite"])


def suite_problem(suite: object) -> str | None:
    """What is wrong with a manifest's ``suite`` object (pure; None: fine)."""
    if not isinstance(suite, dict):
        return f"suite: expected an object, got {suite!r}"
    if not isinstance(suite.get("stable"), bool):
        return f"suite.stable: expected true or false, got {suite.get('stable')!r}"
    for key in SUITE_COUNTS:
        if suite.get(key) is not None and not strict.whole(suite[key]):
            return f"suite.{key}: expected a whole number >= 0, got {suite[key]!r}"
    reasons = suite.get("reasons", [])
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        return f"suite.reasons: expected an array of strings, got {reasons!r}"
    return None


def find_jobs(paths: Iterable[Path]) -> list[Job]:
    """Job directories named directly, or one level below the given directories."""
    jobs: list[Job] = []
    for path in paths:
        if (path / MANIFEST).is_file():
            jobs.append(read_job(path))
        elif path.is_dir():
            jobs += [read_job(p.parent) for p in sorted(path.glob(f"*/{MANIFEST}"))]
        else:
            raise CovtasksError("no such job directory", str(path))
    return jobs


def problems(jobs: Sequence[Job], expect: Expectation) -> list[str]:
    """Everything that makes this set of jobs unfit to combine (pure). With
    ``expect == "any"`` the set is not checked for completeness, only for consistency."""
    found: list[str] = []
    ids = [j.id for j in jobs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        where = {d: [str(j.dir) for j in jobs if j.id == d] for d in dupes}
        found += [f"job {d!r} appears more than once: {', '.join(where[d])}" for d in dupes]
    if isinstance(expect, int) and len(set(ids)) < expect:
        found.append(
            f"expected {expect} jobs, found {len(set(ids))}: {', '.join(sorted(set(ids)))}"
        )
    elif isinstance(expect, tuple):
        missing = [e for e in expect if e not in ids]
        extra = sorted({i for i in ids if i not in expect})
        if missing:
            found.append(f"missing job(s): {', '.join(missing)}")
        if extra:
            found.append(f"unexpected job(s): {', '.join(extra)}")
    for job in jobs:
        if not job.stable:
            reasons = "; ".join(job.manifest["suite"].get("reasons", [])) or "see its log"
            found.append(f"job {job.id!r}: the test suite was not stable ({reasons})")
        elif not os.path.lexists(job.data_file):
            found.append(f"job {job.id!r}: its data file {job.data_file} is missing")
    commits = {j.manifest.get("commit") for j in jobs} - {None}
    if len(commits) > 1:
        by = ", ".join(f"{j.id}={str(j.manifest.get('commit'))[:10]}" for j in jobs)
        found.append(f"jobs measured different commits: {by}")
    if len({bool(j.manifest["branch"]) for j in jobs}) > 1:
        kinds = ", ".join(f"{j.id}={'branch' if j.manifest['branch'] else 'line'}" for j in jobs)
        found.append(f"branch and line-only jobs cannot be combined: {kinds}")
    if len({tuple(j.manifest["source"]) for j in jobs}) > 1:
        roots = "; ".join(f"{j.id}={','.join(j.manifest['source'])}" for j in jobs)
        found.append(f"jobs measured different source roots: {roots}")
    return found


def path_aliases(local_root: Path, jobs: Sequence[Job]) -> list[str]:
    """A coverage ``[paths]`` entry mapping every job's project root to this one."""
    roots: list[str] = []
    for job in jobs:
        root = job.root.rstrip("/\\")
        sep = "\\" if "\\" in root or re.match(r"^[A-Za-z]:", root) else "/"
        if root + sep not in roots:
            roots.append(root + sep)
    return [str(local_root) + os.sep, *roots]


def unmapped(measured: Iterable[str], local_root: Path) -> list[str]:
    """Measured files that are not below this checkout after remapping."""
    prefix = str(local_root) + os.sep
    return sorted(f for f in measured if os.path.isabs(f) and not f.startswith(prefix)) + sorted(
        f for f in measured if re.match(r"^[A-Za-z]:\\", f) and sys.platform != "win32"
    )
