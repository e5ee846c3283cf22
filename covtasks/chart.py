"""Render coverage trend charts and badges as self-contained SVG.

Everything here is pure: functions take plain data and return SVG text. There is
no I/O, no external reference (fonts, images, scripts) and only the standard
library is used, so the output can be written to disk or inlined into HTML as is.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from covtasks.constants import OVERALL

SVG_NS = "http://www.w3.org/2000/svg"
# Okabe-Ito colour-blind-friendly palette (yellow dropped: too faint on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
UNKNOWN_COLOUR = "#666666"
GRID_VALUES = (0, 20, 40, 60, 80, 100)
LEFT, TOP, BOTTOM = 48.0, 44.0, 110.0
PLOT_W, PLOT_H = 600.0, 240.0
LEGEND_PAD, LEGEND_ROW, LEGEND_SWATCH = 24.0, 20.0, 18.0
CHAR_W = 7.0
MAX_X_LABELS = 12
MAX_LABEL_CHARS = 24
EMPTY_TEXT = "no baselines yet"

BADGE_GREY, BADGE_LABEL_BG = "#9f9f9f", "#555"
BADGE_RED, BADGE_PASS = "#e05d44", "#4c1"
BADGE_LABEL = "coverage"
BADGE_SCALE = (
    (90.0, "#4c1"),
    (80.0, "#97ca00"),
    (70.0, "#a4a61d"),
    (60.0, "#dfb317"),
    (50.0, "#fe7d37"),
)
BADGE_PAD = 10.0


class _Layout(NamedTuple):
    """Pixel geometry of one trend chart."""

    points: int
    width: float
    height: float

    def x(self, index: int) -> float:
        if self.points <= 1:
            return LEFT + PLOT_W / 2
        return LEFT + index * PLOT_W / (self.points - 1)


def _num(value: float) -> str:
    """Format a coordinate compactly: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _y(value: float) -> float:
    return TOP + PLOT_H * (1 - min(max(value, 0.0), 100.0) / 100)


def _clean(values: Sequence[float | None]) -> list[float | None]:
    """Treat NaN like a missing figure."""
    return [None if v is None or math.isnan(v) else float(v) for v in values]


def _ordered(names: Sequence[str]) -> list[str]:
    """Series names with "overall" first, the rest in their given order."""
    rest = [name for name in names if name != OVERALL]
    return [OVERALL, *rest] if OVERALL in names else rest


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Split values into runs of consecutive present points."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs


def _latest(values: Sequence[float | None]) -> float | None:
    return next((v for v in reversed(values) if v is not None), None)


def _legend_text(name: str, values: Sequence[float | None]) -> str:
    latest = _latest(values)
    return f"{name} {_pct(latest) if latest is not None else 'n/a'}"


def _label_indices(count: int) -> list[int]:
    """At most MAX_X_LABELS evenly spaced indices, always the first and last."""
    if count <= MAX_X_LABELS:
        return list(range(count))
    step = (count - 1) / (MAX_X_LABELS - 1)
    return sorted({round(k * step) for k in range(MAX_X_LABELS)})


def _short(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1] + "\u2026"


def _layout(count: int, legend_texts: Sequence[str]) -> _Layout:
    longest = max((len(text) for text in legend_texts), default=0)
    legend_w = max(120.0, LEGEND_SWATCH + 8 + CHAR_W * longest + 16)
    height = max(TOP + PLOT_H + BOTTOM, TOP + LEGEND_ROW * len(legend_texts) + 20)
    return _Layout(count, LEFT + PLOT_W + LEGEND_PAD + legend_w, height)


def _open_svg(layout: _Layout, title: str) -> list[str]:
    w, h = _num(layout.width), _num(layout.height)
    return [
        f'<svg xmlns="{SVG_NS}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{_esc(title)}" font-family="sans-serif" font-size="12">',
        f"<title>{_esc(title)}</title>",
        f'<rect width="{w}" height="{h}" fill="#fff"/>',
        f'<text class="chart-title" x="{_num(LEFT)}" y="24" font-size="16" '
        f'font-weight="bold">{_esc(title)}</text>',
    ]


def _grid() -> list[str]:
    out = ['<g class="grid" stroke="#ddd" stroke-width="1">']
    out += [
        f'<line x1="{_num(LEFT)}" y1="{_num(_y(v))}" x2="{_num(LEFT + PLOT_W)}" '
        f'y2="{_num(_y(v))}"/>'
        for v in GRID_VALUES
    ]
    out.append('</g><g class="y-axis" fill="#333" text-anchor="end">')
    out += [
        f'<text class="y-label" x="{_num(LEFT - 6)}" y="{_num(_y(v))}" dy="0.35em">{v}%</text>'
        for v in GRID_VALUES
    ]
    out.append("</g>")
    return out


def _x_labels(labels: Sequence[str], layout: _Layout) -> list[str]:
    out = ['<g class="x-axis" fill="#333">']
    y = _num(TOP + PLOT_H + 14)
    for index in _label_indices(len(labels)):
        x = _num(layout.x(index))
        out.append(
            f'<text class="x-label" x="{x}" y="{y}" transform="rotate(35 {x} {y})">'
            f"{_esc(_short(labels[index]))}</text>"
        )
    out.append("</g>")
    return out


def _threshold(name: str, value: float, colour: str) -> str:
    y = _num(_y(value))
    tip = _esc(f"{name} fail_under: {_pct(value)}")
    return (
        f'<line class="threshold" data-series="{_esc(name)}" x1="{_num(LEFT)}" y1="{y}" '
        f'x2="{_num(LEFT + PLOT_W)}" y2="{y}" stroke="{colour}" stroke-width="1.5" '
        f'stroke-dasharray="6 4"><title>{tip}</title></line>'
    )


def _series_group(
    name: str, values: Sequence[float | None], labels: Sequence[str], layout: _Layout, colour: str
) -> list[str]:
    thick = name == OVERALL
    stroke_w = "3" if thick else "1.5"
    radius = ("3.5" if thick else "3") if layout.points <= 60 else "2"
    out = [f'<g class="series" data-series="{_esc(name)}" stroke="{colour}" fill="{colour}">']
    runs = _runs(values)
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{_num(layout.x(i))},{_num(_y(v))}" for i, v in run)
            out.append(
                f'<polyline points="{points}" fill="none" stroke-width="{stroke_w}" '
                'stroke-linejoin="round"/>'
            )
    for index, value in (point for run in runs for point in run):
        tip = _esc(f"{name} {labels[index]}: {_pct(value)}")
        out.append(
            f'<circle cx="{_num(layout.x(index))}" cy="{_num(_y(value))}" r="{radius}">'
            f"<title>{tip}</title></circle>"
        )
    out.append("</g>")
    return out


def _legend(names: Sequence[str], texts: Sequence[str], colours: Mapping[str, str]) -> list[str]:
    x0 = LEFT + PLOT_W + LEGEND_PAD
    out = ['<g class="legend" fill="#333">']
    for row, (name, text) in enumerate(zip(names, texts)):
        y = _num(TOP + 10 + row * LEGEND_ROW)
        out.append(
            f'<g class="legend-entry" data-series="{_esc(name)}">'
            f'<line x1="{_num(x0)}" y1="{y}" x2="{_num(x0 + LEGEND_SWATCH)}" y2="{y}" '
            f'stroke="{colours[name]}" stroke-width="3"/>'
            f'<text x="{_num(x0 + LEGEND_SWATCH + 6)}" y="{y}" dy="0.35em">{_esc(text)}</text></g>'
        )
    out.append("</g>")
    return out


def render_trend_svg(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str = "Coverage trend",
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """Render a line chart of coverage percentages over baselines as an SVG document.

    ``labels`` name the baselines in chronological order; ``series`` maps a series
    name to one percentage (or None for "no figure") per label. ``thresholds``
    maps series names to their fail_under value, drawn as dashed lines.
    """
    names = _ordered(list(series))
    data = {name: _clean(series[name]) for name in names}
    for name, values in data.items():
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    texts = [_legend_text(name, data[name]) for name in names]
    layout = _layout(len(labels), texts)
    parts = _open_svg(layout, title) + _grid()
    for name, value in (thresholds or {}).items():
        parts.append(_threshold(name, value, colours.get(name, UNKNOWN_COLOUR)))
    if labels:
        parts += _x_labels(labels, layout)
        for name in names:
            parts += _series_group(name, data[name], labels, layout, colours[name])
    else:
        parts.append(
            f'<text class="empty" x="{_num(LEFT + PLOT_W / 2)}" y="{_num(TOP + PLOT_H / 2)}" '
            f'text-anchor="middle" fill="#666" font-size="16">{EMPTY_TEXT}</text>'
        )
    parts += _legend(names, texts, colours)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def badge_text(percent: float | None, precision: int = 0) -> str:
    """The badge value: the percentage truncated (never rounded up) to ``precision``."""
    if precision < 0:
        raise ValueError("precision must be >= 0")
    if percent is None or math.isnan(percent):
        return "unknown"
    scale = 10**precision
    # The tiny epsilon absorbs float noise such as 0.29 * 100 == 28.999999999999996.
    truncated = math.floor(percent * scale + 1e-9) / scale
    if truncated >= 100 > percent:  # as in coverage.py, only exactly 100 reads 100
        truncated = 100 - 1 / scale
    return f"{truncated:.{precision}f}%"


def badge_colour(percent: float | None, passed: bool | None = None) -> str:
    """The gate's verdict as a colour if given (``passed``), else a shields.io-like scale.

    The verdict comes from the caller (the gate's ``should_fail_under`` at the configured
    precision), never from comparing figures here, so the badge and the gate agree.
    """
    if percent is None or math.isnan(percent):
        return BADGE_GREY
    if passed is not None:
        return BADGE_PASS if passed else BADGE_RED
    return next((colour for bound, colour in BADGE_SCALE if percent >= bound), BADGE_RED)


def _text_width(text: str) -> float:
    return CHAR_W * len(text) + 2 * BADGE_PAD


def render_badge(
    percent: float | None,
    *,
    label: str = BADGE_LABEL,
    passed: bool | None = None,
    precision: int = 0,
    text: str | None = None,
) -> str:
    """Render a shields.io-style flat badge such as "coverage | 87%" as SVG.

    ``passed`` is the gate's verdict for ``percent`` (green or red); None colours by the
    scale. ``precision`` is the number of decimals shown, unless ``text`` gives the value.
    """
    value = badge_text(percent, precision) if text is None else text
    colour = badge_colour(percent, passed)
    label_w, value_w = _text_width(label), _text_width(value)
    width = label_w + value_w
    w, lw, vw = _num(width), _num(label_w), _num(value_w)
    summary = _esc(f"{label}: {value}")
    texts = [(label_w / 2, _esc(label)), (label_w + value_w / 2, _esc(value))]
    lines = [
        f'<svg xmlns="{SVG_NS}" width="{w}" height="20" viewBox="0 0 {w} 20" role="img" '
        f'aria-label="{summary}">',
        f"<title>{summary}</title>",
        f'<clipPath id="badge-round"><rect width="{w}" height="20" rx="3"/></clipPath>',
        '<g clip-path="url(#badge-round)">',
        f'<rect class="badge-label" width="{lw}" height="20" fill="{BADGE_LABEL_BG}"/>',
        f'<rect class="badge-value" x="{lw}" width="{vw}" height="20" fill="{colour}"/>',
        "</g>",
        '<g fill="#fff" text-anchor="middle" font-family="sans-serif" font-size="11">',
    ]
    lines += [f'<text x="{_num(x)}" y="14">{text}</text>' for x, text in texts]
    lines += ["</g>", "</svg>"]
    return "\n".join(lines) + "\n"
