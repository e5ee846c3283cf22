"""Tests for covtasks.trendview: the trend table, Markdown, SVG chart and badge."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from coverage.results import should_fail_under as coverage_should_fail_under

from covtasks.config import Config, Domain
from covtasks.gate import evaluate_figures
from covtasks.trend import Baseline, baselines, make_entry
from covtasks.trendview import (
    Cell,
    TrendRow,
    cell,
    chart_data,
    delta,
    domain_names,
    markdown_table,
    overall_badge,
    overall_badge_json,
    rows,
    table,
    thresholds,
)
from tests.helpers import BASIC_FILES, Project, run_cli

ProjectFactory = Callable[..., Project]
SVG = "{http://www.w3.org/2000/svg}"
TREND = "tests/coverage_reports/trends/coverage_trend.json"

FLAT: dict[str, Any] = {"date": "2026-11-25", "overall": 75.0, "governance": 70.0}
CURRENT = make_entry(
    date="2026-11-26",
    timestamp="2026-11-26T10:00:00+00:00",
    commit="abcdef0123456789",
    overall=80.0,
    domains={"governance": 72.5, "security": 90.0},
    flaky=1,
)
LATEST = make_entry(
    date="2026-11-27",
    timestamp="2026-11-27T10:00:00+00:00",
    commit="0123456789abcdef",
    overall=79.6,
    domains={"governance": 72.5, "security": 91.25},
    flaky=0,
)
HISTORY = baselines([FLAT, CURRENT, LATEST])


def baseline(overall: float, commit: str | None = None, **domains: float) -> Baseline:
    return Baseline(date="2026-11-27", commit=commit, overall=overall, domains=domains)


# --- pure core --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("87.50", "86.25", "+1.25"),
        ("86.10", "86.50", "-0.40"),
        ("86.50", "86.50", "="),
        ("87", "86", "+1"),
        ("0.0", "100.0", "-100.0"),
    ],
)
def test_delta_formatting(current: str, previous: str, expected: str) -> None:
    assert delta(current, previous) == expected


@pytest.mark.parametrize(
    ("value", "previous", "precision", "text"),
    [
        (87.5, 86.25, 2, "87.50 (+1.25)"),
        (87.5, None, 2, "87.50"),
        (87.504, 87.499, 2, "87.50 (=)"),
        (86.1, 86.5, 1, "86.1 (-0.4)"),
        (99.999, 99.0, 2, "99.99 (+0.99)"),
        (87.6, 86.2, 0, "88 (+2)"),
    ],
    ids=["up", "first", "equal-when-shown", "down", "never-shows-100", "precision-0"],
)
def test_cell_text(value: float, previous: float | None, precision: int, text: str) -> None:
    assert cell(value, previous, precision).text == text


def test_rows_mix_flat_and_current_entries() -> None:
    got = [
        (r.date, r.commit, r.overall.text, {k: c.text for k, c in r.domains.items()})
        for r in rows(HISTORY, 10, 2)
    ]
    assert got == [
        ("2026-11-25", "-", "75.00", {"governance": "70.00"}),
        (
            "2026-11-26",
            "abcdef0",
            "80.00 (+5.00)",
            {"governance": "72.50 (+2.50)", "security": "90.00"},
        ),
        (
            "2026-11-27",
            "0123456",
            "79.60 (-0.40)",
            {"governance": "72.50 (=)", "security": "91.25 (+1.25)"},
        ),
    ]


def test_rows_keep_the_last_n_with_deltas_against_older_baselines() -> None:
    assert [r.overall.text for r in rows(HISTORY, 1, 2)] == ["79.60 (-0.40)"]


def test_rows_refuse_last_below_one() -> None:
    with pytest.raises(ValueError, match="last must be >= 1"):
        rows(HISTORY, 0, 2)


def test_domain_names_are_the_union_in_order_of_appearance() -> None:
    history = [baseline(1, b=1), baseline(2, a=1, b=2), baseline(3, c=1)]
    assert domain_names(rows(history, 10, 2)) == ["b", "a", "c"]


def test_table_leaves_a_blank_where_a_baseline_lacks_a_domain() -> None:
    lines = table(rows(HISTORY, 10, 2)).splitlines()
    assert lines[0].split() == ["Date", "Commit", "overall", "governance", "security", "flaky"]
    assert lines[2].split() == ["2026-11-25", "-", "75.00", "70.00"]


def test_table_has_no_flaky_column_when_no_entry_has_it() -> None:
    header = table(rows(baselines([FLAT]), 10, 2)).splitlines()[0]
    assert header.split() == ["Date", "Commit", "overall", "governance"]


def test_markdown_table() -> None:
    assert markdown_table(rows(HISTORY, 2, 2)) == "\n".join(
        [
            "| Date | Commit | overall | governance | security | flaky |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
            "| 2026-11-26 | abcdef0 | 80.00 (+5.00) | 72.50 (+2.50) | 90.00 | 1 |",
            "| 2026-11-27 | 0123456 | 79.60 (-0.40) | 72.50 (=) | 91.25 (+1.25) | 0 |",
        ]
    )


def test_chart_data_labels_and_series() -> None:
    labels, series = chart_data(rows(HISTORY, 10, 2))
    assert (labels, series) == (
        ["2026-11-25", "2026-11-26 abcdef0", "2026-11-27 0123456"],
        {
            "overall": [75.0, 80.0, 79.6],
            "governance": [70.0, 72.5, 72.5],
            "security": [None, 90.0, 91.25],
        },
    )


def test_row_label_without_commit_is_the_date() -> None:
    row = TrendRow("2026-11-27", "-", Cell(1.0, "1.00"), {})
    assert row.label == "2026-11-27"


def test_thresholds_of_charted_series_only() -> None:
    cfg = Config(
        root=Path("/p"),
        file=Path("/p/pyproject.toml"),
        source=("pkg",),
        fail_under=80,
        domains=(
            Domain("governance", ("g/**",), fail_under=85),
            Domain("security", ("s/**",)),
            Domain("tasks", ("t/**",), fail_under=70),
        ),
    )
    assert thresholds(cfg, ["overall", "governance", "security"]) == {
        "overall": 80,
        "governance": 85,
    }


def test_no_overall_threshold_line_at_zero() -> None:
    cfg = Config(root=Path("/p"), file=Path("/p/pyproject.toml"), source=("pkg",))
    assert thresholds(cfg, ["overall"]) == {}


BADGE_PASS, BADGE_RED = "#4c1", "#e05d44"


def badge_fill(svg: str) -> str:
    root = ET.fromstring(svg)
    rect = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "badge-value")
    return rect.get("fill") or ""


def badge_title(svg: str) -> str:
    return ET.fromstring(svg).findtext(f"{SVG}title") or ""


def threshold_boundaries() -> list[tuple[float, float, int]]:
    """Figures on, just below and just above every rounding edge of each threshold."""
    cases = []
    for precision in (0, 1, 2):
        half = 0.5 / 10**precision
        for threshold in (0.0, 50.0, 80.0, 80.5, 99.99, 100.0):
            edges = (threshold - half, threshold)
            for pc in [edge + nudge for edge in edges for nudge in (-1e-9, 0.0, 1e-9)]:
                if 0 <= pc <= 100:
                    cases.append((pc, threshold, precision))
    return [*cases, (79.996, 80.0, 2), (79.994, 80.0, 2)]


def threshold_config(fail_under: float, precision: int) -> Config:
    return Config(
        root=Path("/p"),
        file=Path("/p/pyproject.toml"),
        source=("pkg",),
        fail_under=fail_under,
        precision=precision,
    )


@pytest.mark.parametrize(("pc", "fail_under", "precision"), threshold_boundaries())
def test_badge_colour_is_the_gates_verdict_at_every_threshold_boundary(
    pc: float, fail_under: float, precision: int
) -> None:
    cfg = threshold_config(fail_under, precision)
    passed = evaluate_figures(pc, {}, {}, fail_under, precision).passed
    assert passed is not coverage_should_fail_under(pc, fail_under, precision)
    badge = overall_badge(pc, cfg)
    assert badge_fill(badge) == (BADGE_PASS if passed else BADGE_RED)
    # The text agrees with the colour: a passing badge never reads below the threshold,
    # a failing one never at or above it.
    shown = float(badge_title(badge).removeprefix("coverage: ").removesuffix("%"))
    assert (shown >= fail_under) is passed or (not passed and shown < fail_under)


# shields.io's endpoint schema (https://shields.io/badges/endpoint-badge): the keys it
# documents and their JSON types; schemaVersion is always 1, message is never empty.
SHIELDS_ENDPOINT = {
    "schemaVersion": int,
    "label": str,
    "message": str,
    "color": str,
    "labelColor": str,
    "isError": bool,
    "namedLogo": str,
    "logoSvg": str,
    "logoColor": str,
    "logoWidth": int,
    "style": str,
    "cacheSeconds": int,
}
SHIELDS_REQUIRED = {"schemaVersion", "label", "message"}


def assert_shields_endpoint(doc: Any) -> None:
    assert isinstance(doc, dict)
    assert SHIELDS_REQUIRED <= set(doc) <= set(SHIELDS_ENDPOINT)
    assert all(type(doc[key]) is SHIELDS_ENDPOINT[key] for key in doc)
    assert (doc["schemaVersion"], doc["message"] != "") == (1, True)


@pytest.mark.parametrize(("pc", "fail_under", "precision"), threshold_boundaries())
def test_badge_json_says_what_the_svg_badge_says(
    pc: float, fail_under: float, precision: int
) -> None:
    cfg = threshold_config(fail_under, precision)
    doc = overall_badge_json(pc, cfg)
    assert_shields_endpoint(doc)
    svg = overall_badge(pc, cfg)
    assert f"{doc['label']}: {doc['message']}" == badge_title(svg)
    assert doc["color"] == badge_fill(svg)


def test_cli_badge_json_is_a_shields_endpoint_document(project: ProjectFactory) -> None:
    top = "fail_under = 80\n        precision = 2"
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50", top, 1)
    doc = {"format": 1, "baselines": [{**LATEST, "overall": 79.996}]}
    proj = project(extra={"pyproject.toml": toml, TREND: json.dumps(doc)})
    result = run_cli(proj.root, "trend", "--badge-json", "out/badge.json")
    assert result.returncode == 0, result.stderr
    assert "badge-json: out/badge.json" in result.stdout.splitlines()
    written = json.loads(proj.path("out/badge.json").read_text(encoding="utf-8"))
    assert_shields_endpoint(written)
    assert written == {
        "schemaVersion": 1,
        "label": "coverage",
        "message": "80.00%",
        "color": BADGE_PASS,
    }


def test_cli_badge_json_is_red_below_the_gate(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50", "fail_under = 90", 1)
    proj = project(
        extra={"pyproject.toml": toml, TREND: json.dumps({"format": 1, "baselines": [LATEST]})}
    )
    assert run_cli(proj.root, "trend", "--badge-json", "b.json").returncode == 0
    written = json.loads(proj.path("b.json").read_text(encoding="utf-8"))
    assert (written["message"], written["color"]) == ("79%", BADGE_RED)


# --- the command, in a subprocess ---------------------------------------------------------


@pytest.fixture
def with_trend(project: ProjectFactory) -> Project:
    """The basic project with a trend of one flat and two current entries."""
    doc = {"format": 1, "baselines": [FLAT, CURRENT, LATEST]}
    return project(extra={TREND: json.dumps(doc)})


def svg_root(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_cli_renders_mixed_flat_and_current_entries(with_trend: Project) -> None:
    result = with_trend.run("trend")
    assert (result.returncode, result.stdout.splitlines()[-1].split()) == (
        0,
        ["2026-11-27", "0123456", "79.60", "(-0.40)", "72.50", "(=)", "91.25", "(+1.25)", "0"],
    )


@pytest.mark.slow
def test_cli_markdown_prints_only_the_table(with_trend: Project) -> None:
    result = with_trend.run("trend", "--markdown", "--last", "2")
    assert result.stdout == markdown_table(rows(HISTORY, 2, 2)) + "\n"


@pytest.mark.slow
def test_cli_svg_has_one_series_per_domain_plus_overall(with_trend: Project) -> None:
    assert with_trend.run("trend", "--svg", "out/trend.svg").returncode == 0
    root = svg_root(with_trend.path("out/trend.svg"))
    names = [g.get("data-series") for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    assert names == ["overall", "governance", "security"]


@pytest.mark.slow
def test_cli_svg_draws_the_configured_thresholds(with_trend: Project) -> None:
    with_trend.run("trend", "--svg", "trend.svg")
    root = svg_root(with_trend.path("trend.svg"))
    lines = [
        el.get("data-series") for el in root.iter(f"{SVG}line") if el.get("class") == "threshold"
    ]
    assert lines == ["overall", "governance", "security"]


@pytest.mark.slow
def test_cli_badge_shows_the_latest_overall(with_trend: Project) -> None:
    assert with_trend.run("trend", "--badge", "badge.svg").returncode == 0
    assert svg_root(with_trend.path("badge.svg")).findtext(f"{SVG}title") == "coverage: 79%"


@pytest.mark.slow
def test_cli_badge_is_green_when_the_gate_passes_a_figure_below_the_threshold(
    project: ProjectFactory,
) -> None:
    """79.996% against fail_under 80 at precision 2 passes the gate (it is 80.00)."""
    top = "fail_under = 80\n        precision = 2"
    toml = BASIC_FILES["pyproject.toml"].replace("fail_under = 50", top, 1)
    entry = {**LATEST, "overall": 79.996}
    doc = {"format": 1, "baselines": [entry]}
    proj = project(extra={"pyproject.toml": toml, TREND: json.dumps(doc)})
    assert proj.run("trend", "--badge", "badge.svg").returncode == 0
    badge = proj.path("badge.svg").read_text(encoding="utf-8")
    assert (badge_fill(badge), badge_title(badge)) == (BADGE_PASS, "coverage: 80.00%")


@pytest.mark.slow
def test_cli_without_a_trend_file_exits_2(project: ProjectFactory) -> None:
    result = project().run("trend")
    assert (result.returncode, result.stderr) == (
        2,
        f"covtasks: error: {TREND}: no trend file yet: run `covtasks run` to record the "
        "first baseline\n",
    )


@pytest.mark.slow
def test_cli_with_the_trend_turned_off_exits_2(project: ProjectFactory) -> None:
    toml = BASIC_FILES["pyproject.toml"].replace(
        "workers = 2", "workers = 2\n        trend = false"
    )
    result = project(extra={"pyproject.toml": toml}).run("trend")
    assert (result.returncode, result.stderr) == (
        2,
        "covtasks: error: pyproject.toml: tool.covtasks.trend: the trend is turned off "
        "(trend = false); set trend to a path to record one\n",
    )


@pytest.mark.slow
def test_cli_refuses_last_zero(with_trend: Project) -> None:
    result = with_trend.run("trend", "--last", "0")
    assert (result.returncode, "--last: expected a whole number >= 1" in result.stderr) == (2, True)
