"""The rules of ``covtasks doctor``: facts about a project in, findings out (pure).

:func:`covtasks.doctor_facts.gather` (the thin I/O shell) reads the project and this
environment into a :class:`ProjectFacts`; :func:`diagnose` (this module: the rules)
turns the facts into findings, each with a severity, a one-line problem and its fix.
``covtasks.commands.doctor`` prints them and decides the exit status.
"""

from __future__ import annotations

import decimal
import math
import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from covtasks import globs, versions
from covtasks.config import Domain
from covtasks.doctor_facts import ProjectFacts, coverage_key

Severity = Literal["error", "warning", "info"]
# The severities, most severe first: the order findings are listed in.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
# pytest-cov options whose value may be the next argument.
_COV_VALUED = ("--cov-report", "--cov-fail-under", "--cov-config", "--cov-context")
_TEST_PATTERNS = ("*/tests/*", "test_*.py", "*_test.py")

# code: (severity, problem, fix), formatted with the finding's fields.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    "addopts": (
        "error",
        "{label} contain {opts} (pytest-cov would measure a second time, with thresholds "
        "of its own)",
        "remove {opts} from {where} (covtasks measures; thresholds go in [tool.covtasks])",
    ),
    "outside-source": (
        "error",
        "domain {domain}: its paths also match {files} outside source, never measured ({example})",
        "add {top!r} to {source_where}, or narrow tool.covtasks.domains.{domain}.paths",
    ),
    "omit": (
        "error",
        "domain {domain}: coverage's own settings leave out {share} ({how}), so {result}",
        "{fix}, or take those files out of tool.covtasks.domains.{domain}.paths",
    ),
    "omitted": (
        "info",
        "coverage's own settings leave out {share} of domains {domains} ({how}); they "
        "are not counted in them",
        "nothing if deliberate (generated code, migrations); else {fix}",
    ),
    "overlap": (
        "info",
        "{files} in both domains {a} and {b}, counted in each ({example})",
        "nothing if intended; else narrow tool.covtasks.domains.{a}.paths or "
        "tool.covtasks.domains.{b}.paths",
    ),
    "tests-in-source": (
        "warning",
        "{files} inside source, measured as if they were code ({example})",
        "add {patterns} to {omit}, or move the tests out of source",
    ),
    "relative-files": (
        "warning",
        "expected_jobs is set (CI matrix jobs) but coverage's relative_files is not true: "
        "each job records the absolute paths of its own checkout",
        "set relative_files = true under {where}",
    ),
    "core": (
        "warning",
        'core = "sysmon" ({where}) {why}, this is Python {python}: coverage falls back to '
        "its default core, with a warning",
        "{fix}",
    ),
    "xdist": (
        "error",
        "workers = {workers!r} needs pytest-xdist, which is not installed here",
        "pip install pytest-xdist (or set workers = 0 under [tool.covtasks])",
    ),
    "version": ("error", "{problem}", "{fix}"),
    "coverage-objects": (
        "warning",
        "coverage.Coverage objects are created in {files} ({example}): coverage.py stops "
        "saving the data of an xdist worker that creates one, and covtasks refuses the run",
        "set COVERAGE_COVERAGE=1 where covtasks runs (in a noxfile: "
        'covtasks.nox.install(env={{"COVERAGE_COVERAGE": "1"}}))',
    ),
    "threshold-decimals": (
        "warning",
        "{key} = {value:g} has more decimals than precision = {precision}: coverage.py "
        "releases before 7.17.1 compare the figure rounded to {precision} decimals, so "
        "the threshold is effectively {effective:g}",
        "round {key} to {precision} decimals, or raise precision",
    ),
    "threshold-never-decides": (
        "info",
        "{key} = {value:g} never decides: {why}",
        "nothing if it is meant as documentation; else {fix}",
    ),
    "trend": ("error", "the trend file {trend}: {error}", "{fix}"),
    "trend-ignored": (
        "warning",
        "the trend file {trend} is ignored by git, but its history is meant to be committed",
        "git add -f {trend} (or stop ignoring it in .gitignore)",
    ),
    "metrics-ignored": (
        "info",
        "the metrics file {metrics} is ignored by git",
        "nothing if CI keeps it as an artifact; to commit it: git add -f {metrics}",
    ),
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    problem: str
    fix: str

    def line(self) -> str:
        return f"{self.severity:<8}{self.code}: {self.problem} -> fix: {self.fix}"


def finding(code: str, severity: Severity | None = None, **fields: object) -> Finding:
    default, problem, fix = MESSAGES[code]
    return Finding(severity or default, code, problem.format(**fields), fix.format(**fields))


# ---------------------------------------------------------------- the pure core


def diagnose(project: ProjectFacts) -> list[Finding]:
    """Every finding about ``project``: errors first, then warnings, then infos."""
    found = [*_addopts(project), *_domains(project), *_setup(project), *_outputs(project)]
    found += _thresholds(project)
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))


def cov_options(args: Sequence[str]) -> list[str]:
    """The pytest-cov options among pytest arguments, each with a separate value."""
    found: list[str] = []
    i = 0
    while i < len(args):
        arg, nxt = args[i], (args[i + 1] if i + 1 < len(args) else "-")
        if arg == "--cov" or arg.startswith(("--cov=", "--cov-")):
            if (arg in _COV_VALUED or arg == "--cov") and not nxt.startswith("-"):
                arg, i = f"{arg} {nxt}", i + 1
            found.append(arg)
        i += 1
    return found


def _addopts(p: ProjectFacts) -> Iterable[Finding]:
    for given in p.pytest_args:
        opts = ", ".join(cov_options(given.args))
        if opts:
            yield finding("addopts", label=given.label, opts=opts, where=given.where)


def count(n: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _example(files: Sequence[str]) -> str:
    return files[0] + (f" and {len(files) - 1} more" if len(files) > 1 else "")


def _select(root: Path, patterns: Sequence[str], files: Iterable[str]) -> list[str]:
    """The files (relative to ``root``) that coverage.py would match with ``patterns``."""
    if not patterns:
        return []
    matcher = globs.Matcher(patterns, root)
    return [f for f in files if matcher.match(os.path.normpath(os.path.join(root, f)))]


def _exclusions(p: ProjectFacts, files: Sequence[str]) -> list[tuple[str, str, list[str]]]:
    """(what excludes, its fix, the files) for coverage.py's own omit/include settings."""
    found = []
    for table, patterns in (("run", p.run_omit), ("report", p.report_omit)):
        where = coverage_key(p.coverage_file, table, "omit")
        for pattern in patterns:
            hit = _select(p.root, [pattern], files)
            if hit:
                found.append((f"{pattern!r} in {where}", f"remove {pattern!r} from {where}", hit))
    if p.report_include:
        kept = set(_select(p.root, p.report_include, files))
        missed = [f for f in files if f not in kept]
        where = coverage_key(p.coverage_file, "report", "include")
        if missed:
            found.append((f"not matched by {where}", f"add its paths to {where}", missed))
    return found


def _explicit(p: ProjectFacts, domain: Domain, files: Iterable[str]) -> list[str]:
    """The files among ``files`` that ``domain`` names by a path without wildcards."""
    named = [path for path in domain.paths if not any(c in path for c in "*?[")]
    return _select(p.root, named, files)


def _domains(p: ProjectFacts) -> Iterable[Finding]:
    members = {d.name: _select(p.root, d.paths, p.source_files) for d in p.domains}
    shrunk: dict[str, list[tuple[str, str, list[str]]]] = {}
    for d in p.domains:
        outside = _select(p.root, d.paths, p.other_files)
        if outside:
            yield finding(
                "outside-source",
                domain=d.name,
                files=count(len(outside), "file"),
                example=_example(outside),
                top=outside[0].split("/")[0],
                source_where=p.source_where,
            )
        files = members[d.name]
        excluded = _exclusions(p, files)
        gone = {f for _, _, hit in excluded for f in hit}
        named = _explicit(p, d, gone)
        if gone and (named or len(gone) == len(files)):
            # A whole domain, or a file it names itself: that can't be deliberate.
            every = len(gone) == len(files)
            yield finding(
                "omit",
                "error" if every else "warning",
                domain=d.name,
                share=f"all its {len(files)} files"
                if every
                else f"{_example(sorted(named))}, which it names",
                how="; ".join(how for how, _, _ in excluded),
                result="it can't be measured" if every else "it shrinks silently",
                fix="; ".join(fix for _, fix, _ in excluded),
            )
        elif gone:
            shrunk[d.name] = excluded
    if shrunk:
        # Omitting generated code (migrations) from a glob domain is deliberate: say it once.
        excluded = [e for found in shrunk.values() for e in found]
        hows = list(dict.fromkeys(how for how, _, _ in excluded))
        fixes = list(dict.fromkeys(fix for _, fix, _ in excluded))
        omitted = {f for _, _, hit in excluded for f in hit}
        yield finding(
            "omitted",
            share=count(len(omitted), "file"),
            domains=", ".join(shrunk),
            how="; ".join(hows),
            fix="; ".join(fixes),
        )
    for i, a in enumerate(p.domains):
        for b in p.domains[i + 1 :]:
            shared = [f for f in members[a.name] if f in members[b.name]]
            if shared:
                yield finding(
                    "overlap",
                    files=count(len(shared), "file"),
                    a=a.name,
                    b=b.name,
                    example=_example(shared),
                )
    yield from _tests_in_source(p)


def _tests_in_source(p: ProjectFacts) -> Iterable[Finding]:
    excluded = {f for _, _, hit in _exclusions(p, p.source_files) for f in hit}
    patterns: set[str] = set()
    tests: list[str] = []
    for rel in (f for f in p.source_files if f not in excluded):
        inner = rel
        for entry in p.source:
            if entry != "." and rel.startswith(entry.rstrip("/") + "/"):
                inner = rel[len(entry.rstrip("/")) + 1 :]
                break
        name = posixpath.basename(rel)
        kinds = [
            *(["*/tests/*"] if "tests" in inner.split("/")[:-1] else []),
            *(["test_*.py"] if name.startswith("test_") else []),
            *(["*_test.py"] if name.endswith("_test.py") else []),
        ]
        if kinds:
            tests.append(rel)
            patterns.update(kinds)
    if tests:
        yield finding(
            "tests-in-source",
            files=count(len(tests), "test file"),
            example=_example(tests),
            patterns=", ".join(f'"{k}"' for k in _TEST_PATTERNS if k in patterns),
            omit=coverage_key(p.coverage_file, "run", "omit"),
        )


def _setup(p: ProjectFacts) -> Iterable[Finding]:
    if p.expected_jobs is not None and not p.relative_files:
        yield finding("relative-files", where=coverage_key(p.coverage_file, "run"))
    why = None
    if p.core == "sysmon" and p.python < (3, 12):
        why = "needs Python 3.12+"
    elif p.core == "sysmon" and p.branch and p.python < (3, 14):
        why = "can't measure branches before Python 3.14"
    if why:
        fix = (
            "unset COVERAGE_CORE (covtasks picks the core)"
            if p.core_where == "COVERAGE_CORE"
            else 'set core = "auto" under [tool.covtasks] (it uses sysmon where sysmon works)'
        )
        python = ".".join(map(str, p.python))
        yield finding("core", where=p.core_where, why=why, python=python, fix=fix)
    if p.workers != 0 and not p.xdist:
        yield finding("xdist", workers=p.workers)
    for old in versions.too_old(dict(p.installed), versions.measured_floors(p.workers)):
        yield finding("version", problem=old.problem(), fix=old.fix)
    if p.coverage_objects and not p.metacov and p.workers != 0:
        files = count(len(p.coverage_objects), "file")
        yield finding("coverage-objects", files=files, example=_example(p.coverage_objects))


def _outputs(p: ProjectFacts) -> Iterable[Finding]:
    if p.trend is not None and p.trend_error is not None:
        fix = (
            "upgrade covtasks (pip install -U covtasks)"
            if p.trend_newer
            else f"repair it by hand, or move it aside (mv {p.trend} {p.trend}.bak) to start "
            "a new trend"
        )
        yield finding("trend", trend=p.trend, error=p.trend_error, fix=fix)
    if p.trend is not None and p.trend_ignored:
        yield finding("trend-ignored", trend=p.trend)
    if p.metrics_ignored:
        yield finding("metrics-ignored", metrics=p.metrics)


def _decimals(value: float) -> int:
    """The decimals ``value`` is written with (80.125: 3; 80.0: 0; 1e-05: 5)."""
    exponent = decimal.Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _thresholds(p: ProjectFacts) -> Iterable[Finding]:
    """Thresholds that cannot mean what they say (more decimals than ``precision``),
    and per-domain ones the top-level ones always decide first."""
    for key, value in p.thresholds:
        if _decimals(value) > p.precision:
            step = 10.0**-p.precision
            effective = math.ceil(round(value / step, 6)) * step
            yield finding(
                "threshold-decimals",
                key=key,
                value=value,
                precision=p.precision,
                effective=round(effective, p.precision),
            )
    for d in p.domains:
        at = f"tool.covtasks.domains.{d.name}"
        top = p.max_missing
        if d.max_missing is not None and top is not None and d.max_missing >= top:
            yield finding(
                "threshold-never-decides",
                key=f"{at}.max_missing",
                value=d.max_missing,
                why=f"the domain never misses more statements than the whole, and "
                f"tool.covtasks.max_missing = {top}",
                fix=f"lower it below {top}, or remove it",
            )
        files = p.file_fail_under
        if d.file_fail_under is not None and files is not None and d.file_fail_under <= files:
            yield finding(
                "threshold-never-decides",
                key=f"{at}.file_fail_under",
                value=d.file_fail_under,
                why=f"every measured file already meets tool.covtasks.file_fail_under = {files:g}",
                fix=f"raise it above {files:g}, or remove it",
            )
