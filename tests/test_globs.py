"""Domain globs match exactly what coverage.py's ``--include`` matches (coverage is the oracle)."""

from __future__ import annotations

from pathlib import Path

import pytest
from coverage.exceptions import ConfigError
from coverage.files import GlobMatcher, globs_to_regex, prep_patterns

from covtasks.globs import Matcher, PatternError, check_pattern

# (id, pattern, file relative to the project root); "{root}" is the absolute root.
CASES = [
    ("star-same-dir", "core/*.py", "core/models.py"),
    ("star-not-deeper", "core/*.py", "core/sub/models.py"),
    ("star-needs-dot-py", "core/*.py", "core/modelspy"),
    ("star-other-dir", "core/*.py", "api/models.py"),
    ("exact-file", "core/models.py", "core/models.py"),
    ("doublestar-zero-dirs", "core/**/*.py", "core/models.py"),
    ("doublestar-many-dirs", "core/**/*.py", "core/a/b/models.py"),
    ("doublestar-middle", "core/**/models.py", "core/x/y/models.py"),
    ("doublestar-middle-other-name", "core/**/models.py", "core/x/y/views.py"),
    ("trailing-star-is-recursive", "core/*", "core/a/b/models.py"),
    ("trailing-doublestar", "core/**", "core/a/models.py"),
    ("trailing-doublestar-prefix-dir", "core/**", "corex/models.py"),
    ("no-slash-basename-anywhere", "models.py", "core/x/models.py"),
    ("no-slash-not-a-suffix", "models.py", "core/x/my_models.py"),
    ("no-slash-dir-name", "core", "core/models.py"),
    ("no-slash-with-star", "test_*.py", "pkg/tests/test_x.py"),
    ("question-one-char", "core/mod?ls.py", "core/models.py"),
    ("question-not-zero-chars", "core/mod?ls.py", "core/modls.py"),
    ("question-not-slash", "core?models.py", "core/models.py"),
    ("class-hit", "core/[ab]*.py", "core/alpha.py"),
    ("class-miss", "core/[ab]*.py", "core/cat.py"),
    ("leading-star-slash-any-prefix", "*/models.py", "core/x/models.py"),
    ("leading-star-slash-middle", "*/core/*.py", "src/core/a.py"),
    ("leading-doublestar", "**/test_*.py", "a/b/test_x.py"),
    ("absolute-pattern", "{root}/core/*.py", "core/models.py"),
    ("absolute-pattern-miss", "{root}/core/*.py", "api/models.py"),
    ("absolute-elsewhere", "/elsewhere/core/*.py", "core/models.py"),
    ("auth-prefix-exact", "api/auth*.py", "api/auth.py"),
    ("auth-prefix-longer", "api/auth*.py", "api/auth_routes.py"),
    ("auth-prefix-not-deeper", "api/auth*.py", "api/sub/auth.py"),
    ("dash-and-underscore", "my-pkg/my_mod.py", "my-pkg/my_mod.py"),
    ("braces-are-literal", "core/{a,b}.py", "core/a.py"),
    ("dot-slash-prefix", "./core/*.py", "core/models.py"),
    ("dot-dot-inside", "core/../api/*.py", "api/models.py"),
    ("trailing-slash", "core/", "core/models.py"),
    ("backslash-separator", "core\\*.py", "core/models.py"),
    ("triple-star-at-end", "core/***", "core/a/models.py"),
]


def _coverage_says(root: Path, pattern: str, file: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.chdir(root)  # prep_patterns makes relative patterns absolute against cwd
    return GlobMatcher(prep_patterns([pattern]), "test").match(str(file))


@pytest.mark.parametrize(("pattern", "rel"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matcher_agrees_with_coverage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, rel: str
) -> None:
    root = tmp_path
    pattern = pattern.replace("{root}", str(root))
    file = root / rel
    ours = Matcher([pattern], root).match(str(file))
    assert ours == _coverage_says(root, pattern, file, monkeypatch)


@pytest.mark.parametrize(
    ("pattern", "rel", "expected"),
    [
        ("core/*.py", "core/models.py", True),
        ("core/*.py", "core/sub/models.py", False),
        ("api/auth*.py", "api/auth_routes.py", True),
        ("api/auth*.py", "api/sub/auth.py", False),
        ("models.py", "core/x/models.py", True),
    ],
    ids=["star", "star-not-deeper", "auth-prefix", "auth-not-deeper", "basename"],
)
def test_relative_and_absolute_paths_agree(
    tmp_path: Path, pattern: str, rel: str, expected: bool
) -> None:
    matcher = Matcher([pattern], tmp_path)
    assert matcher.match(rel) is expected
    assert matcher.match(str(tmp_path / rel)) is expected


def test_several_patterns_match_any(tmp_path: Path) -> None:
    matcher = Matcher(["core/**", "api/auth*.py"], tmp_path)
    assert matcher.patterns == ("core/**", "api/auth*.py")
    hits = [f for f in ("core/a.py", "api/auth.py", "api/views.py") if matcher.match(f)]
    assert hits == ["core/a.py", "api/auth.py"]


def test_root_is_not_a_prefix_of_a_sibling(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    assert not Matcher(["core/*.py"], root).match(str(tmp_path / "proj2" / "core" / "a.py"))


@pytest.mark.parametrize(
    ("pattern", "bad"),
    [
        ("core/***/x.py", "***"),
        ("***", "**/**"),  # no slash: read as "**/***"
        ("x**", "x**"),
        ("core/x**/a.py", "x**"),
        ("core/**x", "**x"),
        ("a/**/**/b", "**/**"),
        ("[", "["),
        ("core/]x.py", "]"),
    ],
    ids=[
        "triple-star",
        "triple-star-no-slash",
        "word-doublestar",
        "word-doublestar-inside",
        "doublestar-word",
        "doublestar-twice",
        "open-bracket",
        "close-bracket",
    ],
)
def test_check_pattern_rejects_what_coverage_rejects(pattern: str, bad: str) -> None:
    with pytest.raises(ConfigError) as theirs:
        globs_to_regex([pattern])
    with pytest.raises(PatternError) as ours:
        check_pattern(pattern)
    assert str(ours.value) == f"a file pattern can't include {bad!r}"
    assert str(theirs.value) == f"File pattern can't include {bad!r}"


@pytest.mark.parametrize("pattern", ["", "   "], ids=["empty", "blank"])
def test_check_pattern_rejects_empty(pattern: str) -> None:
    with pytest.raises(PatternError, match=r"^a file pattern can't be empty$"):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_check_pattern_accepts_what_coverage_accepts(pattern: str) -> None:
    globs_to_regex([pattern])
    check_pattern(pattern)


def test_pattern_error_is_a_value_error() -> None:
    assert issubclass(PatternError, ValueError)
