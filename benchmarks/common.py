"""Shared helpers of the benchmark scripts: the work directory, processes, timing, tables,
ratios (the generated projects are ``projects.py``'s).

Every benchmark compares two ways of doing the same work *in the same script run*
(alternating them, round after round) and reports the ratio of their medians, so the
figures do not depend on how fast this machine was on another day. Timings use
``time.perf_counter`` around a child process, CPU time comes from ``os.wait4`` and peak
memory from GNU time (see ``run``).

Work files live below ``benchmarks/.work/`` (ignored by git, ruff and pytest), or below
``$COVTASKS_BENCH_WORK`` when that is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
WORK = Path(os.environ.get("COVTASKS_BENCH_WORK", str(BENCH / ".work"))).resolve()
EXAMPLE = ROOT / "examples" / "backend"
PYTHON = sys.executable
GNU_TIME = "/usr/bin/time"

# Variables of an outer test or coverage run that would leak into the measured one.
_DROP_ENV_PREFIXES = ("COVERAGE_", "COV_CORE_", "PYTEST_", "COVTASKS_", "GITHUB_")


# ------------------------------------------------------------------ processes, timing


class BenchError(SystemExit):
    """A benchmark that could not run (not a missed target): message, exit status 2."""

    def __init__(self, message: str) -> None:
        print(f"benchmark error: {message}", file=sys.stderr, flush=True)
        super().__init__(2)


@dataclass(frozen=True)
class Timed:
    """One child process: wall time (perf_counter), exit status, peak RSS, and the CPU
    time (user + system) of it and every descendant it waited for."""

    seconds: float
    returncode: int
    maxrss_kib: int
    cpu: float = 0.0


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a benchmarked process.

    No variables of an outer pytest/coverage run; bytecode caching on (Python's default,
    what users have) but written below the work directory (``PYTHONPYCACHEPREFIX``) so
    that no ``__pycache__`` appears in the repository. The first (untimed) warm-up round
    of every benchmark fills that cache, for both flows alike.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP_ENV_PREFIXES)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env.update(extra or {})
    return env


def run(
    cmd: Sequence[str],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    check: bool = True,
    peak_rss: bool = False,
) -> Timed:
    """Run ``cmd`` to completion, output to ``log`` (appended); time it and its peak RSS.

    Linux carries the forking process's RSS over into the child's ``ru_maxrss`` (the
    high-water mark survives fork and exec), so a child of this script never reports
    less than this script's own size. With ``peak_rss`` the command runs under GNU time
    (``/usr/bin/time``, a ~2 MiB process) when it is installed, whose ``%M`` is then the
    command's own peak.
    """
    environ = dict(env) if env is not None else child_env()
    rss_file = WORK / "logs" / "rss.txt"
    if peak_rss and os.path.exists(GNU_TIME):
        rss_file.parent.mkdir(parents=True, exist_ok=True)
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    else:
        peak_rss = False
    log = log or (WORK / "logs" / "misc.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ (cd {cwd} && {' '.join(cmd)})\n")
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=environ, stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    returncode = os.waitstatus_to_exitcode(status)
    proc.returncode = returncode  # already reaped by wait4
    maxrss = int(usage.ru_maxrss)
    if peak_rss:
        maxrss = int(rss_file.read_text(encoding="utf-8").split()[-1])
    if check and returncode != 0:
        raise BenchError(
            f"benchmark command failed with exit status {returncode}: {' '.join(cmd)}\n"
            f"  in {cwd}; see the end of {log}"
        )
    return Timed(seconds, returncode, maxrss, usage.ru_utime + usage.ru_stime)


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def fmt_seconds(values: Sequence[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


# ------------------------------------------------------------------ output


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(cells[0]))
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@dataclass(frozen=True)
class Ratio:
    """A measured ratio against its target; ``op`` is ``<=`` or ``>=``."""

    label: str
    value: float
    target: float
    op: str = "<="

    @property
    def ok(self) -> bool:
        return self.value <= self.target if self.op == "<=" else self.value >= self.target

    def line(self) -> str:
        verdict = "OK" if self.ok else "MISSED"
        return f"RATIO {self.label}: {self.value:.2f} (target {self.op} {self.target:g}) {verdict}"


def finish(ratios: Sequence[Ratio], name: str, extra: Mapping[str, Any] | None = None) -> int:
    """Print the ratio lines, save them for run_all/README, return the exit status."""
    print()
    for r in ratios:
        print(r.line())
    save_result(
        name,
        {
            "ratios": [
                {"label": r.label, "value": r.value, "target": r.target, "op": r.op, "ok": r.ok}
                for r in ratios
            ],
            **(extra or {}),
        },
    )
    return 0 if all(r.ok for r in ratios) else 1


def save_result(name: str, data: Mapping[str, Any]) -> None:
    path = WORK / "results" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"machine": machine(), **data}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on Linux/macOS
        load = -1.0
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_1min": round(load, 2),
    }


def banner(title: str) -> None:
    m = machine()
    print(f"== {title}")
    print(
        f"   {m['date']}; {m['cores']} cores; Python {m['python']}; load average {m['load_1min']}"
    )


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="fewer rounds, smaller sizes")
    p.add_argument("--rounds", type=int, default=None, help="timed rounds (after a warm-up)")
    return p


def require_module(name: str, hint: str) -> None:
    import importlib.util

    if importlib.util.find_spec(name) is None:
        raise BenchError(f"benchmark needs {name!r}: {hint}")


# ------------------------------------------------------------------ the work directory


def fresh_dir(*parts: str) -> Path:
    """An empty directory below the work directory."""
    path = WORK.joinpath(*parts)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    ignore = WORK / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return path


def alternate(flows: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """One untimed warm-up of each flow, then ``rounds`` rounds, the order flipping
    every round; returns each flow's times."""
    for flow in flows.values():  # warm-up
        flow()
    times: dict[str, list[float]] = {name: [] for name in flows}
    for i in range(rounds):
        order = list(flows) if i % 2 == 0 else list(reversed(flows))
        for name in order:
            times[name].append(flows[name]())
        print(
            f"   round {i + 1}/{rounds}: " + ", ".join(f"{n} {times[n][-1]:.2f}s" for n in flows),
            flush=True,
        )
    return times
