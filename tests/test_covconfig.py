"""Finding coverage.py's own settings the way coverage.py finds them (coverage is the oracle)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import coverage
import pytest

from covtasks.covconfig import CoverageSettings, _reads_coveragerc_toml, read_coverage_settings
from covtasks.errors import CovtasksError

PYPROJECT_NO_BRANCH = "[tool.coverage.run]\nbranch = false\n"

# (id, files, $COVERAGE_RCFILE or "", expected file or "", expected branch, expected source)
CASES: list[tuple[str, dict[str, str], str, str, bool | None, tuple[str, ...] | None]] = [
    ("coveragerc-run", {".coveragerc": "[run]\nbranch = True\nsource = pkg, other\n"},
     "", ".coveragerc", True, ("pkg", "other")),
    ("coveragerc-prefixed-section", {".coveragerc": "[coverage:run]\nbranch = 0\n"},
     "", ".coveragerc", False, None),
    ("coveragerc-beats-pyproject",
     {".coveragerc": "[run]\nbranch = 1\n", "pyproject.toml": PYPROJECT_NO_BRANCH},
     "", ".coveragerc", True, None),
    ("coveragerc-toml-plain-run", {".coveragerc.toml": '[run]\nbranch = true\nsource = ["a"]\n'},
     "", ".coveragerc.toml", True, ("a",)),
    ("coveragerc-toml-tool-coverage", {".coveragerc.toml": PYPROJECT_NO_BRANCH},
     "", ".coveragerc.toml", False, None),
    ("setup-cfg", {"setup.cfg": "[coverage:run]\nbranch = True\nsource =\n    pkg\n    lib\n"},
     "", "setup.cfg", True, ("pkg", "lib")),
    ("setup-cfg-without-coverage-is-skipped",
     {"setup.cfg": "[metadata]\nname = x\n[tool:pytest]\naddopts = -q\n",
      "pyproject.toml": PYPROJECT_NO_BRANCH},
     "", "pyproject.toml", False, None),
    ("setup-cfg-report-only-still-wins",
     {"setup.cfg": "[coverage:report]\nprecision = 1\n", "pyproject.toml": PYPROJECT_NO_BRANCH},
     "", "setup.cfg", None, None),
    ("setup-cfg-beats-tox-ini",
     {"setup.cfg": "[coverage:run]\nbranch = no\n", "tox.ini": "[coverage:run]\nbranch = yes\n"},
     "", "setup.cfg", False, None),
    ("tox-ini", {"tox.ini": "[tox]\nenvlist = py311\n[coverage:run]\nbranch = False\n"
                 "source = pkg,\n  lib\n"},
     "", "tox.ini", False, ("pkg", "lib")),
    ("tox-ini-plain-run-is-not-coverage", {"tox.ini": "[run]\nbranch = True\n"},
     "", "", None, None),
    ("pyproject", {"pyproject.toml": '[tool.coverage.run]\nbranch = true\nsource = ["pkg"]\n'},
     "", "pyproject.toml", True, ("pkg",)),
    ("pyproject-report-only", {"pyproject.toml": "[tool.coverage.report]\nprecision = 1\n"},
     "", "pyproject.toml", None, None),
    ("pyproject-without-coverage", {"pyproject.toml": '[project]\nname = "x"\n'},
     "", "", None, None),
    ("nothing", {}, "", "", None, None),
    ("rcfile-env-relative",
     {"ci/cov.ini": "[run]\nbranch = True\n", ".coveragerc": "[run]\nbranch = False\n"},
     "ci/cov.ini", "ci/cov.ini", True, None),
    ("rcfile-env-toml", {"ci/cov.toml": '[run]\nsource = ["x", "y"]\n',
                         "pyproject.toml": PYPROJECT_NO_BRANCH},
     "ci/cov.toml", "ci/cov.toml", None, ("x", "y")),
    ("rcfile-env-pyproject", {"pyproject.toml": PYPROJECT_NO_BRANCH},
     "pyproject.toml", "pyproject.toml", False, None),
]  # fmt: skip


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COVERAGE_RCFILE", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "rcfile", "file", "branch", "source"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_settings_are_found(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    rcfile: str,
    file: str,
    branch: bool | None,
    source: tuple[str, ...] | None,
) -> None:
    _write(root, files)
    if rcfile:
        monkeypatch.setenv("COVERAGE_RCFILE", rcfile)
    plain_toml = file.endswith(".toml") and files.get(file, "").startswith("[run]")
    if (file == ".coveragerc.toml" or plain_toml) and not _reads_coveragerc_toml():
        # coverage before 7.13 reads neither .coveragerc.toml nor plain [run] tables
        file, branch, source = "", None, None
    assert read_coverage_settings(root) == CoverageSettings(
        file=root / file if file else None, branch=branch, source=source
    )


@pytest.mark.parametrize(("files", "rcfile"), [c[1:3] for c in CASES], ids=[c[0] for c in CASES])
def test_settings_equal_what_coverage_reads(
    root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], rcfile: str
) -> None:
    _write(root, files)
    if rcfile:
        monkeypatch.setenv("COVERAGE_RCFILE", rcfile)
    ours = read_coverage_settings(root)
    theirs = coverage.Coverage().config
    assert (ours.branch or False) == theirs.branch
    assert (list(ours.source) if ours.source else None) == theirs.source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("True", True),
        ("true", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("False", False),
        ("0", False),
        ("no", False),
        ("off", False),
    ],
    ids=lambda v: str(v),
)
def test_branch_strings(root: Path, text: str, expected: bool) -> None:
    _write(root, {".coveragerc": f"[run]\nbranch = {text}\n"})
    assert read_coverage_settings(root).branch is expected
    assert coverage.Coverage().config.branch is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pkg", ("pkg",)),
        ("pkg, lib", ("pkg", "lib")),
        ("pkg,lib,", ("pkg", "lib")),
        ("\n    pkg\n    lib\n", ("pkg", "lib")),
        ("\n    pkg, lib\n    tools\n", ("pkg", "lib", "tools")),
    ],
    ids=["one", "comma", "trailing-comma", "lines", "lines-and-commas"],
)
def test_source_lists(root: Path, text: str, expected: tuple[str, ...]) -> None:
    _write(root, {"setup.cfg": f"[coverage:run]\nsource = {text}\n"})
    assert read_coverage_settings(root).source == expected
    assert coverage.Coverage().config.source == list(expected)


def test_rcfile_env_absolute(root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "cov.ini"
    elsewhere.write_text("[coverage:run]\nbranch = true\n", encoding="utf-8")
    _write(root, {".coveragerc": "[run]\nbranch = false\n"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COVERAGE_RCFILE", str(elsewhere))
        assert read_coverage_settings(root) == CoverageSettings(elsewhere, True, None)


def test_parsed_pyproject_is_used_instead_of_rereading(root: Path) -> None:
    _write(root, {"pyproject.toml": "[tool.coverage.run]\nbranch = true\n"})
    settings = read_coverage_settings(root, {"tool": {"coverage": {"run": {"branch": False}}}})
    assert settings == CoverageSettings(root / "pyproject.toml", False, None)


@pytest.mark.parametrize(
    ("name", "text", "start"),
    [
        (".coveragerc", "[run\nbranch = 1\n", "invalid INI file: "),
        ("setup.cfg", "no section header\n", "invalid INI file: "),
        ("tox.ini", "[coverage:run]\n= x\n", "invalid INI file: "),
        (".coveragerc.toml", "[run\n", "invalid TOML: "),
        ("pyproject.toml", "tool = [\n", "invalid TOML: "),
    ],
    ids=["coveragerc", "setup-cfg", "tox-ini", "coveragerc-toml", "pyproject"],
)
def test_unreadable_file_is_one_line(root: Path, name: str, text: str, start: str) -> None:
    _write(root, {name: text})
    if name == ".coveragerc.toml" and not _reads_coveragerc_toml():
        # coverage before 7.13 does not read the file: neither does covtasks.
        assert read_coverage_settings(root).file is None
        return
    with pytest.raises(CovtasksError) as info:
        read_coverage_settings(root)
    assert str(info.value).startswith(f"{root / name}: {start}")
    assert "\n" not in str(info.value)


def test_ini_error_names_the_line(root: Path) -> None:
    _write(root, {"setup.cfg": "no section header\n"})
    with pytest.raises(CovtasksError) as info:
        read_coverage_settings(root)
    assert str(info.value) == (
        f"{root / 'setup.cfg'}: invalid INI file: File contains no section headers. (line 1)"
    )


@pytest.mark.parametrize(
    ("name", "text", "key"),
    [
        (
            "pyproject.toml",
            '[tool.coverage.run]\nsource_pkgs = ["a", "b.c"]\n',
            "tool.coverage.run",
        ),
        (".coveragerc", "[run]\nsource_pkgs = a, b.c\n", "[run]"),
        (".coveragerc", "[coverage:run]\nsource_pkgs = a\n  b.c\n", "[coverage:run]"),
        ("setup.cfg", "[coverage:run]\nsource_pkgs =\n  a\n  b.c\n", "[coverage:run]"),
        ("tox.ini", "[coverage:run]\nsource_pkgs = a,b.c\n", "[coverage:run]"),
    ],
    ids=["pyproject", "coveragerc", "coveragerc-prefixed", "setup-cfg", "tox-ini"],
)
def test_source_pkgs_and_the_key_as_written(root: Path, name: str, text: str, key: str) -> None:
    _write(root, {name: text})
    settings = read_coverage_settings(root)
    assert settings.source_pkgs == ("a", "b.c")
    assert coverage.Coverage().config.source_pkgs == ["a", "b.c"]
    sep = " " if key.startswith("[") else "."
    assert settings.key("source_pkgs", 1) == f"{key}{sep}source_pkgs[1]"
