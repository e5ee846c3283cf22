"""``gate --suggest --write``: the thresholds the current figures support, raised in
pyproject.toml.

Only thresholds the file sets are rewritten (``fail_under`` overall and per domain,
``file_fail_under`` where set), only upward: a floor is never lowered, and a
threshold the figures fail stays as it is. The edit is covtasks.tomledit's, which
keeps every other byte of the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from covtasks.config import Config, Domain
from covtasks.constants import OVERALL
from covtasks.figures import Analysis, display_percent, floor_percent, should_fail_under
from covtasks.release import Figures, per_file, suggestion
from covtasks.tomledit import KeyPath

TOP = ("tool", "covtasks")


@dataclass(frozen=True)
class Raise:
    """One threshold the figures support raising: its key path, old and new value."""

    path: KeyPath
    old: float
    new: float

    @property
    def key(self) -> str:
        return ".".join(self.path)


def lowest_file(analysis: Analysis, scope: str) -> float | None:
    """The lowest percent of a file with statements in ``scope`` (overall or a domain)."""
    files = analysis.per_file if scope == OVERALL else analysis.domain(scope).files
    percents = [analysis.per_file[f].percent for f in files if analysis.per_file[f].total]
    return min(percents, default=None)


def _set(doc: Mapping[str, Any], path: KeyPath) -> object:
    node: Any = doc
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    return node


def _candidates(figures: Figures, cfg: Config) -> Iterator[tuple[KeyPath, str, float | None]]:
    """(key path, scope, figure) of every threshold: fail_under from the scope's figure,
    file_fail_under from its lowest file (None: it has no file with statements)."""
    analysis = per_file(figures, cfg) if _uses_files(cfg) else None
    yield (*TOP, "fail_under"), OVERALL, figures.overall
    if analysis is not None and cfg.file_fail_under is not None:
        yield (*TOP, "file_fail_under"), OVERALL, lowest_file(analysis, OVERALL)
    for domain in cfg.domains:
        at = (*TOP, "domains", domain.name)
        yield (*at, "fail_under"), domain.name, figures.domains.get(domain.name)
        if analysis is not None and domain.file_fail_under is not None:
            yield (*at, "file_fail_under"), domain.name, lowest_file(analysis, domain.name)


def _uses_files(cfg: Config) -> bool:
    return cfg.file_fail_under is not None or any(
        d.file_fail_under is not None for d in cfg.domains
    )


def raises(figures: Figures, cfg: Config, doc: Mapping[str, Any]) -> list[Raise]:
    """The thresholds set in ``doc`` (the parsed pyproject.toml) that the figures pass
    and support raising, each to the highest value they pass at ``precision``."""
    found: list[Raise] = []
    for path, _scope, figure in _candidates(figures, cfg):
        old = _set(doc, path)
        if figure is None or isinstance(old, bool) or not isinstance(old, (int, float)):
            continue
        if should_fail_under(figure, old, cfg.precision):
            continue  # failing now: never lowered, and not raised either
        new = floor_percent(figure, cfg.precision)
        if new > old:
            found.append(Raise(path, float(old), new))
    return found


def file_line(key: str, scope: str, lowest: float, configured: float, precision: int) -> str:
    """A ``--suggest`` line for a ``file_fail_under`` (pure), like release.suggestion's."""
    if should_fail_under(lowest, configured, precision):
        return (
            f"# {key} = {configured:g} fails: a file of {scope} is at "
            f"{display_percent(lowest, precision)}%; raise the coverage (--suggest never "
            "lowers a threshold)"
        )
    return f"{key} = {max(floor_percent(lowest, precision), configured):g}  # now {configured:g}"


def suggestions(figures: Figures, cfg: Config) -> list[str]:
    """TOML lines with the highest thresholds the current figures pass."""
    lines: dict[KeyPath, str] = {}
    for path, scope, figure in _candidates(figures, cfg):
        if path[-1] == "fail_under" and figure is not None:
            configured = cfg.fail_under if scope == OVERALL else _domain(cfg, scope).fail_under
            lines[path] = suggestion(scope, figure, configured, cfg.precision)
        elif figure is not None:
            setting = (
                cfg.file_fail_under if scope == OVERALL else _domain(cfg, scope).file_fail_under
            )
            assert setting is not None  # _candidates yields only the keys that are set
            lines[path] = file_line(path[-1], scope, figure, setting, cfg.precision)
    result = ["[tool.covtasks]", *(v for k, v in lines.items() if len(k) == 3)]
    for domain in cfg.domains:
        here = [v for k, v in lines.items() if k[3:4] == (domain.name,) and len(k) == 5]
        if here:
            result += ["", f"[tool.covtasks.domains.{domain.name}]", *here]
    return result


def _domain(cfg: Config, name: str) -> Domain:
    return next(d for d in cfg.domains if d.name == name)
