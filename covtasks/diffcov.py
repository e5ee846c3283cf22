"""``covtasks diff --base REF``: coverage of the lines added or modified since a git ref.

The semantics are diff-cover's defaults, so the two tools agree on the same data:

- the changes are those between the merge-base of REF and HEAD and the working tree,
  i.e. committed + staged + unstaged (diff-cover diffs ``REF...HEAD``, ``--cached``
  and the worktree and merges them); untracked files are not part of the diff;
- a changed line counts when it is a statement of a measured file (in coverage.py's
  ``executed_lines`` or ``missing_lines``) and is covered when it was executed. Lines
  only: a partially covered branch counts as covered (diff-cover without
  ``--branch-coverage``);
- no measured line changed means 100%.

The pure core is :func:`parse_unified_diff` and :func:`patch_coverage`; the rest is
rendering and the git / file shell. The command's printing is in
:mod:`covtasks.commands.diff`.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covtasks import metrics, tables
from covtasks.config import Domain, display_path
from covtasks.constants import OVERALL, UNASSIGNED
from covtasks.errors import CovtasksError
from covtasks.figures import DomainNumbers, Numbers, display_percent, total
from covtasks.git import GitError
from covtasks.git import merge_base as git_merge_base
from covtasks.git import run as run_git
from covtasks.globs import Matcher
from covtasks.tables import RIGHT, Column, Table

DEV_NULL = "/dev/null"
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")

# --- parsing git's unified diff -----------------------------------------------------------


def unquote(name: str) -> str:
    """A path as git prints it: C-quoted (``"t\\303\\251st.py"``) when unusual, else bare."""
    if len(name) < 2 or name[0] != '"' or name[-1] != '"':
        return name
    raw = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
    return raw.decode("utf-8", "surrogateescape")


def _header_path(rest: str) -> str | None:
    """The path of a ``+++`` line without its ``b/`` (None for /dev/null)."""
    if not rest.startswith('"'):
        rest = rest.split("\t", 1)[0]  # git adds a tab after names with spaces
    path = unquote(rest)
    return None if path == DEV_NULL else path[2:] if path.startswith("b/") else path


def _git_line_path(rest: str) -> str | None:
    """The new path of ``diff --git a/X b/Y``: sure when quoted or when X == Y (the
    only case a path is taken from it: no rename, no ``+++`` line)."""
    if rest.endswith('"'):
        start = rest.rfind(' "b/')
        return unquote(rest[start + 1 :])[2:] if start >= 0 else None
    half = rest[2 : 2 + (len(rest) - 5) // 2]
    if rest == f"a/{half} b/{half}":
        return half
    start = rest.rfind(" b/")
    return rest[start + 3 :] if start >= 0 else None


@dataclass
class _File:
    git_path: str | None = None
    plus: str | None = None
    saw_plus: bool = False
    renamed_to: str | None = None
    deleted: bool = False
    lines: set[int] = field(default_factory=set)

    def path(self) -> str | None:
        if self.deleted:
            return None
        return self.plus if self.saw_plus else self.renamed_to or self.git_path


def parse_unified_diff(text: str) -> dict[str, set[int]]:
    """Added or modified line numbers (in the new file) per path of git's unified diff.

    Renames and copies count under the new name; deleted files are left out; binary
    files, mode changes and pure renames give a path with no lines; C-quoted names and
    ``\\ No newline at end of file`` markers are handled. Hunk line counts are honoured,
    so an added line that starts with ``+++`` or ``---`` is content, not a header.
    """
    result: dict[str, set[int]] = {}
    current: _File | None = None
    old_left = new_left = new_line = 0

    def finish(f: _File | None) -> None:
        path = f.path() if f is not None else None
        if f is not None and path is not None:
            result.setdefault(path, set()).update(f.lines)

    for line in text.split("\n"):
        if current is not None and (old_left > 0 or new_left > 0):
            if line.startswith("+"):
                current.lines.add(new_line)
                new_line, new_left = new_line + 1, new_left - 1
            elif line.startswith("-"):
                old_left -= 1
            elif not line.startswith("\\"):  # a context line (no-newline markers: skip)
                new_line, old_left, new_left = new_line + 1, old_left - 1, new_left - 1
        elif line.startswith("diff --git "):
            finish(current)
            current = _File(git_path=_git_line_path(line[len("diff --git ") :]))
        elif current is None:
            continue
        elif line.startswith("+++ "):
            current.saw_plus, current.plus = True, _header_path(line[4:])
            current.deleted = current.deleted or current.plus is None
        elif line.startswith(("rename to ", "copy to ")):
            current.renamed_to = unquote(line.split(" to ", 1)[1])
        elif line.startswith("deleted file mode"):
            current.deleted = True
        elif line.startswith("@@"):
            m = _HUNK.match(line)
            if m is None:
                raise ValueError(f"malformed hunk header: {line!r}")
            old_left = 1 if m[1] is None else int(m[1])
            new_line, new_left = int(m[2]), 1 if m[3] is None else int(m[3])
    finish(current)
    return result


# --- patch coverage ---------------------------------------------------------------------


@dataclass(frozen=True)
class FilePatch:
    """The changed statements of one measured file and those never executed."""

    path: str
    statements: tuple[int, ...]
    uncovered: tuple[int, ...]

    @property
    def numbers(self) -> Numbers:
        covered = len(self.statements) - len(self.uncovered)
        return Numbers(files=1, statements=len(self.statements), covered_lines=covered)


@dataclass(frozen=True)
class PatchResult:
    """Patch coverage overall, per domain (those with changed statements) and per file."""

    overall: Numbers
    domains: tuple[DomainNumbers, ...]
    files: tuple[FilePatch, ...]

    @property
    def percent(self) -> float:
        return self.overall.percent

    @property
    def nothing_measured(self) -> bool:
        return self.overall.statements == 0


def absolute(root: Path, name: str) -> str:
    """``name`` (relative to ``root`` or absolute) normalised for comparing paths."""
    return os.path.normcase(os.path.normpath(os.path.join(str(root), name)))


def _summed(name: str, members: Sequence[FilePatch]) -> DomainNumbers:
    return DomainNumbers(name, total(f.numbers for f in members), tuple(f.path for f in members))


def patch_coverage(
    changed: Mapping[str, set[int]],
    report: Mapping[str, Any],
    domains: Sequence[Domain],
    root: Path,
) -> PatchResult:
    """Coverage of the ``changed`` lines (paths relative to ``root`` or absolute) in
    coverage.py's JSON ``report``; changed files it does not measure are ignored."""
    measured = {absolute(root, name): name for name in report["files"]}
    files: list[FilePatch] = []
    for path in sorted(changed):
        name = measured.get(absolute(root, path))
        if name is None:
            continue
        entry = report["files"][name]
        executed = set(entry["executed_lines"])
        statements = (executed | set(entry["missing_lines"])) & changed[path]
        if statements:
            missed = statements - executed
            files.append(FilePatch(name, tuple(sorted(statements)), tuple(sorted(missed))))
    rows: list[DomainNumbers] = []
    assigned: set[str] = set()
    for domain in domains:
        matcher = Matcher(domain.paths, root)
        members = [f for f in files if matcher.match(f.path)]
        assigned.update(f.path for f in members)
        rows += [_summed(domain.name, members)] if members else []
    rest = [f for f in files if f.path not in assigned]
    rows += [_summed(UNASSIGNED, rest)] if rest and domains else []
    overall = total(f.numbers for f in files)
    return PatchResult(overall, tuple(rows), tuple(files))


def spans(lines: Iterable[int]) -> list[tuple[int, int]]:
    """``[12, 13, 14, 20]`` -> ``[(12, 14), (20, 20)]``: runs of consecutive numbers."""
    result: list[tuple[int, int]] = []
    for n in sorted(set(lines)):
        if result and n == result[-1][1] + 1:
            result[-1] = (result[-1][0], n)
        else:
            result.append((n, n))
    return result


def ranges(lines: Iterable[int]) -> str:
    """``[12, 13, 14, 20]`` -> ``"12-14, 20"``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans(lines))


# --- rendering --------------------------------------------------------------------------

NOTHING = "no measured lines changed: patch coverage is 100%"
COLUMNS = (Column("Domain"), Column("Lines", RIGHT), Column("Miss", RIGHT), Column("Cover", RIGHT))


def _table(result: PatchResult, precision: int) -> Table:
    """Per domain, then overall as the total."""

    def cells(name: str, n: Numbers) -> tuple[str, ...]:
        shown = display_percent(n.percent, precision) + "%"
        return (name, str(n.statements), str(n.statements - n.covered_lines), shown)

    body = tuple(cells(d.name, d.numbers) for d in result.domains)
    return Table(COLUMNS, body, cells(OVERALL, result.overall))


def text(result: PatchResult, precision: int) -> str:
    """The terminal report: changed statements per domain and the uncovered ranges."""
    if result.nothing_measured:
        return NOTHING
    lines = [tables.text(_table(result, precision))]
    missed = [f for f in result.files if f.uncovered]
    if missed:
        lines += ["", "uncovered changed lines:"]
        lines += [f"  {f.path}: {ranges(f.uncovered)}" for f in missed]
    return "\n".join(lines)


def markdown(result: PatchResult, precision: int) -> str:
    """The same report in GitHub-flavoured Markdown."""
    if result.nothing_measured:
        return "No measured lines changed: patch coverage is 100%."
    lines = [tables.markdown(_table(result, precision))]
    missed = [f for f in result.files if f.uncovered]
    if missed:
        lines += ["", "Uncovered changed lines:", ""]
        lines += [f"- `{f.path}`: {ranges(f.uncovered)}" for f in missed]
    return "\n".join(lines)


# --- the command ------------------------------------------------------------------------

# As diff-cover runs git: a/ and b/ prefixes whatever the user's configuration says.
GIT_CONFIG = ("diff.mnemonicprefix=no", "diff.noprefix=no", "diff.relative=no")
DIFF = ("diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv")


def git(root: Path, *args: str) -> str:
    return run_git(root, *args, config=GIT_CONFIG)


def toplevel(root: Path) -> Path:
    try:
        return Path(git(root, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise CovtasksError("not a git checkout: `covtasks diff` needs git", str(root)) from None


def merge_base(root: Path, ref: str) -> str:
    """The merge-base of ``ref`` and HEAD (what diff-cover's ``REF...HEAD`` diffs from)."""
    if not ref or ref.startswith("-"):
        raise CovtasksError(f"not a git ref: {ref!r}", "--base")
    toplevel(root)
    return git_merge_base(root, ref)


def changed_lines(root: Path, base: str) -> dict[str, set[int]]:
    """Changed lines of the working tree against ``base``, keyed by absolute path."""
    top = toplevel(root)
    try:
        parsed = parse_unified_diff(git(root, *DIFF, base, "--"))
    except ValueError as exc:
        raise CovtasksError(f"cannot read git's diff: {exc}") from exc
    return {str(top / path): lines for path, lines in parsed.items()}


def untracked(root: Path) -> list[str]:
    """Untracked files (not ignored) of the checkout, as absolute paths."""
    top = toplevel(root)
    out = git(root, "ls-files", "--others", "--exclude-standard", "--full-name", "-z")
    return [str(top / name) for name in out.split("\0") if name]


def load_report(path: Path) -> dict[str, Any]:
    """coverage.py's JSON report (the metrics file), checked for what is used here."""
    where = display_path(path)
    data = metrics.load(path, where, unreadable="cannot read the metrics")
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise CovtasksError("not a coverage.py JSON report (no 'files' object)", where)
    for name, entry in files.items():
        for key in ("executed_lines", "missing_lines"):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not isinstance(value, list) or not all(isinstance(n, int) for n in value):
                raise CovtasksError(f"files[{name!r}].{key} is not a list of line numbers", where)
    return dict(data)
