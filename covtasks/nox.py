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
from covtasks.errors import (
    EXIT_BAD_INPUT,
    EXIT_BELOW_THRESHOLD,
    EXIT_INTERRUPTED,
    EXIT_UNSTABLE,
    CovtasksError,
)

TAG = "covtasks"
SESSIONS = ("coverage", "coverage_combine", "release_gate")
EXIT_MEANING = {
    EXIT_BELOW_THRESHOLD: "coverage is below a threshold (or dropped against the trend)",
    EXIT_BAD_INPUT: "bad usage, configuration or input data (see the error line above)",
    EXIT_UNSTABLE: "the test suite is not stable: nothing was measured, nothing was written",
    EXIT_INTERRUPTED: "interrupted",
}


# Test requirements files, as projects name them; a missing ``X.txt`` is also tried as
# ``X.in`` (pip-tools' input file, e.g. requirements/tests.in).
def _requirement_files(kinds: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        f"{name}.txt"
        for kind in kinds
        for name in (
            f"requirements-{kind}",
            f"requirements_{kind}",
            f"{kind}-requirements",
            f"{kind}_requirements",
            f"requirements/{kind}",
        )
    )


# The test-only kinds come first; the dev kind (often the whole toolchain: docs, linters,
# tox) is installed only when a project has no test-only group or file.
_TEST_KINDS = ("test", "tests", "testing")
_DEV_KINDS = ("dev",)
_APP_FILES = ("requirements.txt",)  # an application's own dependencies
_TEST_GROUPS = (*_TEST_KINDS, *_DEV_KINDS)
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


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def group_requirements(groups: Mapping[str, Any], name: str, file: str) -> list[str]:
    """The requirement strings of dependency group ``name`` (PEP 735), with its
    ``{include-group = "..."}`` entries expanded (any pip installs them, not only 25.1+)."""
    by_name = {_normalize(str(k)): (str(k), v) for k, v in groups.items()}

    def expand(key: str, seen: tuple[str, ...]) -> list[str]:
        written, entries = by_name[key]
        where = f"dependency-groups.{written}"
        if not isinstance(entries, list):
            raise CovtasksError(f"{where}: expected an array", file)
        found: list[str] = []
        for i, entry in enumerate(entries):
            if isinstance(entry, str):
                found.append(entry)
                continue
            included = entry.get("include-group") if isinstance(entry, dict) else None
            if not isinstance(included, str) or _normalize(included) not in by_name:
                raise CovtasksError(
                    f"{where}[{i}]: not a requirement or a known include-group", file
                )
            if _normalize(included) in seen:
                raise CovtasksError(f"{where}[{i}]: include-group {included!r} is a cycle", file)
            found += expand(_normalize(included), (*seen, _normalize(included)))
        return found

    return expand(_normalize(name), (_normalize(name),))


def find_test_requirements(root: Path, doc: Mapping[str, Any]) -> list[str]:
    """pip arguments for the test dependencies found besides extras: the test/tests/
    testing dependency groups and test requirements files, else the dev ones."""
    for kinds in (_TEST_KINDS, _DEV_KINDS):
        found = _requirements_of(root, doc, kinds)
        if found:
            return found
    return []


def _requirements_of(root: Path, doc: Mapping[str, Any], kinds: Sequence[str]) -> list[str]:
    found: list[str] = []
    groups = doc.get("dependency-groups", {})
    if isinstance(groups, dict):
        present = {_normalize(str(k)) for k in groups}
        for group in kinds:
            if group in present:
                found += group_requirements(groups, group, str(root / "pyproject.toml"))
    found = list(dict.fromkeys(found))  # one group often includes another
    for name in _requirement_files(kinds):
        path = root / name
        if not path.is_file() and path.with_suffix(".in").is_file():
            path = path.with_suffix(".in")
        if path.is_file():
            found += ["-r", path.relative_to(root).as_posix()]
    return found


def _discover(root: Path) -> tuple[list[str], list[str], bool]:
    """(the project's own pip arguments, its test dependencies' pip arguments, whether
    it has a test extra)."""
    pyproject = root / "pyproject.toml"
    doc: dict[str, Any] = load_toml(pyproject) if pyproject.is_file() else {}
    project = doc.get("project", {}) if isinstance(doc.get("project"), dict) else {}
    extras = project.get("optional-dependencies", {})
    test_extras = [e for e in _TEST_GROUPS[:3] if isinstance(extras, dict) and e in extras]
    tests = find_test_requirements(root, doc)
    if "build-system" in doc or (root / "setup.py").is_file():
        spec = f".[{','.join(test_extras)}]" if test_extras else "."
        return ["-e", spec], tests, bool(test_extras)
    own = [str(d) for d in project.get("dependencies", [])]
    own += [a for name in _APP_FILES if (root / name).is_file() for a in ("-r", name)]
    extra_deps = [str(d) for extra in test_extras for d in extras[extra]]
    return own, [*extra_deps, *tests], bool(test_extras)


def project_requirements(root: Path) -> list[list[str]]:
    """``pip install`` arguments for the project under test, as one pip call.

    A package (``[build-system]`` in pyproject.toml, or a setup.py) is installed in
    editable mode, with its ``test``/``tests``/``testing`` extra if it has one, so tests
    import the measured source tree. An application gets its declared dependencies and
    ``requirements.txt``, without itself. Both get the test dependencies found by
    :func:`find_test_requirements`.
    """
    own, tests, _ = _discover(root)
    args = [*own, *tests]
    return [args] if args else []


def found_test_requirements(root: Path) -> bool:
    """Whether :func:`project_requirements` finds any test dependency for ``root``."""
    _, tests, extra = _discover(root)
    return extra or bool(tests)


_IMPORT_ERROR = re.compile(r"^E?\s*((?:ModuleNotFoundError|ImportError): .+)$", re.MULTILINE)


def import_hint(output: str) -> str | None:
    """The advice for a suite whose tests fail to import, from pytest's collection output."""
    match = _IMPORT_ERROR.search(output)
    if match is None:
        return None
    return (
        f"the tests fail to import ({match[1].strip()}) and covtasks found no test "
        "dependencies to install (no test/tests/testing extra, test/dev dependency group or "
        "requirements file such as requirements-test.txt): name them in the noxfile, "
        'e.g. covtasks.nox.install(extra_install=["pytest-django", "-r", "ci/test.txt"]), '
        'or install=["-e", ".", ...] to replace what is installed'
    )


def _exit_code(exc: CommandFailed) -> int | None:
    match = re.search(r"code (\d+)", str(exc.reason or ""))
    return int(match.group(1)) if match else None


def _python(session: nox.Session) -> str:
    return sys.executable if session.venv_backend == "none" else "python"


def run_covtasks(
    session: nox.Session,
    *args: str,
    env: Mapping[str, str] | None = None,
    hint: Callable[[int | None], str | None] | None = None,
) -> None:
    """``python -m covtasks ARGS`` in the session; a non-zero exit is a session error,
    with ``hint(exit status)`` added when it has advice."""
    try:
        session.run(_python(session), "-m", "covtasks", *args, external=True, env=dict(env or {}))
    except CommandFailed as exc:
        code = _exit_code(exc)
        meaning = EXIT_MEANING.get(code or 0, "failed")
        advice = hint(code) if hint is not None else None
        session.error(
            f"covtasks {args[0]} exited {code}: {meaning}{'; ' + advice if advice else ''}"
        )


def _import_advice(
    session: nox.Session, code: int | None, env: Mapping[str, str] | None
) -> str | None:
    """For an unstable suite when no test dependency was found to install: pytest's
    collection says whether the tests fail to import, and the advice names the options."""
    if code != EXIT_UNSTABLE or found_test_requirements(Path.cwd()):
        return None
    output = session.run(
        _python(session),
        *("-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"),
        external=True,
        silent=True,
        success_codes=range(256),
        env=dict(env or {}),
    )
    return import_hint(output if isinstance(output, str) else "")


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
        # Advice only when covtasks chose what to install (install=/extra_install= unset).
        chosen = install is None and not extra_install
        advice = (lambda code: _import_advice(session, code, env)) if chosen else None
        run_covtasks(session, "run", *checks, *posargs, *extra, env=env, hint=advice)

    def coverage_combine(session: nox.Session) -> None:
        """Combine CI matrix job outputs (coverage-jobs/), publish and gate; say which
        jobs to expect: ``-- --expect N|IDS|any`` or ``expected_jobs`` in config."""
        prepare(session)
        run_covtasks(session, "combine", *session.posargs, env=env)

    def release_gate(session: nox.Session) -> None:
        """Fresh metrics for HEAD, stable suite, every domain at threshold, no drop; a
        pull request's gate: ``-- --base REF`` (against REF's merge-base)."""
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
