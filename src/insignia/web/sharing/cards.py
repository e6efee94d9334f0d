"""Social preview cards: a 1200×630 PNG (the size LinkedIn, Facebook, X, Slack and Teams all
show in full) with the badge image, its name, the holder and the issuer.

Drawn with Pillow.  Text uses DejaVu Sans when the system has it (Debian ``fonts-dejavu-core``)
and Pillow's built-in font otherwise, so a card can always be drawn.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
#: Bump when the layout changes, so cached cards are drawn again.
LAYOUT_VERSION = "1"

INK = (26, 29, 51)
MUTED = (79, 85, 112)
BRAND = (55, 48, 163)
BRAND_SOFT = (238, 240, 255)
OK = (22, 101, 52)
WHITE = (255, 255, 255)

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def font_path(bold: bool = False) -> str | None:
    """Where DejaVu Sans (bold) is on this machine, or None."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    root = Path("/usr/share/fonts")
    if root.is_dir():
        for candidate in root.rglob(name):
            return str(candidate)
    return None


@functools.cache
def load_font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans at ``size`` pixels, or Pillow's default font when it is missing."""
    path = font_path(bold)
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


@dataclass(frozen=True, slots=True)
class CardContent:
    """Everything drawn on a card."""

    badge_name: str
    holder_name: str
    issuer_name: str
    site: str
    badge_png: bytes | None = None

    def fingerprint(self) -> str:
        """A digest of the content and the layout: equal digests draw equal cards."""
        digest = hashlib.sha256(LAYOUT_VERSION.encode())
        for text in (self.badge_name, self.holder_name, self.issuer_name, self.site):
            digest.update(b"\x00" + text.encode("utf-8"))
        digest.update(b"\x00" + hashlib.sha256(self.badge_png or b"").digest())
        return digest.hexdigest()


def _width(font: Font, text: str) -> float:
    return float(font.getlength(text))


def wrap(text: str, font: Font, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; the last line ends in "…" when text is cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _width(font, trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while _width(font, last + " …") > width and " " in last:
            last = last.rsplit(" ", 1)[0]
        lines[-1] = last + " …"
    cut = []
    for line in lines:
        fitted = line
        while _width(font, fitted) > width and len(fitted) > 1:
            fitted = fitted[:-2].rstrip() + "…"
        cut.append(fitted)
    return cut


def _badge(png: bytes | None, size: int, name: str) -> Image.Image:
    """The badge image scaled into a ``size`` square (a drawn stand-in without a PNG)."""
    if png:
        try:
            with Image.open(io.BytesIO(png)) as source:
                if source.width * source.height <= 16_000_000:
                    picture = source.convert("RGBA")
                    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
                    return picture
        except (OSError, ValueError, Image.DecompressionBombError):
            pass
    stand_in = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(stand_in)
    draw.regular_polygon((size / 2, size / 2, size / 2 - 4), 6, rotation=30, fill=BRAND)
    letters = "".join(w[0] for w in name.split()[:2] if w[:1].isalnum()).upper() or "★"
    font = load_font(size // 3, bold=True)
    draw.text((size / 2, size / 2), letters, font=font, fill=WHITE, anchor="mm")
    return stand_in


def _lines(
    draw: ImageDraw.ImageDraw,
    lines: Iterable[str],
    *,
    x: int,
    y: int,
    font: Font,
    fill: tuple[int, ...],
    step: int,
) -> int:
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += step
    return y


def render_card(content: CardContent) -> bytes:
    """Draw the card as PNG bytes."""
    card = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 470, HEIGHT), fill=BRAND_SOFT)
    badge = _badge(content.badge_png, 360, content.badge_name)
    card.paste(badge, ((470 - badge.width) // 2, (HEIGHT - badge.height) // 2), badge)

    x, text_width = 530, WIDTH - 530 - 60
    draw.ellipse((x, 74, x + 34, 108), fill=OK)
    draw.line(((x + 9, 92), (x + 15, 99), (x + 26, 84)), fill=WHITE, width=4)
    draw.text((x + 48, 78), "VERIFIED OPEN BADGE", font=load_font(26, bold=True), fill=OK)

    title_font = load_font(56, bold=True)
    title = wrap(content.badge_name, title_font, text_width, 3)
    y = _lines(draw, title, x=x, y=140, font=title_font, fill=INK, step=68)
    body_font = load_font(32)
    y += 24
    if content.holder_name:
        held = wrap(f"Earned by {content.holder_name}", body_font, text_width, 2)
        y = _lines(draw, held, x=x, y=y, font=body_font, fill=INK, step=44)
    issued = wrap(f"Issued by {content.issuer_name}", body_font, text_width, 2)
    _lines(draw, issued, x=x, y=y + 6, font=body_font, fill=MUTED, step=44)

    draw.rectangle((0, HEIGHT - 10, WIDTH, HEIGHT), fill=BRAND)
    site_font = load_font(24)
    footer = wrap(f"Verify at {content.site}", site_font, text_width, 1)[0]
    draw.text((x, HEIGHT - 64), footer, font=site_font, fill=MUTED)
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()
