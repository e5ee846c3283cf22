"""Fixtures and hooks only; the helpers they use live in tests/helpers.py."""

from __future__ import annotations

import inspect
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from tests.helpers import BASIC_FILES, OPENED_COVERAGE, Project


@pytest.fixture(autouse=True)
def _close_opened_coverage() -> Iterator[None]:
    """Close the data of the coverage.Coverage objects a test registered."""
    yield
    if OPENED_COVERAGE:
        from covtasks.report import close_data

        while OPENED_COVERAGE:
            close_data(OPENED_COVERAGE.pop())


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    """Factory: ``project()`` is the basic three-domain project; ``extra`` adds or
    replaces files, ``files`` replaces them all."""

    def make(
        files: Mapping[str, str] | None = None, extra: Mapping[str, str] | None = None
    ) -> Project:
        chosen = dict(BASIC_FILES if files is None else files)
        chosen.update(extra or {})
        return Project(tmp_path / "proj").write(chosen)

    return make


# --- `-m "not slow"`: every test that starts a Python process is marked slow --------------

# What starts a process: Project's runners, subprocess's, multiprocessing's.
_STARTS_PROCESS = frozenset(
    {"run", "module", "coverage", "Popen", "check_call", "check_output", "Process"}
)


def _names(code: CodeType) -> set[str]:
    """The global and attribute names ``code`` uses, nested functions included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names(const)
    return names


def starts_process(func: object, seen: set[object] | None = None) -> bool:
    """Whether ``func``, or a function of its module it calls (transitively), names a
    call that starts a process. Over-marking is safe; the guard below catches the rest."""
    seen = set() if seen is None else seen
    code = getattr(func, "__code__", None)
    if not isinstance(code, CodeType) or func in seen:
        return False
    seen.add(func)
    names = _names(code)
    if names & _STARTS_PROCESS:
        return True
    module = getattr(func, "__module__", None)
    scope: dict[str, object] = getattr(func, "__globals__", {})
    return any(
        starts_process(scope[n], seen)
        for n in names
        if inspect.isfunction(scope.get(n)) and getattr(scope[n], "__module__", None) == module
    )


def _fixture_functions(item: pytest.Function) -> list[object]:
    """The functions of the fixtures ``item`` uses that its module or this file define."""
    scopes = (vars(item.module) if item.module is not None else {}, globals())
    names = [n for n in item.fixturenames if n != "_fast_tests_start_no_python"]
    found = (scope.get(name) for name in names for scope in scopes)
    return [getattr(f, "__wrapped__", f) for f in found if f is not None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, pytest.Function) or item.get_closest_marker("slow"):
            continue
        if any(starts_process(f) for f in [item.function, *_fixture_functions(item)]):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_tests_start_no_python(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test not marked slow may not start a Python process: `-m "not slow"` stays fast."""
    if request.node.get_closest_marker("slow") is not None:
        return
    real = subprocess.Popen.__init__

    def guarded(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
        if argv and Path(os.fsdecode(argv[0])).name.startswith("python"):
            pytest.fail(f"{request.node.nodeid} starts {argv[:3]}: mark it slow", pytrace=False)
        real(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)


# --- tests/fuzz: hypothesis property tests, run by `nox -s fuzz` (pytest --fuzz) -------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz",
        action="store_true",
        help="collect tests/fuzz, the fuzzer (`nox -s fuzz`; COVTASKS_FUZZ=full|ci|dev)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/fuzz is left out of the normal run (it needs hypothesis and takes minutes)."""
    if collection_path == Path(__file__).parent / "fuzz" and not config.getoption("--fuzz"):
        return True
    return None
