"""Generated badge designs."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PilImage

from insignia.web.images.designs import ICONS, SHAPES, Design, parse_colour, render_png, render_svg
from insignia.web.images.sanitise import sanitise_svg


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_renders_as_svg_and_png(shape: str) -> None:
    design = Design(
        title="Inclusive Team Leadership",
        colour="#b45309",
        icon="people",
        shape=shape,
        subtitle="Northbridge University",
    )
    svg = render_svg(design)
    assert svg.startswith("<svg") and "LEADERSHIP" in svg and "<title" in svg
    sanitise_svg(svg.encode())  # our own output passes our own upload rules
    png = PilImage.open(io.BytesIO(render_png(design, size=128)))
    assert png.size == (128, 128)
    assert png.getpixel((64, 64))[3] == 255  # the middle is drawn
    assert png.getpixel((0, 0))[3] == 0  # the corners stay transparent


@pytest.mark.parametrize("icon", sorted(ICONS))
def test_every_icon_renders(icon: str) -> None:
    assert "<polygon" in render_svg(Design(title="X", icon=icon)) or icon in {
        "check",
        "globe",
        "code",
    }


def test_long_names_are_wrapped_or_shortened_and_text_is_escaped() -> None:
    svg = render_svg(Design(title="A <very> & extraordinarily long badge name " * 3))
    assert "&lt;VERY&gt; &amp;" in svg
    assert svg.count("<text") <= 2


def test_bad_colour_is_refused() -> None:
    with pytest.raises(ValueError, match="colour"):
        parse_colour("red")
