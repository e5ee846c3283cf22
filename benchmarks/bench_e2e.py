"""End-to-end overhead: ``python -m covtasks run`` against the hand-rolled pytest-cov flow.

On real suites (examples/backend, a generated suite of ~2,000 quick tests over ~200
modules, and with ``--self`` the repository's own tests), both flows write the same
reports (JSON, Cobertura XML, html) with the same number of xdist workers:

    covtasks:     python -m covtasks run -q          (html/xml/metrics keys configured)
    hand-rolled:  python -m pytest -q -n W --cov=SRC... --cov-branch
                      --cov-report=json:... --cov-report=xml:... --cov-report=html:...

One untimed warm-up of each, then ``--rounds`` rounds alternating the two flows (the
order flips every round). Ratio = covtasks median / hand-rolled median; target <= 1.05.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import common
import projects

TARGET = 1.05
# The repository's own suite takes more than 3 minutes per run on 2 cores (measured
# 186 s for one plain `pytest -n 2`), so it is opt-in.
SELF_NOTE = "repository's own tests: skipped (> 3 min per run; --self to include)"


@dataclass(frozen=True)
class Case:
    name: str
    root: Path
    source: tuple[str, ...]
    workers: str
    tests: str
    env: tuple[tuple[str, str], ...] = ()


def backend_case(base: Path) -> Case:
    root = projects.copy_example(base / "backend")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        projects.with_covtasks_reports(pyproject.read_text(encoding="utf-8")), encoding="utf-8"
    )
    return Case("examples/backend", root, ("core", "api", "tools"), "2", "100")


def generated_case(base: Path, quick: bool) -> Case:
    suite = projects.Suite(modules=60 if quick else 200, tests_per_module=10, domains=10)
    root = projects.generate_suite(base / "generated", suite)
    name = f"generated {suite.tests} tests/{suite.modules} modules"
    return Case(name, root, ("app",), str(suite.workers), str(suite.tests))


def self_case(base: Path) -> Case:
    """A copy of the repository's tracked files (its own config: workers = "auto")."""
    root = base / "self"
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=common.ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = common.ROOT / name
        if src.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / name)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        projects.with_covtasks_reports(pyproject.read_text(encoding="utf-8")), encoding="utf-8"
    )
    # As the project's noxfile does: covtasks measures code that creates Coverage objects.
    return Case(
        "repository's own tests", root, ("covtasks",), "auto", "~500", (("COVERAGE_COVERAGE", "1"),)
    )


def measure(case: Case, rounds: int, log: Path) -> dict[str, list[common.Timed]]:
    """Warm-up, then ``rounds`` alternating rounds: each flow's timings."""
    env = common.child_env(dict(case.env))
    commands = {
        "covtasks": projects.covtasks_cmd(),
        "hand": projects.hand_rolled_cmd(case.source, case.workers),
    }

    def flow(name: str) -> common.Timed:
        projects.remove_outputs(case.root, ["reports"])
        return common.run(commands[name], case.root, env=env, log=log)

    for name in commands:  # warm-up: bytecode cache, disk cache
        flow(name)
    times: dict[str, list[common.Timed]] = {"covtasks": [], "hand": []}
    for i in range(rounds):
        order = ("covtasks", "hand") if i % 2 == 0 else ("hand", "covtasks")
        for name in order:
            times[name].append(flow(name))
        print(
            f"   round {i + 1}/{rounds}: covtasks {times['covtasks'][-1].seconds:.2f}s, "
            f"hand-rolled {times['hand'][-1].seconds:.2f}s",
            flush=True,
        )
    check_same_reports(case)
    return times


def check_same_reports(case: Case) -> None:
    """Both flows wrote every report (the last round's hand-rolled or covtasks run)."""
    for rel in projects.REPORTS.values():
        if not (case.root / rel).exists():
            raise common.BenchError(f"{case.name}: {rel} was not written")


def main(argv: Sequence[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--self", action="store_true", help="include the repository's own tests")
    args = p.parse_args(argv)
    common.require_module("pytest_cov", "pip install pytest-cov (the hand-rolled flow)")
    rounds = args.rounds or (3 if args.quick else 5)
    common.banner(f"end-to-end: covtasks run vs pytest-cov, {rounds} rounds")
    base = common.fresh_dir("e2e")
    log = base / "e2e.log"
    cases = [backend_case(base), generated_case(base, args.quick)]
    if args.self:
        cases.append(self_case(base))
    else:
        print(f"   {SELF_NOTE}")
    rows: list[list[object]] = []
    ratios: list[common.Ratio] = []
    saved: list[dict[str, object]] = []
    for case in cases:
        print(f"-- {case.name} ({case.tests} tests, -n {case.workers})", flush=True)
        times = measure(case, rounds, log)
        wall = {n: [t.seconds for t in ts] for n, ts in times.items()}
        cpu = {n: [t.cpu for t in ts] for n, ts in times.items()}
        ratio = common.median(wall["covtasks"]) / common.median(wall["hand"])
        # Diagnostics, less sensitive to other load on the machine than the medians:
        # the median of each round's own ratio, and the ratio of CPU time.
        paired = common.median(c / h for c, h in zip(wall["covtasks"], wall["hand"]))
        cpu_ratio = common.median(cpu["covtasks"]) / common.median(cpu["hand"])
        rows.append(
            [
                case.name,
                case.workers,
                common.median(wall["covtasks"]),
                common.median(wall["hand"]),
                f"{ratio:.3f}",
                f"{paired:.3f}",
                f"{cpu_ratio:.3f}",
            ]
        )
        ratios.append(common.Ratio(f"end-to-end {case.name}", ratio, TARGET))
        saved.append({"case": case.name, "wall": wall, "cpu": cpu})
    print()
    print(
        common.table(
            [
                "suite",
                "workers",
                "covtasks median s",
                "hand-rolled median s",
                "ratio",
                "paired",
                "cpu ratio",
            ],
            rows,
        )
    )
    for record in saved:
        shown = record["wall"]
        assert isinstance(shown, dict)
        print(
            f"   {record['case']}: covtasks [{common.fmt_seconds(shown['covtasks'])}] "
            f"hand-rolled [{common.fmt_seconds(shown['hand'])}]"
        )
    print(
        "   ratio = covtasks median / hand-rolled median (wall time, the target); "
        "paired = median of each round's ratio; cpu ratio = user+system CPU seconds of "
        "all processes, medians"
    )
    return common.finish(ratios, "e2e", {"rounds": rounds, "details": saved})


if __name__ == "__main__":
    sys.exit(main())
