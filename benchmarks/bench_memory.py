"""Memory: peak RSS of covtasks' combine + analyse against ``coverage combine`` / ``json``.

The data of the combine benchmark (2,000 source files, 200 parallel data files, 50
domains). Each flow runs in a child process of its own; its peak resident set size is
GNU time's ``%M`` (``/usr/bin/time``; else ``os.wait4``'s ``ru_maxrss``, which on Linux
never reports less than this script's own size: see ``common.run``).

    covtasks:     the combine benchmark's child: combine_files, json_report, analyse,
                  write_metrics (one process)
    hand-rolled:  python -m coverage combine --keep DATA; python -m coverage json
                  (two processes: the larger peak counts)

Ratio = covtasks peak / the larger hand-rolled peak. The issue sets no number; the
target used here is <= 1.5 (covtasks holds coverage's JSON report as a dict, as
``coverage json`` does while it writes it, plus the metrics text it writes).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import bench_combine
import common

TARGET = 1.5


def mib(kib: float) -> float:
    return kib / 1024


def main(argv: Sequence[str] | None = None) -> int:
    args = common.parser(__doc__.splitlines()[0]).parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 3)
    common.banner(f"memory: peak RSS of combine + analyse, {rounds} rounds")
    case, size = bench_combine.prepare(args.quick, name="memory")
    peaks: dict[str, list[float]] = {
        "covtasks combine+analyse+metrics": [],
        "coverage combine": [],
        "coverage json": [],
    }
    phase_peaks: dict[str, float] = {}
    for i in range(rounds):
        timed, phases = bench_combine.run_covtasks(case, size.domains, peak_rss=True)
        phase_peaks = phases["peak_mib"]
        peaks["covtasks combine+analyse+metrics"].append(mib(timed.maxrss_kib))
        combine, report = bench_combine.run_hand(case, peak_rss=True)
        peaks["coverage combine"].append(mib(combine.maxrss_kib))
        peaks["coverage json"].append(mib(report.maxrss_kib))
        print(
            f"   round {i + 1}/{rounds}: "
            + ", ".join(f"{n} {p[-1]:.0f} MiB" for n, p in peaks.items()),
            flush=True,
        )
    med = {name: common.median(p) for name, p in peaks.items()}
    hand = max(med["coverage combine"], med["coverage json"])
    ours = med["covtasks combine+analyse+metrics"]
    print()
    print(f"   {size.describe()}")
    print(
        common.table(
            ["process", "peak RSS MiB (median)", "rounds MiB"],
            [[n, med[n], " ".join(f"{v:.0f}" for v in p)] for n, p in peaks.items()],
        )
    )
    print()
    print("   covtasks' peak RSS after each phase (last round):")
    print(common.table(["phase", "peak RSS MiB"], [[k, v] for k, v in phase_peaks.items()]))
    ratios = [
        common.Ratio(f"memory peak RSS covtasks/coverage ({size.files} files)", ours / hand, TARGET)
    ]
    return common.finish(ratios, "memory", {"size": size.describe(), "peaks_mib": peaks})


if __name__ == "__main__":
    sys.exit(main())
