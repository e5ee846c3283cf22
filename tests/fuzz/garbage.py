"""Hypothesis strategies for structured garbage: valid-looking documents with any value
of any type in any position, deep nesting, truncated and bit-flipped bytes.

Each reader's fuzz test starts from a valid document of its kind (a *skeleton*) and
draws one of these mutations of it, so most inputs get past the first check and reach
the later ones.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy[Any]], Any]

# Short keys and strings, with the characters the readers care about.
_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
keys = st.one_of(
    st.sampled_from(["", "a", "..", "/", "format", "job", "overall", "domains", "nan"]),
    st.text(_CHARS, max_size=8),
)
texts = st.one_of(
    st.sampled_from(["", " ", "..", "../x", "/etc/passwd", "a\nb", "pkg", "any", "NaN", "1"]),
    st.text(_CHARS, max_size=12),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-1, max_value=101),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, 99, 100, 100.0001, -0.0, 10**30, 10**400]),
)

json_scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(keys, kids, max_size=4)),
    max_leaves=12,
)

toml_scalars = st.one_of(
    st.booleans(),
    numbers.filter(lambda n: not isinstance(n, int) or abs(n) < 2**63),
    texts,
    st.dates(),
    st.datetimes(),
    st.times(),
)
toml_values: st.SearchStrategy[Any] = st.recursive(
    toml_scalars,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(keys, kids, max_size=4)),
    max_leaves=12,
)


def paths_of(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a nested dict/list document (the root is ``()``)."""
    found = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += paths_of(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += paths_of(v, (*prefix, i))
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return doc


class Deep:
    """``value`` inside ``depth`` nested arrays, written out as text by :func:`to_json`
    and :func:`to_toml` (nested Python lists that deep would break the printers)."""

    def __init__(self, value: Any, depth: int) -> None:
        self.value = value
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.value!r}, depth={self.depth})"


def _placeholders(doc: Any, found: list[Deep]) -> Any:
    """``doc`` with every :class:`Deep` replaced by a placeholder string."""
    if isinstance(doc, Deep):
        found.append(doc)
        return f"@@deep{len(found) - 1}@@"
    if isinstance(doc, dict):
        return {k: _placeholders(v, found) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_placeholders(v, found) for v in doc]
    return doc


def _write(doc: Any, dump: Callable[[Any], str]) -> str:
    found: list[Deep] = []
    text = dump(_placeholders(doc, found))
    for i, deep in reversed(list(enumerate(found))):
        inner = "[" * deep.depth + _write(deep.value, dump) + "]" * deep.depth
        text = text.replace(dump(f"@@deep{i}@@"), inner)
    return text


@st.composite
def mutated(draw: Draw, skeleton: Any, values: st.SearchStrategy[Any]) -> Any:
    """``skeleton`` (a valid document) with one to three positions changed: a value
    replaced by any value, a key removed or added, a value nested deeply."""
    doc = _copy(skeleton)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths_of(doc)))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "nest"]))
        if action == "delete" and path:
            doc = _delete(doc, path)
        elif action == "add":
            target = doc
            for step in path:
                target = target[step]
            if isinstance(target, dict):
                target[draw(keys)] = draw(values)
            elif isinstance(target, list):
                target.append(draw(values))
        elif action == "nest":
            depth = draw(st.sampled_from([2, 50, 1000, 5000]))
            doc = _set(doc, path, Deep(draw(values), depth))
        else:
            doc = _set(doc, path, draw(values))
    return doc


def _copy(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _copy(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_copy(v) for v in doc]
    return doc


@st.composite
def damaged(draw: Draw, data: bytes) -> bytes:
    """``data`` truncated, bit-flipped, with bytes overwritten, or a prefix repeated."""
    out = bytearray(data)
    action = draw(st.sampled_from(["truncate", "flip", "flip", "overwrite", "bom", "repeat"]))
    if action == "truncate":
        return bytes(out[: draw(st.integers(min_value=0, max_value=max(len(out) - 1, 0)))])
    if not out:
        return bytes(out)
    if action == "flip":
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            i = draw(st.integers(min_value=0, max_value=len(out) - 1))
            out[i] ^= 1 << draw(st.integers(min_value=0, max_value=7))
    elif action == "overwrite":
        i = draw(st.integers(min_value=0, max_value=len(out) - 1))
        junk = draw(st.binary(min_size=1, max_size=64))
        out[i : i + len(junk)] = junk
    elif action == "bom":
        out[0:0] = b"\xef\xbb\xbf"
    else:
        i = draw(st.integers(min_value=0, max_value=len(out) - 1))
        out[i:i] = out[:i]
    return bytes(out)


def to_json(doc: Any) -> str:
    """JSON text as a hand editor or another tool might write it (NaN and Infinity
    included)."""
    return _write(doc, lambda d: json.dumps(d, allow_nan=True, default=str))


def to_toml(doc: Any) -> str:
    """A TOML document: each top-level key as ``"key" = <inline value>`` (a document
    that is not a table becomes the value of ``tool``)."""
    table = doc if isinstance(doc, dict) else {"tool": doc}
    return "".join(f"{_toml_key(k)} = {_write(v, _toml_value)}\n" for k, v in table.items())


def _toml_key(key: str) -> str:
    return json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return json.dumps(str(value))
