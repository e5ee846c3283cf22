"""The launcher's one choice: import pytest before measurement starts, unless measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pluggy
import pytest

from covtasks import measure

LAUNCHER = Path(measure.__file__).with_name("_launch.py")


def _preimport(source: list[str], cwd: Path) -> tuple[bool, bool]:
    """(its answer, whether pytest was imported) in a fresh interpreter."""
    code = (
        "import json, runpy, sys\n"
        f"launcher = runpy.run_path({str(LAUNCHER)!r}, run_name='probe')\n"
        f"answer = launcher['preimport_pytest']({source!r})\n"
        "print(json.dumps([answer, 'pytest' in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    answer, imported = json.loads(out.stdout)
    return answer, imported


def test_pytest_is_imported_before_measuring_a_project(tmp_path: Path) -> None:
    assert _preimport([str(tmp_path / "src")], tmp_path) == (True, True)


@pytest.mark.parametrize(
    "package", [pytest, pluggy], ids=["measuring-pytest", "measuring-a-dependency"]
)
def test_not_when_pytest_or_what_it_imports_is_measured(tmp_path: Path, package: object) -> None:
    origin = Path(str(getattr(package, "__file__", ""))).resolve()
    assert _preimport([str(origin.parent)], tmp_path) == (False, False)
    assert _preimport([os.path.dirname(origin.parent)], tmp_path) == (False, False)
