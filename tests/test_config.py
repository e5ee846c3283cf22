"""``[tool.covtasks]`` validation: exact one-line errors, defaults and coverage.py settings."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from covtasks.config import (
    DEFAULT_DURATIONS,
    DEFAULT_METRICS,
    DEFAULT_TREND,
    Config,
    Domain,
    QuarantineEntry,
    StableConfig,
    load_config,
    parse_config,
)
from covtasks.covconfig import load_toml
from covtasks.errors import EXIT_BAD_INPUT, CovtasksError

TODAY = datetime.date(2026, 6, 1)
SRC = 'source = ["pkg"]\n'
KNOWN = (
    "known keys: source, tests, workers, fail_under, file_fail_under, max_missing, precision, "
    "branch, metrics, trend, html, xml, lcov, stable, domains, core, expected_jobs, tolerance, "
    "diff_fail_under, job_dir, file_ratchet, durations"
)
CORE = '[tool.covtasks.domains.core]\npaths = ["pkg/core/**"]\n'
QID = "tests/test_a.py::test_x"
NAME_RULE = "a domain name may only use letters, digits, '_', '.' and '-'"
FILES = (
    "pkg/__init__.py",
    "pkg/core/__init__.py",
    "pkg/core/models.py",
    "pkg/api/__init__.py",
    "pkg/api/auth.py",
    "pkg/api/auth_routes.py",
    "tests/__init__.py",
    "tests/test_core.py",
)


def _touch(root: Path, names: tuple[str, ...]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a real ``pkg/`` tree; cwd is the project so messages are relative."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COVERAGE_RCFILE", raising=False)
    _touch(tmp_path, FILES)
    return tmp_path


def _write(root: Path, text: str) -> Path:
    file = root / "pyproject.toml"
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def parse(root: Path, body: str) -> Config:
    """Write ``[tool.covtasks]`` + body to pyproject.toml and parse it (no glob checks)."""
    file = _write(root, "[tool.covtasks]\n" + body)
    return parse_config(load_toml(file), root, file, today=TODAY)


def load(root: Path, text: str) -> Config:
    """Write the whole pyproject.toml and run the full ``load_config``."""
    _write(root, text)
    return load_config(root, today=TODAY)


BAD = [
    # unknown keys
    ("unknown-key-did-you-mean", SRC + "fail_undr = 80", "tool.covtasks.fail_undr",
     f"unknown key (did you mean 'fail_under'?); {KNOWN}"),
    ("unknown-key-no-match", SRC + "zzz = 1", "tool.covtasks.zzz", f"unknown key; {KNOWN}"),
    ("unknown-key-in-domain", SRC + CORE + "fail_undr = 80",
     "tool.covtasks.domains.core.fail_undr",
     "unknown key (did you mean 'fail_under'?); known keys: paths, fail_under, "
     "file_fail_under, max_missing, tolerance"),
    ("unknown-key-in-stable", SRC + "[tool.covtasks.stable]\nrerun = 2",
     "tool.covtasks.stable.rerun",
     "unknown key (did you mean 'reruns'?); known keys: reruns, max_flaky, quarantine"),
    # fail_under
    ("fail-under-bool", SRC + "fail_under = true", "tool.covtasks.fail_under",
     "expected a number from 0 to 100, got true"),
    ("fail-under-string", SRC + 'fail_under = "80"', "tool.covtasks.fail_under",
     "expected a number from 0 to 100, got '80'"),
    ("fail-under-negative", SRC + "fail_under = -1", "tool.covtasks.fail_under",
     "expected a number from 0 to 100, got -1"),
    ("fail-under-above-100", SRC + "fail_under = 100.5", "tool.covtasks.fail_under",
     "expected a number from 0 to 100, got 100.5"),
    # precision
    ("precision-float", SRC + "precision = 2.5", "tool.covtasks.precision",
     "expected a whole number, got 2.5"),
    ("precision-too-big", SRC + "precision = 11", "tool.covtasks.precision",
     "expected a whole number from 0 to 10, got 11"),
    ("precision-bool", SRC + "precision = true", "tool.covtasks.precision",
     "expected a whole number, got true"),
    # workers
    ("workers-negative", SRC + "workers = -1", "tool.covtasks.workers",
     'expected "auto", "logical" or a whole number >= 0, got -1'),
    ("workers-word", SRC + 'workers = "many"', "tool.covtasks.workers",
     "expected \"auto\", \"logical\" or a whole number >= 0, got 'many'"),
    ("workers-bool", SRC + "workers = true", "tool.covtasks.workers",
     'expected "auto", "logical" or a whole number >= 0, got true'),
    ("workers-float", SRC + "workers = 1.5", "tool.covtasks.workers",
     'expected "auto", "logical" or a whole number >= 0, got 1.5'),
    # source, tests, branch
    ("source-empty", "source = []", "tool.covtasks.source", "must not be empty"),
    ("source-number-entry", "source = [1]", "tool.covtasks.source[0]",
     "expected a non-empty string, got 1"),
    ("source-number", "source = 3", "tool.covtasks.source",
     "expected an array of strings, got 3"),
    ("source-missing-dir", 'source = ["pkg", "nope"]', "tool.covtasks.source[1]",
     "'nope' is not a directory, file or package under {root} or its src/"),
    ("tests-number", SRC + "tests = 3", "tool.covtasks.tests",
     "expected an array of strings, got 3"),
    ("tests-blank-entry", SRC + 'tests = ["tests", " "]', "tool.covtasks.tests[1]",
     "expected a non-empty string, got ' '"),
    ("branch-string", SRC + 'branch = "yes"', "tool.covtasks.branch",
     "expected true or false, got 'yes'"),
    ("file-ratchet-number", SRC + "file_ratchet = 1", "tool.covtasks.file_ratchet",
     "expected true or false, got 1"),
    # output paths
    ("metrics-empty", SRC + 'metrics = ""', "tool.covtasks.metrics", "expected a path, got ''"),
    ("metrics-false", SRC + "metrics = false", "tool.covtasks.metrics",
     "expected a path, got false"),
    ("trend-number", SRC + "trend = 3", "tool.covtasks.trend",
     "expected a path (or false to turn it off), got 3"),
    ("html-true", SRC + "html = true", "tool.covtasks.html",
     "expected a path (or false to turn it off), got true"),
    ("xml-array", SRC + "xml = []", "tool.covtasks.xml",
     "expected a path (or false to turn it off), got an array"),
    ("lcov-number", SRC + "lcov = 1", "tool.covtasks.lcov",
     "expected a path (or false to turn it off), got 1"),
    # tables of the wrong shape
    ("stable-not-table", SRC + "stable = 3", "tool.covtasks.stable",
     "expected a table, got 3"),
    ("domains-not-table", SRC + "domains = 3", "tool.covtasks.domains",
     "expected a table of domains, got 3"),
    ("domain-not-table", SRC + "[tool.covtasks.domains]\ncore = 3", "tool.covtasks.domains.core",
     "expected a table, got 3"),
    # domains
    ("domain-fail-under-above-100", SRC + CORE + "fail_under = 101",
     "tool.covtasks.domains.core.fail_under", "expected a number from 0 to 100, got 101"),
    ("domain-fail-under-bool", SRC + CORE + "fail_under = false",
     "tool.covtasks.domains.core.fail_under", "expected a number from 0 to 100, got false"),
    ("domain-paths-empty", SRC + "[tool.covtasks.domains.core]\npaths = []",
     "tool.covtasks.domains.core.paths", "must not be empty"),
    ("domain-paths-missing", SRC + "[tool.covtasks.domains.core]\nfail_under = 80",
     "tool.covtasks.domains.core.paths", "is required"),
    ("domain-paths-blank-entry", SRC + '[tool.covtasks.domains.core]\npaths = ["pkg/*", ""]',
     "tool.covtasks.domains.core.paths[1]", "expected a non-empty string, got ''"),
    ("domain-name-space", SRC + '[tool.covtasks.domains."my core"]\npaths = ["pkg/**"]',
     "tool.covtasks.domains.my core", NAME_RULE),
    ("domain-name-empty", SRC + '[tool.covtasks.domains.""]\npaths = ["pkg/**"]',
     "tool.covtasks.domains.", NAME_RULE),
    ("domain-name-parens", SRC + '[tool.covtasks.domains."(unassigned)"]\npaths = ["pkg/**"]',
     "tool.covtasks.domains.(unassigned)", NAME_RULE),
    ("domain-name-overall", SRC + "[tool.covtasks.domains.overall]\npaths = [\"pkg/**\"]",
     "tool.covtasks.domains.overall", "'overall' is reserved for covtasks' own rows"),
    ("domain-name-unassigned", SRC + "[tool.covtasks.domains.Unassigned]\npaths = [\"pkg/**\"]",
     "tool.covtasks.domains.Unassigned", "'Unassigned' is reserved for covtasks' own rows"),
    ("domain-glob-star-x", SRC + '[tool.covtasks.domains.core]\npaths = ["pkg/core/**x"]',
     "tool.covtasks.domains.core.paths[0]", "a file pattern can't include '**x'"),
    ("domain-glob-triple-star",
     SRC + '[tool.covtasks.domains.core]\npaths = ["pkg/*", "pkg/***/x.py"]',
     "tool.covtasks.domains.core.paths[1]", "a file pattern can't include '***'"),
    # stable
    ("stable-reruns-too-many", SRC + "[tool.covtasks.stable]\nreruns = 6",
     "tool.covtasks.stable.reruns", "expected a whole number from 0 to 5, got 6"),
    ("stable-max-flaky-negative", SRC + "[tool.covtasks.stable]\nmax_flaky = -1",
     "tool.covtasks.stable.max_flaky", "expected a whole number >= 0, got -1"),
    ("quarantine-not-array", SRC + "[tool.covtasks.stable]\nquarantine = {}",
     "tool.covtasks.stable.quarantine", "expected an array of tables, got a table"),
    ("quarantine-no-reason", SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"',
     "tool.covtasks.stable.quarantine[0].reason", "is required"),
    ("quarantine-unknown-key",
     SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nresaon = "x"',
     "tool.covtasks.stable.quarantine[0].resaon",
     "unknown key (did you mean 'reason'?); known keys: id, reason, until"),
    ("quarantine-duplicate-id",
     SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "a"\n'
     f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "b"',
     "tool.covtasks.stable.quarantine[1].id", f"'{QID}' is quarantined twice"),
    ("quarantine-expired",
     SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "a"\n'
     "until = 2026-05-31",
     "tool.covtasks.stable.quarantine[0].until",
     f"quarantine of '{QID}' expired on 2026-05-31: "
     "fix the test and remove the entry, or extend the date"),
    ("quarantine-bad-date",
     SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "a"\nuntil = "soon"',
     "tool.covtasks.stable.quarantine[0].until", "expected a date like 2027-01-31, got 'soon'"),
    ("quarantine-until-number",
     SRC + f'[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "a"\nuntil = 2027',
     "tool.covtasks.stable.quarantine[0].until", "expected a date like 2027-01-31, got 2027"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "key", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_config_is_one_exact_line(root: Path, body: str, key: str, message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        parse(root, body)
    assert str(info.value) == f"pyproject.toml: {key}: {message.format(root=root)}"
    assert info.value.exit_code == EXIT_BAD_INPUT


def test_covtasks_not_a_table(root: Path) -> None:
    file = _write(root, "[tool]\ncovtasks = 3\n")
    with pytest.raises(CovtasksError) as info:
        parse_config(load_toml(file), root, file, today=TODAY)
    assert str(info.value) == "pyproject.toml: tool.covtasks: expected a table, got 3"


def test_no_source_and_no_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COVERAGE_RCFILE", raising=False)
    _touch(tmp_path, ("tests/__init__.py", "docs/__init__.py", "script.py"))
    with pytest.raises(CovtasksError) as info:
        load(tmp_path, '[project]\nname = "x"\n')
    assert str(info.value) == (
        "pyproject.toml: tool.covtasks.source: not set, and no package was found to measure; "
        'set source = ["yourpackage"] under [tool.covtasks]'
    )


def test_error_names_file_outside_cwd(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root / "pkg")
    with pytest.raises(CovtasksError) as info:
        parse(root, SRC + "precision = 11")
    assert str(info.value).startswith(f"{root / 'pyproject.toml'}: tool.covtasks.precision: ")


@pytest.mark.parametrize(
    ("paths", "index", "pattern"),
    [
        pytest.param('["pkg/nothing/*.py"]', 0, "pkg/nothing/*.py", id="missing-dir"),
        pytest.param('["pkg/core/**", "pkg/api/*.txt"]', 1, "pkg/api/*.txt", id="second-path"),
        pytest.param('["pkg/core/*/models.py"]', 0, "pkg/core/*/models.py", id="star-one-dir"),
        pytest.param('["tests/*.py"]', 0, "tests/*.py", id="outside-source"),
    ],
)
def test_domain_glob_must_match_a_source_file(
    root: Path, paths: str, index: int, pattern: str
) -> None:
    with pytest.raises(CovtasksError) as info:
        load(root, f"[tool.covtasks]\n{SRC}[tool.covtasks.domains.core]\npaths = {paths}\n")
    assert str(info.value) == (
        f"pyproject.toml: tool.covtasks.domains.core.paths[{index}]: "
        f"{pattern!r} matches no source file under pkg"
    )


def test_invalid_toml(root: Path) -> None:
    file = _write(root, "[tool.covtasks\nsource = 1\n")
    with pytest.raises(CovtasksError) as info:
        load_config(root, today=TODAY)
    assert str(info.value).startswith(f"{file}: invalid TOML: ")
    assert "\n" not in str(info.value)


def test_missing_pyproject(root: Path) -> None:
    with pytest.raises(CovtasksError) as info:
        load_config(root, today=TODAY)
    assert str(info.value) == f"{root}: no pyproject.toml here; run covtasks from the project root"


def test_defaults_without_covtasks_table(root: Path) -> None:
    _touch(root, ("docs/__init__.py", ".hidden/__init__.py", "build/__init__.py"))
    cfg = load(root, '[project]\nname = "demo"\n')
    assert cfg == Config(
        root=root,
        file=root / "pyproject.toml",
        source=("pkg",),
        tests=(),
        workers="auto",
        fail_under=0.0,
        precision=2,
        branch=True,
        metrics=root / DEFAULT_METRICS,
        trend=root / DEFAULT_TREND,
        html=None,
        xml=None,
        stable=StableConfig(reruns=1, max_flaky=3, quarantine=()),
        domains=(),
        coverage_file=None,
        job_dir=root / "coverage-jobs",
        durations=root / DEFAULT_DURATIONS,
    )
    assert cfg.source_dirs() == [root / "pkg"]


def test_src_layout_is_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COVERAGE_RCFILE", raising=False)
    _touch(tmp_path, ("src/beta/__init__.py", "src/alpha/__init__.py", "src/notpkg/x.py"))
    _touch(tmp_path, ("toplevel/__init__.py",))
    assert load(tmp_path, "").source == ("src/alpha", "src/beta")


def test_full_config_is_read(root: Path) -> None:
    cfg = parse(
        root,
        'source = "pkg"\ntests = ["tests", "-k", "fast"]\nworkers = 0\nfail_under = 87.5\n'
        'precision = 0\nbranch = false\nmetrics = "out/m.json"\ntrend = "out/t.json"\n'
        'html = "out/html"\nxml = "out/cov.xml"\n'
        "[tool.covtasks.stable]\nreruns = 0\nmax_flaky = 0\n",
    )
    assert (cfg.source, cfg.tests, cfg.workers) == (("pkg",), ("tests", "-k", "fast"), 0)
    assert (cfg.fail_under, cfg.precision, cfg.branch) == (87.5, 0, False)
    assert (cfg.metrics, cfg.trend) == (root / "out/m.json", root / "out/t.json")
    assert (cfg.html, cfg.xml) == (root / "out/html", root / "out/cov.xml")
    assert cfg.stable == StableConfig(reruns=0, max_flaky=0, quarantine=())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("8", 8), ('"auto"', "auto"), ('"logical"', "logical")],
    ids=["zero", "eight", "auto", "logical"],
)
def test_workers_accepted(root: Path, value: str, expected: int | str) -> None:
    assert parse(root, f"{SRC}workers = {value}").workers == expected


def test_overlapping_domains_are_accepted(root: Path) -> None:
    cfg = load(
        root,
        f"[tool.covtasks]\n{SRC}"
        '[tool.covtasks.domains.api]\npaths = ["pkg/api/**"]\nfail_under = 70\n'
        '[tool.covtasks.domains.security]\npaths = ["pkg/api/auth*.py", "models.py"]\n',
    )
    assert cfg.domains == (
        Domain("api", ("pkg/api/**",), 70.0),
        Domain("security", ("pkg/api/auth*.py", "models.py"), None),
    )


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        pytest.param("trend = false", "trend", None, id="trend-false"),
        pytest.param("html = false", "html", None, id="html-false"),
        pytest.param("xml = false", "xml", None, id="xml-false"),
        pytest.param("lcov = false", "lcov", None, id="lcov-false"),
    ],
)
def test_false_turns_an_output_off(root: Path, body: str, field: str, expected: None) -> None:
    assert getattr(parse(root, SRC + body), field) is expected


@pytest.mark.parametrize(
    ("coverage_run", "covtasks", "expected"),
    [
        pytest.param("", "", True, id="default-true"),
        pytest.param("branch = false", "", False, id="coverage-false"),
        pytest.param("branch = true", "", True, id="coverage-true"),
        pytest.param("branch = false", "branch = true", True, id="covtasks-overrides-true"),
        pytest.param("branch = true", "branch = false", False, id="covtasks-overrides-false"),
        pytest.param("", "branch = false", False, id="covtasks-only"),
    ],
)
def test_branch_from_coverage_settings(
    root: Path, coverage_run: str, covtasks: str, expected: bool
) -> None:
    cfg = load(
        root,
        f"[tool.coverage.run]\n{coverage_run}\n[tool.covtasks]\n{SRC}{covtasks}\n",
    )
    assert cfg.branch is expected
    assert cfg.coverage_file == root / "pyproject.toml"


def test_branch_from_coveragerc(root: Path) -> None:
    (root / ".coveragerc").write_text("[run]\nbranch = False\n", encoding="utf-8")
    cfg = load(root, f"[tool.covtasks]\n{SRC}")
    assert (cfg.branch, cfg.coverage_file) == (False, root / ".coveragerc")


def test_coverage_source_used_when_covtasks_source_unset(root: Path) -> None:
    _touch(root, ("other/__init__.py",))
    cfg = load(root, '[tool.coverage.run]\nsource = ["pkg/core"]\n[tool.covtasks]\n')
    assert cfg.source == ("pkg/core",)


def test_covtasks_source_wins_over_coverage_source(root: Path) -> None:
    cfg = load(root, '[tool.coverage.run]\nsource = ["pkg/core"]\n[tool.covtasks]\n' + SRC)
    assert cfg.source == ("pkg",)


@pytest.mark.parametrize(
    ("rc_name", "rc_text", "pyproject", "key"),
    [
        pytest.param(
            "",
            "",
            '[tool.coverage.run]\nsource = ["pkg", "gone"]\n',
            "tool.coverage.run.source[1]",
            id="pyproject",
        ),
        pytest.param(
            ".coveragerc", "[run]\nsource = pkg, gone\n", "", "[run] source[1]", id="coveragerc"
        ),
        pytest.param(
            ".coveragerc",
            "[coverage:run]\nsource = pkg, gone\n",
            "",
            "[coverage:run] source[1]",
            id="coveragerc-prefixed",
        ),
        pytest.param(
            "setup.cfg",
            "[coverage:run]\nsource =\n  pkg\n  gone\n",
            "",
            "[coverage:run] source[1]",
            id="setup-cfg",
        ),
        pytest.param(
            "tox.ini",
            "[coverage:run]\nsource_pkgs = pkg, gone\n",
            "",
            "[coverage:run] source_pkgs[1]",
            id="tox-ini-source-pkgs",
        ),
    ],
)
def test_coverage_source_must_exist(
    root: Path, rc_name: str, rc_text: str, pyproject: str, key: str
) -> None:
    if rc_name:
        (root / rc_name).write_text(rc_text, encoding="utf-8")
    with pytest.raises(CovtasksError) as info:
        load(root, pyproject)
    named = rc_name or "pyproject.toml"
    what = "a package" if "source_pkgs" in key else "a directory, file or package"
    assert str(info.value) == f"{named}: {key}: 'gone' is not {what} under {root} or its src/"


@pytest.mark.parametrize(
    ("files", "coverage_run", "expected"),
    [
        pytest.param(["src/mypkg/__init__.py"], 'source = ["mypkg"]', ("src/mypkg",), id="src"),
        pytest.param(["mypkg/__init__.py"], 'source = ["mypkg"]', ("mypkg",), id="flat"),
        pytest.param(
            ["mypkg/__init__.py", "src/mypkg/__init__.py"],
            'source = ["mypkg"]',
            ("mypkg",),
            id="root-first-as-cwd-on-sys-path",
        ),
        pytest.param(
            ["src/mypkg/sub/__init__.py"], 'source = ["mypkg.sub"]', ("src/mypkg/sub",), id="dotted"
        ),
        pytest.param(["src/mymod.py"], 'source = ["mymod"]', ("src/mymod.py",), id="module"),
        pytest.param(
            ["src/mypkg/__init__.py"], 'source = ["src/mypkg"]', ("src/mypkg",), id="directory"
        ),
        pytest.param(
            ["src/mypkg/__init__.py", "src/other/__init__.py"],
            'source = ["mypkg"]\nsource_pkgs = ["other", "mypkg"]',
            ("src/mypkg", "src/other"),
            id="source-and-source-pkgs",
        ),
        pytest.param(
            ["src/mypkg/__init__.py"], 'source_pkgs = ["mypkg"]', ("src/mypkg",), id="source-pkgs"
        ),
    ],
)
def test_coverage_source_package_names(
    root: Path, files: list[str], coverage_run: str, expected: tuple[str, ...]
) -> None:
    _touch(root, tuple(files))
    cfg = load(root, f"[tool.coverage.run]\n{coverage_run}\n[tool.covtasks]\n")
    assert cfg.source == expected


def test_source_pkgs_is_never_a_directory(root: Path) -> None:
    # coverage.py takes source_pkgs entries as package names only.
    _touch(root, ("lib/pkg/__init__.py",))
    with pytest.raises(CovtasksError) as info:
        load(root, '[tool.coverage.run]\nsource_pkgs = ["lib/pkg"]\n')
    assert "tool.coverage.run.source_pkgs[0]: 'lib/pkg' is not a package" in str(info.value)


@pytest.mark.parametrize(
    "until",
    [
        pytest.param("2027-01-31", id="toml-date"),
        pytest.param('"2027-01-31"', id="string"),
        pytest.param("2027-01-31T08:30:00", id="toml-datetime"),
    ],
)
def test_quarantine_until(root: Path, until: str) -> None:
    cfg = parse(
        root,
        f'{SRC}[[tool.covtasks.stable.quarantine]]\nid = "{QID}"\nreason = "db"\nuntil = {until}\n',
    )
    assert cfg.stable.quarantine == (QuarantineEntry(QID, "db", datetime.date(2027, 1, 31)),)


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        pytest.param("", None, id="no-date"),
        pytest.param("until = 2026-06-01", datetime.date(2026, 6, 1), id="today-still-valid"),
    ],
)
def test_quarantine_until_boundaries(root: Path, until: str, expected: datetime.date) -> None:
    cfg = parse(root, f'{SRC}[[tool.covtasks.stable.quarantine]]\nid = "a"\nreason = "b"\n{until}')
    assert cfg.stable.quarantine == (QuarantineEntry("a", "b", expected),)
