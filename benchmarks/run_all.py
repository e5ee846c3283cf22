"""Run every benchmark, one after the other, and summarise their ratio lines.

    python benchmarks/run_all.py            # full sizes, 5 rounds (about 30 minutes)
    python benchmarks/run_all.py --quick    # smaller sizes, fewer rounds
    python benchmarks/run_all.py --only e2e,combine --rounds 3

Each benchmark runs in a process of its own. Exit status 0 when every target holds,
1 when one is missed, 2 when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("e2e", "combine", "xdist", "core", "memory", "shard")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds, smaller sizes")
    p.add_argument("--rounds", type=int, help="timed rounds of every benchmark")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    p.add_argument("--self", action="store_true", help="e2e: include the repository's tests")
    args = p.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")
    common_args = (["--quick"] if args.quick else []) + (
        ["--rounds", str(args.rounds)] if args.rounds else []
    )
    summary: list[str] = []
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    for name in names:
        extra = ["--self"] if name == "e2e" and args.self else []
        cmd = [sys.executable, str(HERE / f"bench_{name}.py"), *common_args, *extra]
        print(f"\n$ {' '.join(cmd)}", flush=True)
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("RATIO ") or "SKIPPED" in line:
                summary.append(line.rstrip())
        statuses[name] = proc.wait()
        print(f"   ({name}: {time.perf_counter() - t:.0f}s, exit status {statuses[name]})")
    print(f"\n== summary ({time.perf_counter() - start:.0f}s)")
    for line in summary:
        print(line)
    crashed = [n for n, s in statuses.items() if s not in (0, 1)]
    missed = [n for n, s in statuses.items() if s == 1]
    if crashed:
        print(f"could not run: {', '.join(crashed)}")
        return 2
    if missed:
        print(f"targets missed in: {', '.join(missed)}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
