"""Strict decoding of the files covtasks did not write in this run: untrusted input.

Job artifacts come from other CI jobs (on pull requests, possibly from forks); trend,
metrics and configuration files are edited by hand. Each reader checks its own keys;
this module turns the text-level problems every reader shares into one
:class:`BadInput` message: bytes that are not UTF-8, a byte-order mark, a JSON object
with a key twice (``json`` would silently keep the last), nesting too deep for the
parser, a number too long to convert, a path that is a symbolic link or a directory.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TypeGuard

_BOM = b"\xef\xbb\xbf"


class BadInput(ValueError):
    """What is wrong with a file's text, in words (the caller names the file)."""


def decode(data: bytes) -> str:
    """``data`` as UTF-8 text, without a byte-order mark."""
    if data.startswith(_BOM):
        raise BadInput("starts with a UTF-8 byte-order mark (BOM): save it as UTF-8 without one")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(
            f"not UTF-8: byte 0x{data[exc.start]:02x} on line {line} can't be decoded; "
            "save it as UTF-8"
        ) from exc


def _unique_keys(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise BadInput(f"key {name!r} appears twice in one object")
        result[name] = value
    return result


def parse_json(text: str) -> Any:
    """Parse JSON text, refusing duplicate keys; ``NaN`` and ``Infinity`` parse as floats
    (each reader refuses a non-finite figure by its key: see :func:`finite`)."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise BadInput(str(exc)) from exc
    except RecursionError as exc:
        raise BadInput("nested too deeply to be read") from exc
    except ValueError as exc:  # Python's limit on the digits of an int
        if isinstance(exc, BadInput):
            raise
        raise BadInput(f"a number is too long to be read ({str(exc).split(':')[0]})") from exc


def regular_file(path: Path) -> None:
    """Refuse a path that is a symbolic link or not a regular file (missing: the caller's
    own message). Untrusted directories may hold links pointing anywhere."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror}") from exc
    if stat.S_ISLNK(mode):
        raise BadInput("is a symbolic link: covtasks reads only regular files here")
    if stat.S_ISDIR(mode):
        raise BadInput("is a directory, expected a file")
    if not stat.S_ISREG(mode):
        raise BadInput("is not a regular file")


def read_text(path: Path) -> str:
    """The UTF-8 text of the regular file ``path`` (OSError when it can't be opened)."""
    regular_file(path)
    return decode(path.read_bytes())


def read_json(path: Path) -> Any:
    """The parsed JSON of the regular file ``path`` (OSError when it can't be opened)."""
    return parse_json(read_text(path))


def finite(value: object) -> TypeGuard[float]:
    """A finite int or float, not a bool (JSON's NaN and Infinity are not figures)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # An int is finite however long (math.isfinite would convert it to a float first,
    # and overflow past 1e308).
    return isinstance(value, int) or math.isfinite(value)


def percent(value: object) -> TypeGuard[float]:
    """A figure from 0 to 100."""
    return finite(value) and 0 <= value <= 100


def whole(value: object) -> bool:
    """A whole number >= 0 (an int, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
