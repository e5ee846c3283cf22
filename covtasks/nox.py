"""Reusable nox sessions: ``covtasks.nox.install()`` in a noxfile registers them.

```python
import covtasks.nox

covtasks.nox.install()   # coverage, coverage_combine, release_gate
```

Nothing is registered at import time. Each session installs into its venv the same
covtasks that registered it (its source tree when it was installed from a path or in
editable mode, else ``covtasks==<version>``) and the project under test, then shells
out to ``python -m covtasks ...``. Extra arguments after ``--`` go to covtasks, and
from there to pytest: ``nox -s coverage -- -k auth``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import nox
from nox.command import CommandFailed

import covtasks
from covtasks.covconfig import load_toml
from covtasks.errors import CovtasksError

TAG = "covtasks"
SESSIONS = ("coverage", "coverage_combine", "release_gate")
EXIT_MEANING = {
    1: "coverage is below a threshold (or dropped against the trend)",
    2: "bad usage, configuration or input data (see the error line above)",
    3: "the test suite is not stable: nothing was measured, nothing was written",
    130: "interrupted",
}
_REQUIREMENTS = ("requirements-test.txt", "requirements-dev.txt", "requirements.txt")
_TEST_GROUPS = ("test", "tests", "testing", "dev")
_INSTALL_DIRS = ("site-packages", "dist-packages")


def covtasks_requirement() -> list[str]:
    """How to install this very covtasks: its source tree, or its released version."""
    try:
        dist = metadata.distribution("covtasks")
        direct = dist.read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    if direct:
        info = json.loads(direct)
        url = str(info.get("url", ""))
        if url.startswith("file://"):
            path = url[len("file://") :]
            editable = bool(info.get("dir_info", {}).get("editable"))
            return ["-e", path] if editable else [path]
    source = Path(covtasks.__file__).resolve().parent.parent
    if (source / "pyproject.toml").is_file() and source.name not in _INSTALL_DIRS:
        # Imported straight from a source tree (PYTHONPATH, or the noxfile's directory).
        return ["-e", str(source)]
    return [f"covtasks=={covtasks.__version__}"]


def project_requirements(root: Path) -> list[list[str]]:
    """``pip install`` argument lists for the project under test.

    A package (``[build-system]`` in pyproject.toml, or a setup.py) is installed in
    editable mode, with its ``test``/``tests`` extra if it has one, so tests import the
    measured source tree. An application gets its declared dependencies, test extras,
    dependency groups or requirements files, without itself.
    """
    pyproject = root / "pyproject.toml"
    doc: dict[str, Any] = load_toml(pyproject) if pyproject.is_file() else {}
    project = doc.get("project", {}) if isinstance(doc.get("project"), dict) else {}
    extras = project.get("optional-dependencies", {})
    test_extras = [e for e in _TEST_GROUPS[:3] if isinstance(extras, dict) and e in extras]
    if "build-system" in doc or (root / "setup.py").is_file():
        spec = f".[{','.join(test_extras)}]" if test_extras else "."
        return [["-e", spec]]
    found: list[list[str]] = []
    deps = [str(d) for d in project.get("dependencies", [])]
    for extra in test_extras:
        deps += [str(d) for d in extras[extra]]
    groups = doc.get("dependency-groups", {})
    for group in _TEST_GROUPS:
        if isinstance(groups, dict) and group in groups:
            deps += [str(d) for d in groups[group] if isinstance(d, str)]
    if deps:
        found.append(deps)
    found += [["-r", name] for name in _REQUIREMENTS if (root / name).is_file()]
    return found


def _exit_code(exc: CommandFailed) -> int | None:
    match = re.search(r"code (\d+)", str(exc.reason or ""))
    return int(match.group(1)) if match else None


def run_covtasks(session: nox.Session, *args: str, env: Mapping[str, str] | None = None) -> None:
    """``python -m covtasks ARGS`` in the session; a non-zero exit is a session error."""
    python = sys.executable if session.venv_backend == "none" else "python"
    try:
        session.run(python, "-m", "covtasks", *args, external=True, env=dict(env or {}))
    except CommandFailed as exc:
        code = _exit_code(exc)
        meaning = EXIT_MEANING.get(code or 0, "failed")
        session.error(f"covtasks {args[0]} exited {code}: {meaning}")


def _installer(
    install: Sequence[str] | None, extra_install: Sequence[str]
) -> Callable[[nox.Session], None]:
    def prepare(session: nox.Session) -> None:
        if session.venv_backend == "none":
            return
        own = covtasks_requirement()
        if Path(own[-1]).resolve() != Path.cwd().resolve():
            # (Unless the project under test is covtasks itself, installed below.)
            session.install(*own)
        if install is None:
            for args in project_requirements(Path.cwd()):
                session.install(*args)
        elif install:
            session.install(*install)
        if extra_install:
            session.install(*extra_install)

    return prepare


def install(
    *,
    prefix: str = "",
    python: str | Sequence[str] | bool | None = None,
    venv_backend: str | None = None,
    reuse_venv: bool | None = None,
    install: Sequence[str] | None = None,
    extra_install: Sequence[str] = (),
    pytest_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    doctor: bool = False,
    sessions: Iterable[str] = SESSIONS,
) -> dict[str, Any]:
    """Register the covtasks sessions in the calling noxfile; returns them by name.

    - ``prefix``: prepended to each session name (``prefix="cov_"`` -> ``cov_coverage``).
    - ``python``: interpreter(s) for ``coverage``, e.g. ``["3.9", "3.13"]`` (the other
      sessions use the first one).
    - ``venv_backend``: ``"virtualenv"``, ``"uv"``, ``"venv"`` or ``"none"``.
    - ``install``: pip arguments for the project under test (default: detected, see
      :func:`project_requirements`); ``[]`` installs nothing of it.
    - ``extra_install``: more pip arguments (plugins the suite needs).
    - ``pytest_args``: always passed to pytest by the ``coverage`` session.
    - ``env``: environment variables for the covtasks commands.
    - ``doctor``: the ``coverage`` session runs ``covtasks doctor`` first (as
      ``nox -s coverage -- --doctor`` does).
    """
    chosen = tuple(sessions)
    unknown = [s for s in chosen if s not in SESSIONS]
    if unknown:
        raise CovtasksError(f"unknown session(s) {unknown}; choose from {list(SESSIONS)}")
    registered = nox.registry.get()
    names = {s: f"{prefix}{s}" for s in chosen}
    clash = [n for n in names.values() if n in registered]
    if clash:
        raise CovtasksError(
            f"nox session(s) {', '.join(clash)} already registered: call "
            "covtasks.nox.install() once, or pass prefix= to tell them apart"
        )
    prepare = _installer(install, extra_install)
    first = python[0] if isinstance(python, (list, tuple)) and python else python

    def coverage(session: nox.Session) -> None:
        """Run the suite under coverage: stable stage, metrics, trend, thresholds."""
        prepare(session)
        posargs = list(session.posargs)
        extra = ["--", *pytest_args] if pytest_args else []
        checks = ["--doctor"] if doctor and "--doctor" not in posargs else []
        run_covtasks(session, "run", *checks, *posargs, *extra, env=env)

    def coverage_combine(session: nox.Session) -> None:
        """Combine CI matrix job outputs (coverage-jobs/), publish and gate; say which
        jobs to expect: ``-- --expect N|IDS|any`` or ``expected_jobs`` in config."""
        prepare(session)
        run_covtasks(session, "combine", *session.posargs, env=env)

    def release_gate(session: nox.Session) -> None:
        """Fresh metrics for HEAD, stable suite, every domain at threshold, no drop."""
        prepare(session)
        run_covtasks(session, "gate", "--release", *session.posargs, env=env)

    bodies = {
        "coverage": (coverage, python),
        "coverage_combine": (coverage_combine, first),
        "release_gate": (release_gate, first),
    }
    result: dict[str, Any] = {}
    for key in chosen:
        body, py = bodies[key]
        body.__name__ = names[key]
        decorate = nox.session(
            name=names[key],
            python=py,
            venv_backend=venv_backend,
            reuse_venv=reuse_venv,
            tags=[TAG],
        )
        result[key] = decorate(body)
    return result
