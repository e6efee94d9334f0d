"""Generated badge designs: a shape, an icon and a ribbon with the badge's name.

One scene (a list of simple shapes in a 512 × 512 box) is drawn twice: as SVG text for the
web and baking, and with Pillow as a PNG (for baked PNG downloads and social cards), so the
two renditions match.  No fonts are fetched: text uses DejaVu Sans Bold when the system has
it (Pillow's built-in font otherwise), and the SVG pins the measured width with
``textLength`` so browsers with other fonts draw the same layout.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image as PilImage
from PIL import ImageDraw, ImageFont

SIZE = 512
Point = tuple[float, float]
RGBA = tuple[int, int, int, int]

SHAPES = {
    "hexagon": "Hexagon",
    "circle": "Circle",
    "shield": "Shield",
    "rosette": "Rosette",
}
ICONS = {
    "star": "Star",
    "check": "Check mark",
    "book": "Open book",
    "code": "Code brackets",
    "leaf": "Leaf",
    "gear": "Gear",
    "bulb": "Light bulb",
    "heart": "Heart",
    "cap": "Graduation cap",
    "chart": "Bar chart",
    "globe": "Globe",
    "people": "People",
    "shield": "Shield",
}
PALETTE = {
    "#3730a3": "Indigo",
    "#0f766e": "Teal",
    "#b45309": "Amber",
    "#be123c": "Rose",
    "#15803d": "Green",
    "#1d4ed8": "Blue",
    "#7e22ce": "Purple",
    "#334155": "Slate",
}
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/local/share/fonts/DejaVuSans-Bold.ttf",
)
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Segoe UI', Arial, sans-serif"


# --- scene ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Poly:
    points: tuple[Point, ...]
    fill: RGBA


@dataclass(frozen=True, slots=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: RGBA


@dataclass(frozen=True, slots=True)
class Ring:
    cx: float
    cy: float
    rx: float
    ry: float
    width: float
    stroke: RGBA


@dataclass(frozen=True, slots=True)
class Stroke:
    points: tuple[Point, ...]
    width: float
    stroke: RGBA


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    fill: RGBA
    width: float  # measured advance width, pinned in the SVG


Shape = Poly | Circle | Ring | Stroke | Text


@dataclass(frozen=True, slots=True)
class Design:
    """What a designer picks: the name on the ribbon, a colour, an icon and a shape."""

    title: str
    colour: str = "#3730a3"
    icon: str = "star"
    shape: str = "hexagon"
    subtitle: str = ""


def parse_colour(value: str) -> tuple[int, int, int]:
    """Read ``#rrggbb``.

    :raises ValueError: on anything else.
    """
    value = value.strip()
    if len(value) != 7 or not value.startswith("#"):
        raise ValueError("Use a colour like #3730a3.")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], t: float, a: int = 255) -> RGBA:
    r, g, b = (round(c + (o - c) * t) for c, o in zip(rgb, other, strict=True))
    return (r, g, b, a)


def _regular(n: int, r: float, cx: float, cy: float, phase: float = -90.0) -> tuple[Point, ...]:
    return tuple(
        (
            cx + r * math.cos(math.radians(phase + 360 * i / n)),
            cy + r * math.sin(math.radians(phase + 360 * i / n)),
        )
        for i in range(n)
    )


def _outline(shape: str, r: float) -> tuple[Point, ...] | None:
    """The badge outline as a polygon (None for a circle)."""
    c = SIZE / 2
    if shape == "hexagon":
        return _regular(6, r, c, c)
    if shape == "rosette":
        pts = []
        for i in range(240):
            a = 2 * math.pi * i / 240
            rr = r * (0.955 + 0.045 * math.cos(24 * a))
            pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
        return tuple(pts)
    if shape == "shield":
        top, bottom, half = c - r * 0.9, c + r, r * 0.9
        pts = [(c - half, top), (c + half, top)]
        for i in range(1, 33):  # right side: straight, then curving to the point
            t = i / 32
            pts.append((c + half * (1 - t**3.2) ** 0.8, top + (bottom - top) * t))
        for i in range(31, 0, -1):
            t = i / 32
            pts.append((c - half * (1 - t**3.2) ** 0.8, top + (bottom - top) * t))
        return tuple(pts)
    return None


def _base(shape: str, r: float, fill: RGBA) -> Shape:
    outline = _outline(shape, r)
    if outline is None:
        return Circle(SIZE / 2, SIZE / 2, r, fill)
    return Poly(outline, fill)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _text_width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def _fit_lines(title: str, max_width: float) -> tuple[list[str], int]:
    """Split the title into one or two lines and pick the largest size that fits."""
    words = title.upper().split()
    candidates: list[list[str]] = [[" ".join(words)]]
    for i in range(1, len(words)):
        candidates.append([" ".join(words[:i]), " ".join(words[i:])])
    best: tuple[list[str], int] = ([" ".join(words)], 14)
    for lines in candidates:
        limit = 38 if len(lines) == 1 else 28
        for size in range(limit, 13, -1):
            if all(_text_width(line, size) <= max_width for line in lines):
                if size > best[1] or (size == best[1] and len(lines) < len(best[0])):
                    best = (lines, size)
                break
    lines, size = best
    if size == 14 and any(_text_width(line, 14) > max_width for line in lines):
        # Still too long: keep the start of the name; the full name is in the credential.
        text = lines[0]
        while text and _text_width(text + "…", 14) > max_width:
            text = text[:-1]
        lines = [text.rstrip() + "…"]
    return lines, size


def _icon(name: str, fg: RGBA, bg: RGBA) -> list[Shape]:
    """Icon shapes in a 100 × 100 box."""
    out: list[Shape] = []
    if name == "star":
        pts = []
        for i in range(10):
            r = 47 if i % 2 == 0 else 19
            a = math.radians(-90 + 36 * i)
            pts.append((50 + r * math.cos(a), 54 + r * math.sin(a)))
        out.append(Poly(tuple(pts), fg))
    elif name == "check":
        out += [Ring(50, 50, 42, 42, 8, fg), Stroke(((29, 52), (44, 67), (72, 36)), 11, fg)]
    elif name == "book":
        out += [
            Poly(((6, 22), (46, 29), (46, 84), (6, 77)), fg),
            Poly(((54, 29), (94, 22), (94, 77), (54, 84)), fg),
        ]
        for y in (40, 52, 64):
            out.append(Stroke(((14, y - 3), (38, y + 1)), 3.5, bg))
            out.append(Stroke(((62, y + 1), (86, y - 3)), 3.5, bg))
    elif name == "code":
        out += [
            Stroke(((32, 26), (10, 50), (32, 74)), 10, fg),
            Stroke(((68, 26), (90, 50), (68, 74)), 10, fg),
            Stroke(((58, 16), (42, 84)), 8, fg),
        ]
    elif name == "leaf":
        pts = []
        for i in range(41):
            t = i / 40
            pts.append((12 + 76 * t, 88 - 76 * t - 34 * math.sin(math.pi * t)))
        for i in range(41):
            t = 1 - i / 40
            pts.append((12 + 76 * t + 34 * math.sin(math.pi * t), 88 - 76 * t))
        out += [Poly(tuple(pts), fg), Stroke(((22, 78), (72, 28)), 4, bg)]
    elif name == "gear":
        pts = []
        for i in range(48):
            a = 2 * math.pi * i / 48
            r = 46 if (i % 6) in (1, 2, 3) else 35
            pts.append((50 + r * math.cos(a), 50 + r * math.sin(a)))
        out += [Poly(tuple(pts), fg), Circle(50, 50, 14, bg)]
    elif name == "bulb":
        out += [
            Circle(50, 38, 29, fg),
            Poly(((36, 56), (64, 56), (60, 76), (40, 76)), fg),
            Stroke(((40, 83), (60, 83)), 6, fg),
            Stroke(((44, 92), (56, 92)), 6, fg),
            Stroke(((50, 24), (50, 50)), 4, bg),
        ]
    elif name == "heart":
        out += [
            Circle(31, 38, 21, fg),
            Circle(69, 38, 21, fg),
            Poly(((11.5, 46), (88.5, 46), (50, 88)), fg),
        ]
    elif name == "cap":
        out += [
            Poly(((26, 46), (74, 46), (74, 70), (50, 80), (26, 70)), fg),
            Poly(((50, 16), (96, 38), (50, 60), (4, 38)), fg),
            Stroke(((50, 38), (84, 48), (84, 70)), 4, bg),
            Stroke(((84, 50), (84, 70)), 4, fg),
            Circle(84, 73, 5, fg),
        ]
    elif name == "chart":
        out += [
            Poly(((12, 62), (28, 62), (28, 90), (12, 90)), fg),
            Poly(((36, 46), (52, 46), (52, 90), (36, 90)), fg),
            Poly(((60, 30), (76, 30), (76, 90), (60, 90)), fg),
            Stroke(((8, 94), (92, 94)), 4, fg),
            Stroke(((14, 40), (40, 22), (56, 26), (86, 8)), 5, fg),
        ]
    elif name == "globe":
        out += [
            Ring(50, 50, 42, 42, 6, fg),
            Ring(50, 50, 18, 42, 5, fg),
            Stroke(((9, 50), (91, 50)), 5, fg),
            Stroke(((17, 29), (83, 29)), 4, fg),
            Stroke(((17, 71), (83, 71)), 4, fg),
        ]
    elif name == "people":
        for cx in (32, 68):
            half = [
                (
                    cx + 22 * math.cos(math.pi + math.pi * i / 24),
                    88 + 34 * math.sin(math.pi + math.pi * i / 24),
                )
                for i in range(25)
            ]
            out += [Circle(cx, 32, 14, fg), Poly(tuple(half), fg)]
        out.append(Stroke(((50, 20), (50, 88)), 3, bg))
    elif name == "shield":
        pts = [(14, 16), (86, 16)]
        for i in range(1, 21):
            t = i / 20
            pts.append((50 + 36 * (1 - t**1.7), 16 + 78 * t))
        for i in range(19, 0, -1):
            t = i / 20
            pts.append((50 - 36 * (1 - t**1.7), 16 + 78 * t))
        out += [Poly(tuple(pts), fg), Stroke(((33, 50), (45, 62), (68, 36)), 9, bg)]
    return out


def _place(shapes: list[Shape], x: float, y: float, scale: float) -> list[Shape]:
    def pt(p: Point) -> Point:
        return (x + p[0] * scale, y + p[1] * scale)

    placed: list[Shape] = []
    for s in shapes:
        if isinstance(s, Poly):
            placed.append(Poly(tuple(pt(p) for p in s.points), s.fill))
        elif isinstance(s, Circle):
            cx, cy = pt((s.cx, s.cy))
            placed.append(Circle(cx, cy, s.r * scale, s.fill))
        elif isinstance(s, Ring):
            cx, cy = pt((s.cx, s.cy))
            placed.append(Ring(cx, cy, s.rx * scale, s.ry * scale, s.width * scale, s.stroke))
        elif isinstance(s, Stroke):
            placed.append(Stroke(tuple(pt(p) for p in s.points), s.width * scale, s.stroke))
    return placed


def build_scene(design: Design) -> list[Shape]:
    """Lay out the design as shapes in a 512 × 512 box."""
    rgb = parse_colour(design.colour)
    white, black = (255, 255, 255), (0, 0, 0)
    dark, darker = _mix(rgb, black, 0.35), _mix(rgb, black, 0.55)
    base = _mix(rgb, black, 0.0)
    shape = design.shape if design.shape in SHAPES else "hexagon"
    scene: list[Shape] = [
        _base(shape, 250, dark),
        _base(shape, 228, base),
    ]
    inner = _outline(shape, 206)
    if inner is None:
        scene.append(Ring(SIZE / 2, SIZE / 2, 206, 206, 4, _mix(rgb, white, 0.45, 150)))
    else:
        scene.append(Stroke((*inner, inner[0], inner[1]), 4, _mix(rgb, white, 0.45, 150)))
    icon_fg = (255, 255, 255, 255)
    scene += _place(_icon(design.icon, icon_fg, base), 256 - 72, 112, 1.44)

    lines, size = _fit_lines(design.title or "Badge", 372)
    line_gap = size * 1.18
    band_h = 30 + line_gap * len(lines)
    top = 318 - (band_h - 66) / 2
    left, right = 36, 476
    tail = 26
    scene += [
        Poly(
            (
                (left - tail, top + 16),
                (left + 20, top + 16),
                (left + 20, top + band_h + 16),
                (left - tail, top + band_h + 16),
                (left - tail + 18, top + band_h / 2 + 16),
            ),
            darker,
        ),
        Poly(
            (
                (right + tail, top + 16),
                (right - 20, top + 16),
                (right - 20, top + band_h + 16),
                (right + tail, top + band_h + 16),
                (right + tail - 18, top + band_h / 2 + 16),
            ),
            darker,
        ),
        Poly(((left, top), (right, top), (right, top + band_h), (left, top + band_h)), dark),
    ]
    baseline = top + 15 + size * 0.95
    for line in lines:
        width = _text_width(line, size)
        scene.append(Text(SIZE / 2, baseline, line, size, (255, 255, 255, 255), width))
        baseline += line_gap
    sub = design.subtitle.upper()
    if sub:
        sub_size = 17
        while sub_size > 10 and _text_width(sub, sub_size) > 200:
            sub_size -= 1
        scene.append(
            Text(
                SIZE / 2,
                top + band_h + 44,
                sub,
                sub_size,
                _mix(rgb, white, 0.8),
                _text_width(sub, sub_size),
            )
        )
    else:
        for dx in (-34, 0, 34):
            star = _icon("star", _mix(rgb, white, 0.75), base)
            scene += _place(star, SIZE / 2 + dx - 9, top + band_h + 26, 0.18)
    return scene


# --- renderers ----------------------------------------------------------------------------


def _hex(c: RGBA) -> str:
    return f"#{c[0]:02x}{c[1]:02x}{c[2]:02x}"


def _alpha(c: RGBA) -> str:
    return "" if c[3] == 255 else f' fill-opacity="{c[3] / 255:.2f}"'


def _stroke_alpha(c: RGBA) -> str:
    return "" if c[3] == 255 else f' stroke-opacity="{c[3] / 255:.2f}"'


def _pts(points: tuple[Point, ...]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _xml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def render_svg(design: Design, *, label: str | None = None) -> str:
    """Return the design as a standalone SVG document (with an accessible title)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-labelledby="t">',
        f'<title id="t">{_xml(label or design.title)}</title>',
    ]
    for s in build_scene(design):
        if isinstance(s, Poly):
            parts.append(
                f'<polygon points="{_pts(s.points)}" fill="{_hex(s.fill)}"{_alpha(s.fill)}/>'
            )
        elif isinstance(s, Circle):
            parts.append(
                f'<circle cx="{s.cx:.1f}" cy="{s.cy:.1f}" r="{s.r:.1f}" fill="{_hex(s.fill)}"'
                f"{_alpha(s.fill)}/>"
            )
        elif isinstance(s, Ring):
            parts.append(
                f'<ellipse cx="{s.cx:.1f}" cy="{s.cy:.1f}" rx="{s.rx:.1f}" ry="{s.ry:.1f}" '
                f'fill="none" stroke="{_hex(s.stroke)}" stroke-width="{s.width:.1f}"'
                f"{_stroke_alpha(s.stroke)}/>"
            )
        elif isinstance(s, Stroke):
            parts.append(
                f'<polyline points="{_pts(s.points)}" fill="none" stroke="{_hex(s.stroke)}" '
                f'stroke-width="{s.width:.1f}" stroke-linecap="round" stroke-linejoin="round"'
                f"{_stroke_alpha(s.stroke)}/>"
            )
        else:
            parts.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" text-anchor="middle" '
                f'font-family="{FONT_FAMILY}" font-weight="700" font-size="{s.size}" '
                f'textLength="{s.width:.1f}" lengthAdjust="spacingAndGlyphs" '
                f'fill="{_hex(s.fill)}"{_alpha(s.fill)}>{_xml(s.text)}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_png(design: Design, *, size: int = SIZE) -> bytes:
    """Return the design as a PNG of ``size`` × ``size`` pixels (antialiased)."""
    k = 2 * size / SIZE  # draw at twice the size, then downsample
    canvas = PilImage.new("RGBA", (round(SIZE * k), round(SIZE * k)), (0, 0, 0, 0))

    def sc(p: Point) -> tuple[float, float]:
        return (p[0] * k, p[1] * k)

    for s in build_scene(design):
        layer = PilImage.new("RGBA", canvas.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        if isinstance(s, Poly):
            draw.polygon([sc(p) for p in s.points], fill=s.fill)
        elif isinstance(s, Circle):
            draw.ellipse(
                [(s.cx - s.r) * k, (s.cy - s.r) * k, (s.cx + s.r) * k, (s.cy + s.r) * k],
                fill=s.fill,
            )
        elif isinstance(s, Ring):
            half = s.width / 2
            draw.ellipse(
                [
                    (s.cx - s.rx - half) * k,
                    (s.cy - s.ry - half) * k,
                    (s.cx + s.rx + half) * k,
                    (s.cy + s.ry + half) * k,
                ],
                outline=s.stroke,
                width=max(1, round(s.width * k)),
            )
        elif isinstance(s, Stroke):
            pts = [sc(p) for p in s.points]
            w = s.width * k
            draw.line(pts, fill=s.stroke, width=max(1, round(w)), joint="curve")
            for x, y in (pts[0], pts[-1]):
                draw.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=s.stroke)
        else:
            font = _font(round(s.size * k))
            draw.text((s.x * k, s.y * k), s.text, font=font, fill=s.fill, anchor="ms")
        canvas = PilImage.alpha_composite(canvas, layer)
    image = canvas.resize((size, size), PilImage.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_logo_svg(initials: str, colour: str) -> str:
    """A simple monogram logo: initials on a rounded square."""
    rgb = parse_colour(colour)
    dark = _hex(_mix(rgb, (0, 0, 0), 0.25))
    text = _xml(initials.upper()[:3])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" '
        f'role="img" aria-labelledby="t"><title id="t">{text}</title>'
        f'<rect width="256" height="256" rx="48" fill="{_hex((*rgb, 255))}"/>'
        f'<rect x="14" y="14" width="228" height="228" rx="38" fill="none" stroke="#ffffff" '
        f'stroke-opacity="0.35" stroke-width="4"/>'
        f'<path d="M0 176 L256 120 L256 208 Q256 256 208 256 L48 256 Q0 256 0 208 Z" '
        f'fill="{dark}"/>'
        f'<text x="128" y="158" text-anchor="middle" font-family="{FONT_FAMILY}" '
        f'font-weight="700" font-size="{96 if len(text) < 3 else 76}" fill="#ffffff">{text}</text>'
        "</svg>\n"
    )
