"""Combine + analyse scaling: covtasks against ``coverage combine && coverage json``.

Synthetic data: 2,000 generated source files in 50 domains and 200 parallel data files
(as 200 xdist workers or matrix jobs leave), written with coverage's CoverageData API.
Each data file holds real arcs: the ones coverage itself recorded while running the
generated module under a handful of scenarios (which functions ran, which branches
were taken), assigned to a random 30% of the files.

    covtasks:     one process driving covtasks' API: load_config, combine.combine_files
                  (checks every file, then combines), publish.json_report,
                  figures.analyse, gate.evaluate, publish.write_metrics
    hand-rolled:  python -m coverage combine --keep DATA && python -m coverage json

Ratio = covtasks median / hand-rolled median (target <= 1.10). 50 domains against 1 on
the same data (target: within 5%): the phases that depend on the number of domains
(configuration checks, analysis) are timed in-process in every round, and their extra
time is set against the 1-domain total; whole-run medians are printed alongside.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import projects

TARGET = 1.10
DOMAIN_TARGET = 1.05
CHILD = "--child"


@dataclass(frozen=True)
class Size:
    files: int
    data_files: int
    domains: int
    share: float  # fraction of the source files each data file measured

    def describe(self) -> str:
        return (
            f"{self.files} source files, {self.data_files} data files, "
            f"{self.domains} domains, {self.share:.0%} of the files per data file"
        )


FULL = Size(files=2000, data_files=200, domains=50, share=0.3)
QUICK = Size(files=500, data_files=50, domains=50, share=0.3)


# ------------------------------------------------------------------ the synthetic data


def scenario_arcs(scratch: Path) -> list[list[tuple[int, int]]]:
    """Arcs coverage records for the generated module under a few scenarios."""
    import coverage

    module = scratch / "scenario_module.py"
    module.write_text(projects.MODULE_TEMPLATE.format(n=7, d=0), encoding="utf-8")
    calls = [
        "classify(-1)",
        "classify(0)",
        "classify(3); classify(4)",
        "accumulate([1, 2, 30])",
        "accumulate([])",
        "churn(5)",
        "parse('a=1;;b=2')",
        "Counter(1).bump(); Counter(2).reset()",
    ]
    rng = random.Random(7)
    result: list[list[tuple[int, int]]] = []
    for _ in range(8):
        chosen = rng.sample(calls, k=rng.randint(2, len(calls)))
        cov = coverage.Coverage(data_file=None, branch=True, messages=False)
        cov.start()
        try:
            namespace: dict[str, Any] = {}
            code = compile(module.read_text(encoding="utf-8"), str(module), "exec")
            exec(code, namespace)
            for call in chosen:
                exec(call, namespace)
        finally:
            cov.stop()
        arcs = cov.get_data().arcs(str(module.resolve())) or []
        result.append(sorted(arcs))
    return result


def make_case(base: Path, size: Size) -> tuple[Path, Path]:
    """The project (sources + pyproject) and the directory of parallel data files."""
    from coverage import CoverageData

    project = base / "project"
    per_domain = size.files // size.domains
    files: dict[str, str] = {"app/__init__.py": ""}
    for n in range(size.files):
        d = n // per_domain
        files[f"app/d{d:02d}/__init__.py"] = ""
        files[f"app/d{d:02d}/mod{n:04d}.py"] = projects.MODULE_TEMPLATE.format(n=n, d=d)
    files["pyproject.toml"] = pyproject(size.domains)
    projects.write_files(project, files)
    sources = sorted(str(p) for p in (project / "app").rglob("mod*.py"))

    data_dir = base / "data"
    data_dir.mkdir()
    scenarios = scenario_arcs(base)
    rng = random.Random(2024)
    for i in range(size.data_files):
        data = CoverageData(basename=str(data_dir / ".coverage"), suffix=f"bench.pid{10000 + i}.X")
        chosen = rng.sample(sources, k=int(len(sources) * size.share))
        data.add_arcs({path: rng.choice(scenarios) for path in chosen})
        data.write()
        data.close()
    return project, data_dir


def pyproject(domains: int) -> str:
    text = (
        "[tool.coverage.run]\n"
        'source = ["app"]\n'
        "branch = true\n\n"
        "[tool.covtasks]\n"
        'metrics = "out/metrics.json"\n'
        "trend = false\n"
        "fail_under = 50\n"
    )
    for d in range(domains):
        text += f'\n[tool.covtasks.domains.domain{d:02d}]\npaths = ["app/d{d:02d}/**"]\n'
        text += "fail_under = 50\n"
    return text


# ------------------------------------------------------------------ the covtasks child


def covtasks_child(project: Path, data_dir: Path, out: Path, domains: int) -> None:
    """What ``covtasks combine`` does after the tests: combine, analyse, metrics.

    Each phase's seconds, and the process's peak RSS (MiB) after it, go to
    ``out/phases.json``.
    """
    import resource

    phases: dict[str, float] = {}
    peaks: dict[str, float] = {}
    clock = [time.perf_counter()]

    def done(phase: str) -> None:
        now_ = time.perf_counter()
        phases[phase] = now_ - clock[0]
        clock[0] = now_
        peaks[phase] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t0 = clock[0]
    done("start")
    from covtasks import config, covconfig, report
    from covtasks.combine import combine_files
    from covtasks.figures import analyse
    from covtasks.gate import evaluate
    from covtasks.gitinfo import GitInfo
    from covtasks.metrics import JobRecord, Suite
    from covtasks.publish import covtasks_section, json_report, now, write_metrics

    done("import")
    doc = covconfig.load_toml(project / "pyproject.toml")
    if domains == 1:
        doc["tool"]["covtasks"]["domains"] = {"all": {"paths": ["app/**"], "fail_under": 50}}
    cfg = config.parse_config(doc, project, project / "pyproject.toml")
    config.check_domain_globs(cfg)
    done("config")

    files = sorted(data_dir.glob(".coverage.*"))
    out.mkdir(parents=True, exist_ok=True)
    cov = report.make_coverage(cfg, out / ".coverage")
    combine_files(cov, files)
    done("combine")

    coverage_json = json_report(cov, out / "coverage.json", cfg.precision)
    done("json_report")

    analysis = analyse(coverage_json, cfg.domains, cfg.root)
    verdict = evaluate(analysis, cfg.fail_under, cfg.precision)
    done("analyse")

    jobs = [JobRecord({"id": "bench", "data_files": len(files)})]
    section = covtasks_section(
        cfg, analysis, verdict, suite=Suite({}), jobs=jobs, git=GitInfo(None), timestamp=now()
    )
    write_metrics(cfg.metrics, coverage_json, section.to_json(), report_file=out / "coverage.json")
    done("write_metrics")
    phases["total_in_process"] = time.perf_counter() - t0
    del phases["start"]
    record = {"seconds": phases, "peak_mib": peaks}
    (out / "phases.json").write_text(json.dumps(record), encoding="utf-8")


# ------------------------------------------------------------------ the flows


@dataclass(frozen=True)
class Case:
    project: Path
    data_dir: Path
    log: Path


def prepare(quick: bool, name: str = "combine") -> tuple[Case, Size]:
    size = QUICK if quick else FULL
    base = common.fresh_dir(name)
    t = time.perf_counter()
    project, data_dir = make_case(base, size)
    print(f"   generated {size.describe()} in {time.perf_counter() - t:.1f}s", flush=True)
    return Case(project, data_dir, base / f"{name}.log"), size


def run_covtasks(
    case: Case, domains: int, *, peak_rss: bool = False
) -> tuple[common.Timed, dict[str, dict[str, float]]]:
    out = case.project / f"out-ct{domains}"
    projects.remove_outputs(case.project, [out.name, "out"])
    cmd = [common.PYTHON, __file__, CHILD, str(case.project), str(case.data_dir), str(out)]
    timed = common.run([*cmd, str(domains)], case.project, log=case.log, peak_rss=peak_rss)
    phases: dict[str, dict[str, float]] = json.loads(
        (out / "phases.json").read_text(encoding="utf-8")
    )
    return timed, phases


def run_hand(case: Case, *, peak_rss: bool = False) -> list[common.Timed]:
    """``coverage combine --keep DATA && coverage json``: two processes, both timed."""
    projects.remove_outputs(case.project, [".coverage", "out-hand"])
    py = common.PYTHON
    combine = [py, "-m", "coverage", "combine", "--keep", "-q", str(case.data_dir)]
    report = [py, "-m", "coverage", "json", "-q", "-o", "out-hand/coverage.json"]
    return [
        common.run(cmd, case.project, log=case.log, peak_rss=peak_rss) for cmd in (combine, report)
    ]


def same_totals(case: Case) -> None:
    """Both flows must have reported the same numbers. The ``*_display`` texts are left
    out: covtasks writes them at its own precision (2), ``coverage json`` at the
    project's ``[report] precision`` (0 here)."""
    hand = json.loads((case.project / "out-hand/coverage.json").read_text(encoding="utf-8"))
    ours = json.loads((case.project / "out/metrics.json").read_text(encoding="utf-8"))
    if _numbers(hand["totals"]) != _numbers(ours["totals"]):
        raise common.BenchError(f"totals differ: {hand['totals']} != {ours['totals']}")


def _numbers(totals: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in totals.items() if not k.endswith("_display")}


def main(argv: Sequence[str] | None = None) -> int:
    args = common.parser(__doc__.splitlines()[0]).parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    common.banner(f"combine + analyse: covtasks vs coverage combine && json, {rounds} rounds")
    case, size = prepare(args.quick)
    runs: dict[str, list[common.Timed]] = {
        "coverage combine": [],
        "coverage json": [],
        "ct50": [],
        "ct1": [],
    }
    phase_runs: dict[str, list[dict[str, float]]] = {"ct50": [], "ct1": []}

    def hand() -> None:
        combine, report = run_hand(case)
        runs["coverage combine"].append(combine)
        runs["coverage json"].append(report)

    def covtasks(name: str, domains: int) -> Callable[[], None]:
        def flow() -> None:
            timed, phases = run_covtasks(case, domains)
            runs[name].append(timed)
            phase_runs[name].append(phases["seconds"])

        return flow

    flows: dict[str, Callable[[], None]] = {
        "hand": hand,
        "ct50": covtasks("ct50", size.domains),
        "ct1": covtasks("ct1", 1),
    }
    for flow in flows.values():  # warm-up
        flow()
    for timed in runs.values():
        timed.clear()
    for phases in phase_runs.values():
        phases.clear()
    for i in range(rounds):
        order = list(flows) if i % 2 == 0 else list(reversed(flows))
        for name in order:
            flows[name]()
        hand_s = runs["coverage combine"][-1].seconds + runs["coverage json"][-1].seconds
        print(
            f"   round {i + 1}/{rounds}: hand {hand_s:.2f}s, "
            f"ct50 {runs['ct50'][-1].seconds:.2f}s, ct1 {runs['ct1'][-1].seconds:.2f}s",
            flush=True,
        )
    same_totals(case)
    wall = {
        "hand": [
            a.seconds + b.seconds for a, b in zip(runs["coverage combine"], runs["coverage json"])
        ],
        **{n: [t.seconds for t in runs[n]] for n in runs},
    }
    cpu = {
        "hand": [a.cpu + b.cpu for a, b in zip(runs["coverage combine"], runs["coverage json"])],
        **{n: [t.cpu for t in runs[n]] for n in runs},
    }
    med = {n: common.median(v) for n, v in wall.items()}
    med_cpu = {n: common.median(v) for n, v in cpu.items()}
    labels = {
        "hand": "coverage combine && coverage json",
        "coverage combine": "  of which coverage combine",
        "coverage json": "  of which coverage json",
        "ct50": f"covtasks, {size.domains} domains",
        "ct1": "covtasks, 1 domain",
    }
    print()
    print(f"   {size.describe()}")
    print(
        common.table(
            ["flow", "median s", "median cpu s", "rounds s"],
            [[labels[n], med[n], med_cpu[n], common.fmt_seconds(wall[n])] for n in labels],
        )
    )
    print()
    print("   covtasks phases (median of the timed rounds, in-process seconds):")
    keys = list(phase_runs["ct50"][0])
    print(
        common.table(
            ["phase", f"{size.domains} domains", "1 domain"],
            [
                [k, *(common.median(p[k] for p in phase_runs[n]) for n in ("ct50", "ct1"))]
                for k in keys
            ],
        )
    )

    # Only loading the configuration (each domain's globs checked against the files on
    # disk) and the analysis (every file matched against every domain) depend on the
    # number of domains; combining and coverage's JSON report do the same work for 1 or
    # 50. Their in-process times, measured in every round, give the cost of 50 domains
    # over 1 far more precisely than two whole runs can on a shared machine (identical
    # runs here vary by +-20%, CPU time as much as wall time).
    def domain_work(name: str) -> float:
        return common.median(p["config"] + p["analyse"] for p in phase_runs[name])

    extra = domain_work("ct50") - domain_work("ct1")
    base_total = common.median(p["total_in_process"] for p in phase_runs["ct1"])
    domain_ratio = (base_total + extra) / base_total
    print(
        f"   cpu ratio covtasks/coverage {med_cpu['ct50'] / med_cpu['hand']:.3f}; "
        f"50 domains cost {extra:+.2f}s over 1 (config + analyse) on {base_total:.2f}s; "
        f"whole runs 1 vs {size.domains} domains (slower/faster): wall medians "
        f"{max(med['ct50'], med['ct1']) / min(med['ct50'], med['ct1']):.3f}, cpu medians "
        f"{max(med_cpu['ct50'], med_cpu['ct1']) / min(med_cpu['ct50'], med_cpu['ct1']):.3f}"
    )
    ratios = [
        common.Ratio(f"combine+analyse {size.files} files", med["ct50"] / med["hand"], TARGET),
        common.Ratio(
            f"combine+analyse {size.domains} domains/1 domain (domain-dependent phases)",
            domain_ratio,
            DOMAIN_TARGET,
        ),
    ]
    return common.finish(
        ratios,
        "combine",
        {"size": size.describe(), "wall": wall, "cpu": cpu, "phases": phase_runs},
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        project, data_dir, out, domains = sys.argv[2:6]
        covtasks_child(Path(project), Path(data_dir), Path(out), int(domains))
    else:
        sys.exit(main())
