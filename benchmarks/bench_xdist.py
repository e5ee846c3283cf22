"""xdist speedup through covtasks: ``workers = 1`` against ``workers = 2`` on 2 cores.

A generated CPU-bound suite (every test runs a loop in the measured code) is measured
end to end by ``python -m covtasks run`` with 1 and then 2 xdist workers, alternating,
``--rounds`` times after a warm-up. Speedup = median(1 worker) / median(2 workers);
target >= 1.6. The same suite without coverage (``pytest -n 1`` / ``-n 2``) is timed
alongside as the reference of what the machine gives.

The combined data of both runs must be identical: the executed lines (and branches) of
every file in the metrics JSON.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import common
import projects

TARGET = 1.6


def executed(root: Path) -> dict[str, Any]:
    """Per file: executed lines and executed branches, from the metrics JSON."""
    report = json.loads((root / projects.REPORTS["json"]).read_text(encoding="utf-8"))
    return {
        name: (entry["executed_lines"], entry.get("executed_branches"))
        for name, entry in report["files"].items()
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = common.parser(__doc__.splitlines()[0]).parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    common.banner(f"xdist speedup through covtasks, workers 1 vs 2, {rounds} rounds")
    if (os.cpu_count() or 1) < 2:
        print("   skipped: this machine has fewer than 2 cores")
        return 0
    # --quick keeps the size: covtasks' fixed cost (start-up, combine, reports: ~3.5 s
    # here) does not parallelise, so a smaller suite cannot show a 1.6x speedup. With
    # ~30 s of tests in one worker, the best 2 cores can give is ~1.8x.
    suite = projects.Suite(
        modules=20, tests_per_module=10, domains=5, workers=1, work=300_000, cpu_bound=True
    )
    base = common.fresh_dir("xdist")
    root = projects.generate_suite(base / "project", suite)
    log = base / "xdist.log"
    env = common.child_env()
    data: dict[int, dict[str, Any]] = {}

    def covtasks_flow(workers: int) -> Callable[[], float]:
        def flow() -> float:
            projects.set_workers(root, workers)
            projects.remove_outputs(root, ["reports"])
            seconds = common.run(projects.covtasks_cmd(), root, env=env, log=log).seconds
            data[workers] = executed(root)
            return seconds

        return flow

    def plain_flow(workers: int) -> Callable[[], float]:
        cmd = [common.PYTHON, "-m", "pytest", "-q", "-p", "no:cov", "-n", str(workers)]
        return lambda: common.run(cmd, root, env=env, log=log).seconds

    flows = {
        "covtasks -n 1": covtasks_flow(1),
        "covtasks -n 2": covtasks_flow(2),
        "pytest -n 1": plain_flow(1),
        "pytest -n 2": plain_flow(2),
    }
    times = common.alternate(flows, rounds)
    med = {name: common.median(t) for name, t in times.items()}
    speedup = med["covtasks -n 1"] / med["covtasks -n 2"]
    plain_speedup = med["pytest -n 1"] / med["pytest -n 2"]
    print()
    print(f"   {suite.tests} CPU-bound tests over {suite.modules} modules")
    print(
        common.table(
            ["flow", "median s", "rounds s"],
            [[n, med[n], common.fmt_seconds(t)] for n, t in times.items()],
        )
    )
    print(f"   speedup: covtasks {speedup:.2f}x, unmeasured pytest {plain_speedup:.2f}x")
    if data[1] != data[2]:
        differ = sorted(
            f for f in data[1].keys() | data[2].keys() if data[1].get(f) != data[2].get(f)
        )
        print(f"   combined data differs between 1 and 2 workers in {len(differ)} files:")
        for name in differ[:5]:
            print(f"     {name}")
        identical = False
    else:
        print(f"   combined data identical with 1 and 2 workers ({len(data[1])} files)")
        identical = True
    ratios = [common.Ratio("xdist speedup covtasks workers 1 vs 2", speedup, TARGET, ">=")]
    status = common.finish(
        ratios,
        "xdist",
        {"times": times, "plain_speedup": plain_speedup, "identical_data": identical},
    )
    if not identical:
        print("combined data of 1 and 2 workers differs: FAILED")
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
