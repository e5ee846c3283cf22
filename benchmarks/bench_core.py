"""Measurement core: coverage's ctrace and sysmon cores through covtasks, Python 3.12+.

covtasks' ``core`` key chooses coverage's core (``measure.resolve_core``: "auto" picks
sysmon where it can do the measurement; with branch coverage sysmon needs Python 3.14+),
so this comparison measures lines only (``branch = false``). A generated, moderately
CPU-bound suite runs through ``python -m covtasks run`` with ``core = "ctrace"`` and
``core = "sysmon"``, and unmeasured (``pytest -n 2``), alternating, in a venv of the
newest Python 3.12+ found (created once below the work directory, with covtasks
installed editable from this checkout). Overhead = covtasks median / unmeasured median.

Targets: each core's run must complete with the core it asked for (checked with
coverage's ``COVERAGE_DEBUG=sys``), and sysmon's overhead must not exceed ctrace's
(ratio sysmon/ctrace <= 1.05): otherwise "auto" would be the wrong default.
Skipped, with a message, when no Python 3.12+ is installed.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import common
import projects

TARGET_SYSMON_VS_CTRACE = 1.05
CORE_NAMES = {"ctrace": "CTracer", "sysmon": "SysMonitor"}


def find_python(wanted: str | None) -> str | None:
    """The newest Python 3.12+ on PATH or in pyenv (or the one asked for)."""
    if wanted:
        return shutil.which(wanted) or (wanted if Path(wanted).is_file() else None)
    candidates: list[str] = []
    for minor in range(20, 11, -1):
        found = shutil.which(f"python3.{minor}")
        if found:
            candidates.append(found)
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{root}/versions/3.1[2-9]*/bin/python3"), reverse=True)
    for python in candidates:
        version = python_version(python)
        if version is not None and version >= (3, 12):
            return python
    return None


def python_version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out[0]), int(out[1])


def ensure_venv(python: str, log: Path) -> str:
    """A venv below the work directory with covtasks (editable) and pytest-xdist."""
    major, minor = python_version(python) or (0, 0)
    venv = common.WORK / f"venv-py{major}.{minor}"
    vpython = str(venv / "bin" / "python")
    probe = [vpython, "-c", "import covtasks, xdist, coverage; print(covtasks.__file__)"]
    try:
        out = subprocess.run(probe, capture_output=True, text=True, check=True).stdout
        if Path(out.strip()).resolve().parent == common.ROOT / "covtasks":
            return vpython
    except (OSError, subprocess.CalledProcessError):
        pass
    print(f"   creating {venv} (once) ...", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    common.run([python, "-m", "venv", str(venv)], common.WORK, log=log)
    pip = [vpython, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    common.run([*pip, "-e", str(common.ROOT)], common.WORK, log=log)
    return vpython


def check_core(vpython: str, root: Path, core: str, log: Path) -> None:
    """One untimed run with COVERAGE_DEBUG=sys: every process used the asked-for core."""
    projects.set_key(root, "core", f'"{core}"')
    debug = root / f"debug-{core}.txt"
    debug.unlink(missing_ok=True)
    env = common.child_env({"COVERAGE_DEBUG": "sys", "COVERAGE_DEBUG_FILE": str(debug)})
    common.run(projects.covtasks_cmd(vpython), root, env=env, log=log)
    found = set(re.findall(r"^\s*core: (\S+)", debug.read_text(encoding="utf-8"), re.M))
    found.discard("-none-")  # covtasks' own reporting Coverage object, never started
    if found != {CORE_NAMES[core]}:
        raise common.BenchError(f'core = "{core}": coverage used {sorted(found)}, see {debug}')


def main(argv: Sequence[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--python", help="a Python 3.12+ interpreter (default: the newest found)")
    args = p.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    common.banner(f"measurement core: ctrace vs sysmon through covtasks, {rounds} rounds")
    python = find_python(args.python)
    if python is None:
        print("   SKIPPED: no Python 3.12+ interpreter found (sys.monitoring needs 3.12+)")
        common.save_result("core", {"skipped": "no Python 3.12+"})
        return 0
    base = common.fresh_dir("core")
    log = base / "core.log"
    vpython = ensure_venv(python, log)
    version = python_version(vpython)
    suite = projects.Suite(
        modules=10 if args.quick else 20,
        tests_per_module=10,
        domains=4,
        workers=2,
        work=100_000 if args.quick else 150_000,
        cpu_bound=True,
        branch=False,
        html_xml=False,
        covtasks_extra='core = "ctrace"\n',
    )
    root = projects.generate_suite(base / "project", suite)
    shown = ".".join(map(str, version or ()))
    from covtasks.measure import resolve_core

    auto = resolve_core("auto", version or (0, 0), branch=False)
    print(f"   Python {shown}: {vpython}; {suite.tests} CPU-bound tests, line coverage, -n 2")
    print(f'   (on Python {shown} with line coverage, core = "auto" resolves to "{auto}")')
    for core in CORE_NAMES:
        check_core(vpython, root, core, log)
    print("   checked with COVERAGE_DEBUG=sys: each run used the core it asked for")
    env = common.child_env()

    def covtasks_flow(core: str) -> Callable[[], float]:
        def flow() -> float:
            projects.set_key(root, "core", f'"{core}"')
            projects.remove_outputs(root, ["reports"])
            return common.run(projects.covtasks_cmd(vpython), root, env=env, log=log).seconds

        return flow

    plain = [vpython, "-m", "pytest", "-q", "-n", "2"]
    flows: dict[str, Callable[[], float]] = {
        "unmeasured pytest -n 2": lambda: common.run(plain, root, env=env, log=log).seconds,
        "covtasks core=ctrace": covtasks_flow("ctrace"),
        "covtasks core=sysmon": covtasks_flow("sysmon"),
    }
    times = common.alternate(flows, rounds)
    med = {name: common.median(t) for name, t in times.items()}
    base_s = med["unmeasured pytest -n 2"]
    print()
    print(
        common.table(
            ["flow", "median s", "overhead", "rounds s"],
            [
                [n, med[n], f"{med[n] / base_s:.2f}x", common.fmt_seconds(t)]
                for n, t in times.items()
            ],
        )
    )
    ctrace = med["covtasks core=ctrace"]
    sysmon = med["covtasks core=sysmon"]
    print(
        f"   overhead against unmeasured pytest: ctrace {ctrace / base_s:.2f}x, "
        f"sysmon {sysmon / base_s:.2f}x"
    )
    ratios = [
        common.Ratio(
            f"core sysmon/ctrace (Python {shown})",
            sysmon / ctrace,
            TARGET_SYSMON_VS_CTRACE,
        )
    ]
    return common.finish(
        ratios,
        "core",
        {
            "python": shown,
            "times": times,
            "overhead_ctrace": ctrace / base_s,
            "overhead_sysmon": sysmon / base_s,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
