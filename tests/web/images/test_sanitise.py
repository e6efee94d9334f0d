"""Uploaded images: what is accepted (and cleaned), what is refused, and why."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image as PilImage

from insignia.web.images.sanitise import ImageRejected, sanitise_image, sanitise_svg

LIMITS = {"max_bytes": 2 * 1024 * 1024, "max_pixels": 16_000_000}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG that declares an enormous canvas (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 10_000, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def image_bytes(fmt: str, size: tuple[int, int] = (300, 200), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    PilImage.new(mode, size, "#1d4ed8").save(out, format=fmt)
    return out.getvalue()


def test_png_is_reencoded_without_metadata() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret tracking text")
    out = io.BytesIO()
    PilImage.new("RGBA", (64, 64), (10, 20, 30, 128)).save(out, format="PNG", pnginfo=info)
    clean = sanitise_image(out.getvalue() + b"trailing junk", **LIMITS)
    assert clean.content_type == "image/png"
    assert b"secret tracking text" not in clean.data
    assert b"trailing junk" not in clean.data
    assert PilImage.open(io.BytesIO(clean.data)).mode == "RGBA"
    assert (clean.width, clean.height) == (64, 64)


def test_jpeg_becomes_png_and_large_images_shrink() -> None:
    clean = sanitise_image(image_bytes("JPEG", (3000, 1500)), **LIMITS)
    assert clean.content_type == "image/png"
    assert clean.data.startswith(b"\x89PNG")
    assert (clean.width, clean.height) == (1024, 512)


def test_png_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(ImageRejected, match="decompression bomb") as exc:
        sanitise_image(png_bomb(), **LIMITS)
    assert exc.value.field == "image"


def test_oversized_file_is_refused_with_the_limit() -> None:
    with pytest.raises(ImageRejected, match=r"the limit is 2 MB"):
        sanitise_image(b"\x89PNG" + b"\x00" * (3 * 1024 * 1024), **LIMITS)


@pytest.mark.parametrize(
    "data",
    [b"hello, world", b"GIF89a-but-truncated", image_bytes("BMP"), b""],
    ids=["text", "truncated-gif", "bmp", "empty"],
)
def test_non_images_are_refused(data: bytes) -> None:
    with pytest.raises(ImageRejected):
        sanitise_image(data, **LIMITS)


SVG_OK = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="100" height="100">
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <inkscape:perspective id="p"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <circle cx="50" cy="50" r="40" fill="url(#g)" inkscape:label="ring"/>
  <text x="50" y="55" text-anchor="middle">A &amp; B</text>
</svg>"""


def test_clean_svg_keeps_drawing_and_drops_editor_metadata() -> None:
    clean = sanitise_svg(SVG_OK)
    text = clean.data.decode()
    assert clean.content_type == "image/svg+xml"
    assert '<circle cx="50" cy="50" r="40" fill="url(#g)"/>' in text
    assert "A &amp; B" in text
    assert "inkscape" not in text and "rdf" not in text and "metadata" not in text
    assert 'viewBox="0 0 100 100"' in text
    assert (clean.width, clean.height) == (100, 100)


HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "namespaced-script": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
    b"<s:script>alert(1)</s:script></svg>",
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "onclick-in-unknown-element": b'<svg xmlns="http://www.w3.org/2000/svg">'
    b'<x:y xmlns:x="urn:x" onclick="alert(1)"/></svg>',
    "foreign-object": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject>'
    b'<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject></svg>',
    "javascript-href": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<a xlink:href="javascript:alert(1)"><rect/></a></svg>',
    "external-image": b'<svg xmlns="http://www.w3.org/2000/svg">'
    b'<image href="https://tracker.example/pixel.png"/></svg>',
    "external-use": b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/s.svg#x"/></svg>',
    "css-url": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/x)"/></svg>',
    "css-import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/a.css";</style></svg>',
    "xxe": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>',
    "not-svg-root": b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>',
    "malformed": b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVGS))
def test_hostile_svg_is_refused_with_a_reason(name: str) -> None:
    with pytest.raises(ImageRejected) as exc:
        sanitise_image(HOSTILE_SVGS[name], **LIMITS)
    assert exc.value.message.endswith(".") or exc.value.message.endswith(")")
    assert exc.value.field == "image"


def test_svg_that_is_too_deep_is_refused() -> None:
    deep = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 200 + b"</g>" * 200 + b"</svg>"
    with pytest.raises(ImageRejected, match="too complex"):
        sanitise_image(deep, **LIMITS)


def test_fragment_references_and_raster_data_uris_are_kept() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        b'<defs><circle id="c" r="2"/></defs><use href="#c"/>'
        b'<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>'
    )
    text = sanitise_svg(svg).data.decode()
    assert '<use href="#c"/>' in text
    assert "data:image/png;base64" in text
