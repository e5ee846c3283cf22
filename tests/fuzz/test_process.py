"""A handful of fuzzed inputs through the real ``python -m covtasks``: whatever the
reader decides, the process prints no traceback, and a refusal is one line, exit 2.

(test_readers.py calls the readers in-process, thousands of times; this checks the end
the user sees, a few times per profile.)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.garbage import damaged, json_values, mutated, to_json, to_toml
from tests.fuzz.test_readers import MANIFEST, METRICS, job_tree, project, snapshot
from tests.helpers import cli_env

PYPROJECT = to_toml({"tool": {"covtasks": {"source": ["pkg"], "metrics": "m.json"}}})


def covtasks(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "covtasks", *args],
        cwd=root,
        env=cli_env(None),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check(root: Path, *args: str) -> None:
    before = snapshot(root)
    result = covtasks(root, *args)
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("covtasks: error: ")
        after = snapshot(root)
        # Every file that was there is unchanged; covtasks' private .covtasks/ may appear
        # (a combine refused for an unmappable path has combined into it first).
        assert {k: after.get(k) for k in before} == before
        assert all(k.startswith(".covtasks") for k in set(after) - set(before)), after
    else:
        assert result.returncode in (0, 1), result.stdout + result.stderr


@pytest.mark.slow
@settings(max_examples=5)
@given(st.one_of(mutated(METRICS, json_values).map(to_json), damaged(to_json(METRICS).encode())))
def test_gate_on_fuzzed_metrics(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = project(Path(name), PYPROJECT)
        path = root / "m.json"
        path.write_bytes(doc if isinstance(doc, bytes) else doc.encode("utf-8", "surrogatepass"))
        check(root, "gate")


@pytest.mark.slow
@settings(max_examples=5)
@given(st.one_of(mutated(MANIFEST, json_values).map(to_json), damaged(to_json(MANIFEST).encode())))
def test_combine_on_fuzzed_manifests(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as name:
        root = project(Path(name), PYPROJECT)
        job_tree(root, doc)
        check(root, "combine", "--expect", "any")
