"""invoke tasks that run covtasks: add them to a project's ``tasks.py`` with one line.

```python
# tasks.py
from invoke import Collection

import covtasks.tasks

ns = Collection()
ns.add_collection(covtasks.tasks.ns, name="cov")
```

Then ``inv cov.coverage --pytest-args "-k auth"``,
``inv cov.gate --release [--base main]``, ``inv cov.gate --suggest --write``,
``inv cov.diff --base origin/main --annotate github``, ``inv cov.comment``,
``inv cov.doctor``. Each task runs ``python -m covtasks COMMAND`` with the interpreter
invoke runs on and exits with covtasks' own exit status; ``--extra "..."`` passes more
arguments to covtasks. invoke is optional: ``pip install "covtasks[invoke]"``.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

try:
    from invoke.collection import Collection
    from invoke.context import Context
    from invoke.exceptions import Exit
    from invoke.tasks import task
except ImportError as exc:
    raise ImportError(
        'covtasks.tasks needs invoke, which is not installed: pip install "covtasks[invoke]"'
    ) from exc

_EXTRA = "more arguments for covtasks, one string (shell-quoted)"


def command(name: str, *args: str) -> str:
    """The shell command line of ``python -m covtasks NAME ARGS``."""
    argv = [sys.executable, "-m", "covtasks", name, *args]
    return subprocess.list2cmdline(argv) if sys.platform == "win32" else shlex.join(argv)


def run_covtasks(c: Context, name: str, *args: str) -> None:
    """Run covtasks; a non-zero exit status ends invoke with that same status."""
    result = c.run(command(name, *args), pty=False, warn=True)
    if result is not None and result.exited != 0:
        raise Exit(code=result.exited)


def _option(flag: str, value: str) -> list[str]:
    return [flag, value] if value else []


@task(
    help={
        "pytest-args": 'arguments for pytest, one string, e.g. "-k auth"',
        "fail-fast": "run `pytest -x --lf` unmeasured first and stop at its first failure",
        "job": "CI job mode: measure and write coverage-jobs/ID, no gate",
        "shard": "with --job: run only shard K/N of the suite (e.g. 2/4)",
        "extra": _EXTRA,
    }
)
def coverage(
    c: Context,
    pytest_args: str = "",
    fail_fast: bool = False,
    job: str = "",
    shard: str = "",
    extra: str = "",
) -> None:
    """Run the suite under coverage: stable stage, metrics, trend, thresholds."""
    args = ["--fail-fast"] if fail_fast else []
    args += [*_option("--job", job), *_option("--shard", shard)]
    args += shlex.split(extra)
    if pytest_args:
        args += ["--", *shlex.split(pytest_args)]
    run_covtasks(c, "run", *args)


@task(
    help={
        "expect": "the jobs expected (required unless expected_jobs is configured): a "
        "number, ids like a,b,c, or 'any' to combine whatever is there unchecked",
        "extra": _EXTRA,
    }
)
def combine(c: Context, expect: str = "", extra: str = "") -> None:
    """Combine CI matrix job outputs, publish and gate."""
    run_covtasks(c, "combine", *_option("--expect", expect), *shlex.split(extra))


@task(
    help={
        "release": "also demand fresh metrics for HEAD and no drop against the trend",
        "metrics": "the metrics JSON to gate (default: the configured one)",
        "base": "with --release: compare with the trend entry of the merge-base of this "
        "git ref and HEAD (a pull request's target branch)",
        "suggest": "print the thresholds the current figures support",
        "write": "with --suggest: raise the thresholds in pyproject.toml (never lower)",
        "extra": _EXTRA,
    }
)
def gate(
    c: Context,
    release: bool = False,
    metrics: str = "",
    base: str = "",
    suggest: bool = False,
    write: bool = False,
    extra: str = "",
) -> None:
    """Check the thresholds against a metrics JSON (or suggest higher ones)."""
    flags = [("--release", release), ("--suggest", suggest), ("--write", write)]
    args = [flag for flag, on in flags if on]
    args += [*_option("--metrics", metrics), *_option("--base", base)]
    run_covtasks(c, "gate", *args, *shlex.split(extra))


@task(
    help={
        "svg": "write an SVG chart here",
        "badge": "write a badge here",
        "badge-json": "write the badge as a shields.io endpoint JSON here",
        "extra": _EXTRA,
    }
)
def trend(
    c: Context, svg: str = "", badge: str = "", badge_json: str = "", extra: str = ""
) -> None:
    """Show the coverage trend."""
    args = [*_option("--svg", svg), *_option("--badge", badge)]
    args += _option("--badge-json", badge_json)
    run_covtasks(c, "trend", *args, *shlex.split(extra))


@task(
    help={
        "base": "the git ref to compare with, e.g. origin/main (required)",
        "annotate": "also print annotations of the uncovered changed lines: github",
        "fail-under": "exit 1 below this patch coverage",
        "extra": _EXTRA,
    }
)
def diff(
    c: Context, base: str = "", annotate: str = "", fail_under: str = "", extra: str = ""
) -> None:
    """Coverage of the lines changed since a git ref."""
    args = [*_option("--base", base), *_option("--annotate", annotate)]
    args += _option("--fail-under", fail_under)
    run_covtasks(c, "diff", *args, *shlex.split(extra))


@task(
    help={
        "base": "compare with the baseline of the merge-base with this ref; patch coverage",
        "output": "write the comment to this file (default: print it)",
        "extra": _EXTRA,
    }
)
def comment(c: Context, base: str = "", output: str = "", extra: str = "") -> None:
    """Write the pull-request comment (Markdown)."""
    args = [*_option("--base", base), *_option("--output", output)]
    run_covtasks(c, "comment", *args, *shlex.split(extra))


@task(help={"extra": _EXTRA})
def doctor(c: Context, extra: str = "") -> None:
    """Inspect the project's coverage setup and print the fixes."""
    run_covtasks(c, "doctor", *shlex.split(extra))


ns = Collection("cov", coverage, combine, gate, trend, diff, comment, doctor)
