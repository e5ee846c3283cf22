"""The configuration schema: one table per TOML table, and the README's agrees with it."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from covtasks.config import (
    DOMAIN_KEYS,
    QUARANTINE_KEYS,
    STABLE_KEYS,
    TOP_KEYS,
    Config,
    Domain,
    Key,
    QuarantineEntry,
    StableConfig,
    parse_config,
)
from tests.helpers import REPO

TABLES = {"stable", "domains"}  # keys whose value is a table of keys of their own


def shown(key: Key) -> str:
    """The README's default cell for ``key``: its text, else the TOML default."""
    if key.shown:
        return key.shown
    if key.default is None:
        return "none"
    return f"`{json.dumps(key.default)}`"


def readme_rows() -> dict[str, str]:
    """key -> default, from the README's `[tool.covtasks]` reference table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration reference: `[tool.covtasks]`", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.*?) \| .* \|$", section, re.MULTILINE)
    return dict(rows)


def schema_rows() -> dict[str, str]:
    rows = {k.name: shown(k) for k in TOP_KEYS if k.name not in TABLES}
    rows.update({f"stable.{k.name}": shown(k) for k in STABLE_KEYS})
    rows.update({f"domains.NAME.{k.name}": shown(k) for k in DOMAIN_KEYS})
    return rows


def test_readme_table_has_the_schema_keys() -> None:
    assert sorted(readme_rows()) == sorted(schema_rows())


@pytest.mark.parametrize("name", sorted(schema_rows()))
def test_readme_default_is_the_schema_default(name: str) -> None:
    assert readme_rows()[name] == schema_rows()[name]


@pytest.mark.parametrize(
    ("keys", "fields"),
    [
        (TOP_KEYS, Config),
        (STABLE_KEYS, StableConfig),
        (DOMAIN_KEYS, Domain),
        (QUARANTINE_KEYS, QuarantineEntry),
    ],
)
def test_every_key_is_a_field_of_its_dataclass(keys: tuple[Key, ...], fields: type) -> None:
    assert {k.name for k in keys} <= {f.name for f in dataclasses.fields(fields)}
    assert all(k.help for k in keys)


def test_dataclass_defaults_are_the_schema_defaults(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    file = tmp_path / "pyproject.toml"
    parsed = parse_config({"tool": {"covtasks": {"source": ["pkg"]}}}, tmp_path, file)
    built = Config(root=tmp_path, file=file, source=("pkg",))
    defaults = {"metrics", "trend", "job_dir", "durations"}  # paths: the dataclass's are relative
    assert {f: getattr(parsed, f) for f in Config.__dataclass_fields__ if f not in defaults} == {
        f: getattr(built, f) for f in Config.__dataclass_fields__ if f not in defaults
    }
    for name in sorted(defaults):
        assert getattr(parsed, name) == (tmp_path / getattr(built, name)).resolve()
