"""Sharded runs (``run --job ID --shard K/N``): balance, overhead and exact combined data.

A generated suite of uneven tests (seeded: most take 10-50 ms, some 0.1-0.3 s, a few
0.6-1.0 s; files of very different sizes; each test sleeps its time, so that a test's
time does not depend on the machine's load) is measured, each round:

1. unsharded: one CI job with the whole suite (``run --job all``), combined alone;
2. in N shards without a durations file (split by test files);
3. in N shards with the durations file (written by an untimed ``covtasks run`` before
   the rounds; the tests sleep, so their times do not change), then
   ``covtasks combine --expect 'b-shard{1..N}'``;
4. a one-test job (``run --job s1 --shard 1/1 -k <one test>``): the fixed cost every
   covtasks job pays (interpreter and pytest start-up, collection, coverage combine,
   manifest), which N shards pay N times.

Balance = the slowest shard's test time / the mean shard's (test times: the durations
each shard's manifest records); target <= 1.15 with durations (the file split is
reported, no target). Overhead = (sum of the shards' wall times - (N - 1) x the fixed
cost) / the unsharded wall time; target <= 1.10. The combined data of the shards must
equal the unsharded run's: executed lines and arcs of every file.

Runs without xdist (``workers = 0``), so that a shard's test time is the sum of its
tests' durations and no xdist scheduling adds noise to the balance.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import common
import projects

BALANCE_TARGET = 1.15
OVERHEAD_TARGET = 1.10
DURATIONS = "tests/coverage_reports/durations.json"
FILE_SIZES = (40, 25, 15, 12, 10, 8, 6, 4)

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["."]

[tool.covtasks]
source = ["app"]
tests = ["tests"]
workers = 0

[tool.covtasks.domains.app]
paths = ["app/**"]
"""

MODULE = """\
import time


def wait(seconds: float, kind: int) -> str:
    time.sleep(seconds)
    if kind % 3 == 0:
        return "fizz"
    if kind % 3 == 1:
        return "buzz"
    return "plain"
"""


def test_time(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.70:
        return rng.uniform(0.01, 0.05)
    if roll < 0.95:
        return rng.uniform(0.1, 0.3)
    return rng.uniform(0.6, 1.0)


def generate(root: Path, scale: float) -> str:
    """The project; returns the node id of its quickest test."""
    rng = random.Random(19)
    files = {"pyproject.toml": PYPROJECT, "app/__init__.py": "", "app/work.py": MODULE}
    quickest = (1.0, "")
    for f, size in enumerate(FILE_SIZES):
        lines = ["from app.work import wait\n"]
        for t in range(size):
            seconds = round(test_time(rng) * scale, 4)
            lines.append(
                f"\n\ndef test_{f}_{t:02d}() -> None:\n    assert wait({seconds}, {t}) != ''\n"
            )
            quickest = min(quickest, (seconds, f"tests/test_f{f}.py::test_{f}_{t:02d}"))
        files[f"tests/test_f{f}.py"] = "".join(lines)
    projects.write_files(root, files)
    return quickest[1]


def measured(data_file: Path) -> dict[str, Any]:
    from coverage import CoverageData

    data = CoverageData(basename=str(data_file))
    data.read()
    try:
        return {
            f: (sorted(data.lines(f) or []), sorted(data.arcs(f) or []))
            for f in data.measured_files()
        }
    finally:
        data.close(force=True)


def shard_times(jobs: Path, count: int) -> list[float]:
    """Each shard's test time: the sum of the durations its manifest records."""
    times = []
    for k in range(1, count + 1):
        manifest = json.loads((jobs / f"b-shard{k}" / "manifest.json").read_text())
        times.append(sum(manifest["durations"].values()))
    return times


def balance(times: Sequence[float]) -> float:
    return max(times) / (sum(times) / len(times))


def main(argv: Sequence[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--shards", type=int, default=4)
    args = p.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    count = args.shards
    scale = 0.5 if args.quick else 1.0
    common.banner(f"sharded runs, {count} shards, {rounds} round(s)")
    base = common.fresh_dir("shard")
    root = base / "project"
    quickest = generate(root, scale)
    log = base / "shard.log"
    env = common.child_env()
    covtasks = [sys.executable, "-m", "covtasks"]

    def run(*args: str) -> float:
        return common.run([*covtasks, *args], root, env=env, log=log).seconds

    def shards(jobs: Path) -> list[float]:
        return [
            run("run", "--job", f"b-shard{k}", "--shard", f"{k}/{count}", "--job-dir", str(jobs))
            for k in range(1, count + 1)
        ]

    run("run")  # warm-up (bytecode caches), and the durations file
    recorded = (root / DURATIONS).read_bytes()
    rows: list[list[object]] = []
    unsharded, by_files, by_durations, fixed = [], [], [], []
    balance_files, balance_durations = [], []
    same = True
    for r in range(rounds):
        unsharded.append(run("run", "--job", "all", "--job-dir", str(base / "all")))
        run("combine", str(base / "all"), "--expect", "all")
        whole = measured(root / ".covtasks" / ".coverage")
        (root / DURATIONS).unlink()  # combine wrote it again
        jobs_files = base / f"jobs-files-{r}"
        by_files.append(sum(shards(jobs_files)))
        balance_files.append(balance(shard_times(jobs_files, count)))
        (root / DURATIONS).write_bytes(recorded)
        jobs = base / f"jobs-durations-{r}"
        by_durations.append(sum(shards(jobs)))
        balance_durations.append(balance(shard_times(jobs, count)))
        run("combine", str(jobs), "--expect", f"b-shard{{1..{count}}}")
        same = same and measured(root / ".covtasks" / ".coverage") == whole
        one = ("--job-dir", str(base / "one"), "-k", quickest.split("::")[1])
        fixed.append(run("run", "--job", "s1", "--shard", "1/1", *one))
        shutil.rmtree(jobs_files)
        rows.append(
            [
                *(r + 1, unsharded[-1], by_files[-1], by_durations[-1], fixed[-1]),
                *(f"{balance_files[-1]:.3f}", f"{balance_durations[-1]:.3f}"),
            ]
        )
    print(
        common.table(
            [
                "round",
                "whole-suite job s",
                "shards (files) s",
                "shards (durations) s",
                "fixed cost s",
                "balance (files)",
                "balance (durations)",
            ],
            rows,
        )
    )
    startup = common.median(fixed)
    overhead = (common.median(by_durations) - (count - 1) * startup) / common.median(unsharded)
    raw = common.median(by_durations) / common.median(unsharded)
    print(
        f"\nfixed cost of one covtasks process {startup:.2f} s; sum of {count} shards / "
        f"unsharded = {raw:.2f} before taking {count - 1} extra fixed costs out"
    )
    print(f"balance by test files (no target): {common.median(balance_files):.3f}")
    print(f"combined data of the shards equal to the unsharded run's: {same}")
    ratios = [
        common.Ratio(
            "shard balance with durations (slowest / mean)",
            common.median(balance_durations),
            BALANCE_TARGET,
        ),
        common.Ratio(
            "shard overhead (sum - extra start-ups) / unsharded", overhead, OVERHEAD_TARGET
        ),
        common.Ratio(
            "combined shards differ from unsharded (0 = equal)", 0.0 if same else 1.0, 0.0
        ),
    ]
    extra = {
        "balance_files": common.median(balance_files),
        "fixed_cost_seconds": startup,
        "raw_sum_over_unsharded": raw,
    }
    return common.finish(ratios, "shard", extra)


if __name__ == "__main__":
    sys.exit(main())
