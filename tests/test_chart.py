"""Tests for covtasks.chart: SVG trend charts and badges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

import pytest

from covtasks.chart import render_badge, render_trend_svg

NS = "http://www.w3.org/2000/svg"
SVG = f"{{{NS}}}"
LABELS = ["2026-11-25 aaaaaaa", "2026-11-26 bbbbbbb", "2026-11-27 ccccccc"]
SERIES: dict[str, list[float | None]] = {
    "governance": [70.0, 75.5, 87.5],
    "overall": [80.0, 82.25, 85.0],
    "tasks": [60.0, None, 65.0],
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def chart(
    labels: Sequence[str] = LABELS,
    series: Mapping[str, Sequence[float | None]] = SERIES,
    *,
    title: str = "Coverage trend",
    thresholds: Mapping[str, float] | None = None,
) -> ET.Element:
    return parse(render_trend_svg(labels, series, title=title, thresholds=thresholds))


def series_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]


def group_for(root: ET.Element, name: str) -> ET.Element:
    (group,) = [g for g in series_groups(root) if g.get("data-series") == name]
    return group


def texts_with_class(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == cls]


def legend_texts(root: ET.Element) -> list[str]:
    (legend,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    return [t.text or "" for t in legend.iter(f"{SVG}text")]


# --- trend chart -----------------------------------------------------------------------


def test_chart_root_is_svg_element() -> None:
    assert chart().tag == f"{SVG}svg"


def test_chart_has_size_and_viewbox() -> None:
    root = chart()
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_chart_has_one_group_per_series() -> None:
    assert sorted(g.get("data-series") or "" for g in series_groups(chart())) == sorted(SERIES)


def test_overall_series_is_drawn_first() -> None:
    assert series_groups(chart())[0].get("data-series") == "overall"


def test_other_series_keep_mapping_order() -> None:
    names = [g.get("data-series") for g in series_groups(chart())]
    assert names[1:] == ["governance", "tasks"]


def stroke_width(group: ET.Element) -> float:
    return float(group.findall(f"{SVG}polyline")[0].get("stroke-width", "0"))


def test_overall_line_is_thicker() -> None:
    root = chart()
    assert stroke_width(group_for(root, "overall")) > stroke_width(group_for(root, "governance"))


def test_series_get_distinct_colours() -> None:
    colours = [g.get("stroke") for g in series_groups(chart())]
    assert len(set(colours)) == len(colours)


def test_palette_cycles_for_many_series() -> None:
    many = {f"s{i}": [50.0, 60.0, 70.0] for i in range(20)}
    assert len(series_groups(chart(series=many))) == 20


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0], 1),
        ([1.0, 2.0, None, 4.0, 5.0], 2),
        ([1.0, None, None, 4.0, 5.0], 1),
        ([None, 2.0, 3.0, 4.0, None], 1),
        ([1.0, None, 3.0, None, 5.0], 0),
        ([None, None, None, None, None], 0),
    ],
)
def test_gaps_split_polylines(values: list[float | None], expected: int) -> None:
    labels = [f"b{i}" for i in range(5)]
    group = group_for(chart(labels, {"s": values}), "s")
    assert len(group.findall(f"{SVG}polyline")) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1.0, None, 3.0], 2), ([None, 50.0, None], 1), ([10.0, 20.0, 30.0], 3), ([None] * 3, 0)],
)
def test_every_present_point_gets_a_marker(values: list[float | None], expected: int) -> None:
    group = group_for(chart(["a", "b", "c"], {"s": values}), "s")
    assert len(group.findall(f"{SVG}circle")) == expected


def test_marker_tooltip_names_series_label_and_value() -> None:
    group = group_for(chart(), "governance")
    tips = [c.findtext(f"{SVG}title") for c in group.findall(f"{SVG}circle")]
    assert tips[-1] == "governance 2026-11-27 ccccccc: 87.50%"


def test_coordinates_have_at_most_two_decimals() -> None:
    root = chart(series={"s": [33.333333, 66.666666, 12.3456789]})
    points = " ".join(p.get("points", "") for p in root.iter(f"{SVG}polyline"))
    numbers = points.replace(",", " ").split()
    assert all(len(n.partition(".")[2]) <= 2 for n in numbers)


@pytest.mark.parametrize("text", ['a<b & "c"', "<script>", "x&amp;y", "it's > 1"])
def test_series_name_escaping_round_trips(text: str) -> None:
    assert group_for(chart(["a"], {text: [50.0]}), text).get("data-series") == text


@pytest.mark.parametrize("text", ['v1 <b> & "c"', "a&b"])
def test_label_escaping_round_trips(text: str) -> None:
    assert texts_with_class(chart([text], {"s": [50.0]}), "x-label") == [text]


def test_title_escaping_round_trips() -> None:
    assert chart(title='A & <B> "C"').findtext(f"{SVG}title") == 'A & <B> "C"'


def test_legend_shows_latest_value() -> None:
    assert "governance 87.50%" in legend_texts(chart())


def test_legend_skips_trailing_missing_value() -> None:
    root = chart(series={"s": [50.0, 62.5, None]})
    assert legend_texts(root) == ["s 62.50%"]


def test_legend_lists_every_series() -> None:
    assert len(legend_texts(chart())) == len(SERIES)


def test_empty_input_says_no_baselines_yet() -> None:
    assert texts_with_class(chart([], {}), "empty") == ["no baselines yet"]


def test_empty_labels_with_series_draw_no_series() -> None:
    assert series_groups(chart([], {"overall": []})) == []


def test_single_label_renders_one_marker() -> None:
    group = group_for(chart(["only"], {"overall": [42.0]}), "overall")
    assert len(group.findall(f"{SVG}circle")) == 1


def test_many_labels_are_thinned() -> None:
    labels = [f"2026-01-01 {i:07x}" for i in range(250)]
    root = chart(labels, {"overall": [float(i % 100) for i in range(250)]})
    assert len(texts_with_class(root, "x-label")) <= 13


def test_thinned_labels_keep_first_and_last() -> None:
    labels = [f"L{i}" for i in range(250)]
    shown = texts_with_class(chart(labels, {"overall": [50.0] * 250}), "x-label")
    assert (shown[0], shown[-1]) == ("L0", "L249")


def test_many_labels_draw_every_point() -> None:
    root = chart([f"L{i}" for i in range(250)], {"overall": [50.0] * 250})
    assert len(group_for(root, "overall").findall(f"{SVG}circle")) == 250


def test_few_labels_are_all_shown() -> None:
    assert texts_with_class(chart(), "x-label") == LABELS


def test_long_x_label_is_shortened() -> None:
    label = "2026-11-27 " + "x" * 40
    (shown,) = texts_with_class(chart([label], {"s": [50.0]}), "x-label")
    assert len(shown) <= 24


def test_y_axis_gridline_labels() -> None:
    expected = ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert texts_with_class(chart(), "y-label") == expected


def test_threshold_lines_present() -> None:
    root = chart(thresholds={"overall": 80.0, "governance": 85.0})
    lines = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "threshold"]
    assert sorted(ln.get("data-series") or "" for ln in lines) == ["governance", "overall"]


def test_threshold_line_uses_series_colour() -> None:
    root = chart(thresholds={"governance": 85.0})
    (line,) = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "threshold"]
    assert line.get("stroke") == group_for(root, "governance").get("stroke")


def test_threshold_line_is_dashed() -> None:
    root = chart(thresholds={"overall": 80.0})
    (line,) = [ln for ln in root.iter(f"{SVG}line") if ln.get("class") == "threshold"]
    assert line.get("stroke-dasharray")


def test_no_thresholds_by_default() -> None:
    assert not [ln for ln in chart().iter(f"{SVG}line") if ln.get("class") == "threshold"]


@pytest.mark.parametrize("attr", ["href", f"{{{'http://www.w3.org/1999/xlink'}}}href"])
def test_chart_has_no_external_references(attr: str) -> None:
    assert not [el for el in chart().iter() if el.get(attr)]


def test_chart_has_no_script() -> None:
    assert list(chart().iter(f"{SVG}script")) == []


def test_mismatched_series_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="values for 3 labels"):
        render_trend_svg(LABELS, {"s": [1.0]})


# --- badge ---------------------------------------------------------------------------------


def badge_parts(svg: str) -> tuple[str, str]:
    root = parse(svg)
    value_rect = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "badge-value")
    value_text = [t.text or "" for t in root.iter(f"{SVG}text")][-1]
    return value_rect.get("fill") or "", value_text


@pytest.mark.parametrize(
    ("percent", "passed", "colour", "text"),
    [
        (87.5, None, "#97ca00", "87%"),
        (95.0, None, "#4c1", "95%"),
        (90.0, None, "#4c1", "90%"),
        (79.99, None, "#a4a61d", "79%"),
        (80.0, None, "#97ca00", "80%"),
        (65.0, None, "#dfb317", "65%"),
        (55.0, None, "#fe7d37", "55%"),
        (12.0, None, "#e05d44", "12%"),
        (0.0, None, "#e05d44", "0%"),
        (100.0, None, "#4c1", "100%"),
        (79.99, False, "#e05d44", "79%"),
        (79.99, True, "#4c1", "79%"),
        (80.0, True, "#4c1", "80%"),
        (95.0, False, "#e05d44", "95%"),
        (None, None, "#9f9f9f", "unknown"),
        (None, True, "#9f9f9f", "unknown"),
    ],
)
def test_badge_colour_and_text(
    percent: float | None, passed: bool | None, colour: str, text: str
) -> None:
    assert badge_parts(render_badge(percent, passed=passed)) == (colour, text)


@pytest.mark.parametrize(
    ("percent", "precision", "text"),
    [
        (79.99, 1, "79.9%"),
        (79.999, 2, "79.99%"),
        (0.29, 2, "0.29%"),
        (87.0, 2, "87.00%"),
        (99.999999999, 0, "99%"),
        (99.999999999, 2, "99.99%"),
        (100.0, 0, "100%"),
    ],
)
def test_badge_precision_truncates(percent: float, precision: int, text: str) -> None:
    assert badge_parts(render_badge(percent, precision=precision))[1] == text


def test_badge_root_is_svg_element() -> None:
    assert parse(render_badge(87.5)).tag == f"{SVG}svg"


def test_badge_has_two_coloured_rects() -> None:
    root = parse(render_badge(87.5))
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill")]) == 2


def test_badge_title_and_aria_label_agree() -> None:
    root = parse(render_badge(87.5, label="cov"))
    assert (root.findtext(f"{SVG}title"), root.get("aria-label")) == ("cov: 87%", "cov: 87%")


def test_badge_role_is_img() -> None:
    assert parse(render_badge(87.5)).get("role") == "img"


def test_badge_label_escaping_round_trips() -> None:
    root = parse(render_badge(50.0, label='a<b & "c"'))
    assert root.findtext(f"{SVG}title") == 'a<b & "c": 50%'


def test_badge_grows_with_label_length() -> None:
    short = float(parse(render_badge(50.0, label="c")).get("width", "0"))
    long = float(parse(render_badge(50.0, label="coverage of everything")).get("width", "0"))
    assert long > short


def test_badge_rejects_negative_precision() -> None:
    with pytest.raises(ValueError, match="precision"):
        render_badge(50.0, precision=-1)
