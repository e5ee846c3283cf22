"""The strict decoding of untrusted files (covtasks/strict.py), from tables."""

from __future__ import annotations

import math
import re

import pytest

from covtasks import strict


@pytest.mark.parametrize(
    ("value", "finite", "percent", "whole"),
    [
        (0, True, True, True),
        (100, True, True, True),
        (100.5, True, False, False),
        (-1, True, False, False),
        (2.5, True, True, False),
        (True, False, False, False),
        ("1", False, False, False),
        (None, False, False, False),
        (math.nan, False, False, False),
        (math.inf, False, False, False),
        # Found by the fuzzer: math.isfinite(10**400) raises OverflowError.
        (10**400, True, False, True),
        (-(10**400), True, False, False),
    ],
)
def test_number_kinds(value: object, finite: bool, percent: bool, whole: bool) -> None:
    assert strict.finite(value) is finite
    assert strict.percent(value) is percent
    assert strict.whole(value) is whole


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbfa = 1", "starts with a UTF-8 byte-order mark (BOM)"),
        (b"a = 1\n# caf\xe9\n", "not UTF-8: byte 0xe9 on line 2 can't be decoded"),
        ("a = 1".encode("utf-16"), "not UTF-8: byte 0xff on line 1"),
    ],
)
def test_decode_refuses(data: bytes, message: str) -> None:
    with pytest.raises(strict.BadInput, match="^" + re.escape(message)):
        strict.decode(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "key 'a' appears twice in one object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply to be read"),
        ("9" * 5000, "a number is too long to be read"),
        ("{", "Expecting property name"),
    ],
)
def test_parse_json_refuses(text: str, message: str) -> None:
    with pytest.raises(strict.BadInput, match=message):
        strict.parse_json(text)


def test_parse_json_keeps_nan_for_the_reader_to_name() -> None:
    assert math.isnan(strict.parse_json('{"x": NaN}')["x"])
