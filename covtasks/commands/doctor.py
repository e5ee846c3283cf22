"""``covtasks doctor``: inspect the project's coverage setup and print each finding
with its fix (the rules are :mod:`covtasks.doctor`'s). Exit 1 if any finding is an
error, else 0; a bad configuration is exit 2 before anything is inspected."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from covtasks.config import Config, load_config
from covtasks.doctor import SEVERITIES, Finding, count, diagnose
from covtasks.doctor_facts import gather
from covtasks.errors import EXIT_OK

EXIT_PROBLEMS = 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Inspect the coverage setup of the project in the current directory and print "
        "each problem with its fix. Exits 1 if any finding is an error."
    )


def execute(args: argparse.Namespace, extra: Sequence[str]) -> int:
    return run_doctor(load_config(Path.cwd()), sys.stdout)


def summary(findings: Sequence[Finding]) -> str:
    """The last line: how many findings of each severity."""
    if not findings:
        return "doctor: no problems found"
    errors, warnings, infos = (sum(f.severity == s for f in findings) for s in SEVERITIES)
    parts = [count(errors, "error"), count(warnings, "warning")]
    if infos:
        parts.append(f"{infos} info")
    return "doctor: " + ", ".join(parts)


def run_doctor(cfg: Config, out: TextIO) -> int:
    """Inspect the project of ``cfg`` and print the findings; 1 if any is an error
    (``run --doctor`` runs it too)."""
    findings = diagnose(gather(cfg.root, cfg))
    for found in findings:
        print(found.line(), file=out)
    print(summary(findings), file=out)
    out.flush()
    return EXIT_PROBLEMS if any(f.severity == "error" for f in findings) else EXIT_OK
