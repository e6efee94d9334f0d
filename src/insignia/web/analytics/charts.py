"""Charts drawn on the server as SVG: no JavaScript, no chart library, no inline styles (the
site's Content-Security-Policy forbids them; SVG presentation attributes are not styles).

Every chart is an ``<svg role="img">`` with a title and a description; the pages put the same
numbers in a table beside it for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, slots=True)
class Line:
    """One series: its label, values, colour and dash pattern (so colour is not the only cue)."""

    label: str
    values: Sequence[int]
    colour: str
    dash: str = ""


#: Colour and dash of each kind of count, shared by charts and legends.
STYLES: dict[str, tuple[str, str]] = {
    "view": ("#3730a3", ""),
    "share": ("#0f766e", "7 4"),
    "linkedin_add": ("#0a66c2", "2 4"),
    "click": ("#b45309", "10 4 2 4"),
    "download": ("#6d28d9", "4 2"),
    "verify": ("#166534", "1 3"),
}

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 30


def nice_ceiling(value: int) -> int:
    """A round upper bound for an axis (4, 10, 20, 50, 100, 200, …) at or above ``value``."""
    if value <= 4:
        return 4
    scale = 10
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def _n(value: float) -> str:
    """A coordinate with one decimal."""
    return f"{value:.1f}"


def _x(index: int, count: int) -> float:
    plot = WIDTH - LEFT - RIGHT
    return LEFT + (plot / 2 if count <= 1 else plot * index / (count - 1))


def _y(value: int, top: int) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot - plot * value / top


def line_chart(
    *, chart_id: str, title: str, description: str, starts: Sequence[date], lines: Sequence[Line]
) -> SafeString:
    """A line chart of counts over time, with three horizontal grid lines and a few dates."""
    count = len(starts)
    top = nice_ceiling(max((max(line.values, default=0) for line in lines), default=0))
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>'
            '<desc id="{}-d">{}</desc>',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            description,
        )
    ]
    for tick in (0, top // 2, top):
        y = _y(tick, top)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dce8" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#4f5570">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                LEFT - 6,
                _n(y + 4),
                tick,
            )
        )
    if count:
        shown = sorted({0, count // 2, count - 1})
        for index in shown:
            anchor = (
                "start" if index == 0 and count > 1 else "end" if index == count - 1 else "middle"
            )
            if count == 1:
                anchor = "middle"
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="12" fill="#4f5570">{}</text>',
                    _n(_x(index, count)),
                    HEIGHT - 8,
                    anchor,
                    f"{starts[index].day} {starts[index]:%b}",
                )
            )
    for line in lines:
        points = " ".join(f"{_x(i, count):.1f},{_y(v, top):.1f}" for i, v in enumerate(line.values))
        dash = format_html(' stroke-dasharray="{}"', line.dash) if line.dash else ""
        if count == 1:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                    _n(_x(0, 1)),
                    _n(_y(line.values[0], top)),
                    line.colour,
                    line.label,
                )
            )
            continue
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"'
                ' stroke-linejoin="round"{}><title>{}</title></polyline>',
                points,
                line.colour,
                dash,
                line.label,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def bar_chart(
    *, chart_id: str, title: str, bars: Sequence[tuple[str, int]], colour: str = "#0f766e"
) -> SafeString:
    """Horizontal bars with their labels and values (e.g. shares by channel)."""
    row, label_width, width = 30, 160, 480
    height = max(row * len(bars), row) + 6
    most = max((n for _, n in bars), default=0) or 1
    plot = width - label_width - 50
    parts = [
        format_html(
            '<svg class="chart chart--bars" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t"'
            ' xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>',
            width,
            height,
            chart_id,
            chart_id,
            title,
        )
    ]
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        length = max(plot * value / most, 2)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#1a1d33">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="18" rx="3" fill="{}"/>'
                '<text x="{}" y="{}" font-size="13" fill="#1a1d33">{}</text>',
                label_width - 10,
                y + 14,
                label,
                label_width,
                y,
                _n(length),
                colour,
                _n(label_width + length + 6),
                y + 14,
                value,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped


def legend_swatch(kind: str) -> SafeString:
    """A short sample of a kind's line, for the legend under a chart (decorative)."""
    colour, dash = STYLES.get(kind, ("#1a1d33", ""))
    return format_html(
        '<svg class="swatch" viewBox="0 0 28 8" width="28" height="8" aria-hidden="true">'
        '<line x1="0" x2="28" y1="4" y2="4" stroke="{}" stroke-width="3"{}/></svg>',
        colour,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
    )
