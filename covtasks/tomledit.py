"""Rewrite numbers in a TOML text in place: every other byte stays as it was.

``gate --suggest --write`` raises thresholds in pyproject.toml. Comments, order,
spacing, quoting and line endings are the user's, so the edit is textual: each value
is found as a ``key = number`` line (a bare, quoted or dotted key) below its table's
``[header]``, and only the number's characters are replaced. The result is then
parsed again and must equal the old document with exactly those values changed, or
nothing is written. A value the edit cannot find that way (in an inline table, or an
array of tables) is refused with one line naming its key, to be changed by hand.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Mapping
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

from covtasks.errors import CovtasksError

KeyPath = tuple[str, ...]

# ``key = number  # comment``: the key part is checked by parsing it, not by this pattern.
_KEY_NUMBER = re.compile(
    r"(?P<key>[^=#\[\]]+?)\s*=\s*"
    r"(?P<value>[-+]?[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][-+]?[0-9_]+)?)"
    r"(?P<tail>[ \t]*(?:#.*)?)"
)


def _leaf(parsed: Mapping[str, Any]) -> KeyPath | None:
    """The one key path of a document that holds one value (or one empty table)."""
    path: list[str] = []
    node: Any = parsed
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        path.append(name)
    if isinstance(node, dict) and node:
        return None
    return tuple(path)


def _header(line: str) -> KeyPath | None:
    """The table path of a ``[header]`` line (None: not a plain table header)."""
    try:
        return _leaf(tomllib.loads(line))
    except tomllib.TOMLDecodeError:
        return None


def _key(text: str) -> KeyPath | None:
    """The key path of a (bare, quoted or dotted) key."""
    try:
        return _leaf(tomllib.loads(f"{text} = 0"))
    except tomllib.TOMLDecodeError:
        return None


def format_number(value: float, precision: int) -> str:
    """``value`` as TOML at ``precision`` decimals, without trailing zeros (85, 84.37)."""
    text = f"{value:.{precision}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _with_values(doc: Mapping[str, Any], changes: Mapping[KeyPath, float]) -> dict[str, Any]:
    result: dict[str, Any] = copy.deepcopy(dict(doc))
    for path, value in changes.items():
        node = result
        for name in path[:-1]:
            node = node[name]
        node[path[-1]] = value
    return result


def set_numbers(text: str, changes: Mapping[KeyPath, float], precision: int, where: str) -> str:
    """``text`` with the number at each key path of ``changes`` replaced (pure).

    Every path must hold a number in ``text``; ``where`` names the file in errors. A
    line that only looks like the key (inside a multi-line string) is never taken: each
    edit must parse back to the intended document."""
    if not changes:
        return text
    lines = text.splitlines(keepends=True)
    candidates = _candidates(lines, changes)
    old = tomllib.loads(text)
    done: dict[KeyPath, float] = {}
    for path, value in changes.items():
        expected = _with_values(old, {**done, path: value})
        for i in candidates.get(path, []):
            edited = [
                *lines[:i],
                _replaced(lines[i], format_number(value, precision)),
                *lines[i + 1 :],
            ]
            if _parses_to("".join(edited), expected):
                lines = edited
                break
        else:
            raise CovtasksError(
                f"{'.'.join(path)}: --write changes only a `key = number` line below its "
                "table's [header] (not in an inline table or an array of tables): "
                "raise this one by hand",
                where,
            )
        done[path] = value
    return "".join(lines)


def _candidates(lines: list[str], changes: Mapping[KeyPath, float]) -> dict[KeyPath, list[int]]:
    """The lines that look like ``key = number`` for each key path, below its header."""
    table: KeyPath | None = ()
    found: dict[KeyPath, list[int]] = {}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            header = None if stripped.startswith("[[") else _header(stripped)
            if header is not None or stripped.startswith("[["):
                table = header
                continue
        match = _KEY_NUMBER.fullmatch(line.rstrip("\r\n"))
        if table is None or match is None:
            continue
        key = _key(match["key"].strip())
        full = (*table, *key) if key is not None else ()
        if full in changes:
            found.setdefault(full, []).append(i)
    return found


def _replaced(line: str, number: str) -> str:
    """``line`` (a ``key = number`` line) with its number replaced, its end kept."""
    body = line.rstrip("\r\n")
    match = _KEY_NUMBER.fullmatch(body)
    assert match is not None
    start, end = match.span("value")
    return body[:start] + number + body[end:] + line[len(body) :]


def _parses_to(text: str, expected: Mapping[str, Any]) -> bool:
    try:
        return tomllib.loads(text) == expected
    except tomllib.TOMLDecodeError:
        return False
