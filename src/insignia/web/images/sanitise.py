"""Make uploaded images safe to store, serve and sign into credentials.

Raster images (PNG, JPEG, GIF, WebP) are decoded by Pillow only after their pixel count is
checked against a limit (a small PNG can declare 100 000 × 100 000 pixels), then re-encoded as
a fresh PNG: no metadata chunk, no trailing data and no second format survives.

SVG is parsed with expat with every DTD feature refused (no entity declarations, no external
entities, no parameter entities, so no "billion laughs" and no XXE) and rebuilt from an
allow-list of elements and attributes.  Anything that could run code or fetch something
(``<script>``, ``<foreignObject>``, ``on*`` handlers, ``javascript:``/external ``href``s, CSS
``url()``/``@import``) makes the upload fail with a clear message rather than being silently
dropped, so the person knows why their file was refused; harmless editor metadata (Inkscape,
Illustrator, RDF) is dropped.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from dataclasses import dataclass
from xml.parsers import expat

from PIL import Image as PilImage
from PIL import UnidentifiedImageError

from insignia.web.common.errors import ApplicationError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_SIDE = 1024
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DEPTH = 64


class ImageRejected(ApplicationError):
    """The upload is not an image we accept; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class CleanImage:
    """A safe image: ``content_type`` is ``image/png`` or ``image/svg+xml``."""

    content_type: str
    data: bytes
    width: int
    height: int


def sanitise_image(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Return a safe PNG or SVG version of an uploaded file.

    :raises ImageRejected: too large, not an image, a decompression bomb, or an SVG with
        active content or external references.
    """
    if len(data) > max_bytes:
        raise ImageRejected(
            f"The image is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB.",
            field="image",
        )
    if not data:
        raise ImageRejected("The file is empty.", field="image")
    if _looks_like_svg(data):
        return sanitise_svg(data)
    return sanitise_raster(data, max_pixels=max_pixels)


# --- raster -------------------------------------------------------------------------------

_RASTER_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def sanitise_raster(data: bytes, *, max_pixels: int) -> CleanImage:
    """Decode a raster image within limits and re-encode it as a clean PNG."""
    return _reencode(open_raster(data, max_pixels=max_pixels))


def open_raster(
    data: bytes, *, max_pixels: int, formats: frozenset[str] | set[str] = frozenset(_RASTER_FORMATS)
) -> PilImage.Image:
    """Decode a raster image in one of ``formats`` (Pillow names), refusing decompression bombs
    before any pixel is decoded, truncated files, and anything else.

    :raises ImageRejected: with a message for the person.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PilImage.DecompressionBombWarning)
            image = PilImage.open(io.BytesIO(data))
            if image.format not in formats:
                raise ImageRejected("Upload a PNG, JPEG or SVG image.", field="image")
            width, height = image.size
            if width * height > max_pixels or width > 20_000 or height > 20_000:
                raise ImageRejected(
                    f"The image declares {width} × {height} pixels, far more than a badge "
                    "needs; it was refused as a possible decompression bomb.",
                    field="image",
                )
            image.seek(0)
            image.load()
    except ImageRejected:
        raise
    except (PilImage.DecompressionBombError, PilImage.DecompressionBombWarning) as exc:
        raise ImageRejected(
            "The image expands to far more pixels than a badge needs; it was refused as a "
            "possible decompression bomb.",
            field="image",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(
            "The file is not a readable PNG, JPEG or SVG image.", field="image"
        ) from exc
    return image


def _reencode(image: PilImage.Image) -> CleanImage:
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), PilImage.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return CleanImage("image/png", out.getvalue(), image.width, image.height)


# --- SVG ----------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))
        and b"<svg" in data[:65536].lower()
    )


_ELEMENTS = _words(
    """
    svg g defs title desc symbol use path rect circle ellipse line polyline polygon text
    tspan textPath linearGradient radialGradient stop clipPath mask pattern marker style
    image filter feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood
    feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset
    metadata
    """
)
#: Elements that can run code or embed other documents: their presence refuses the upload.
_DANGEROUS_ELEMENTS = _words(
    """
    script foreignObject iframe embed object audio video handler listener
    """
)
_ATTRIBUTES = _words(
    """
    id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height points
    viewBox preserveAspectRatio version baseProfile fill fill-opacity fill-rule stroke
    stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
    stroke-dashoffset stroke-opacity opacity font-family font-size font-weight font-style
    font-variant text-anchor dominant-baseline alignment-baseline baseline-shift
    letter-spacing word-spacing text-decoration writing-mode offset stop-color stop-opacity
    gradientUnits gradientTransform spreadMethod clip-path clip-rule clipPathUnits mask
    maskUnits maskContentUnits patternUnits patternContentUnits patternTransform filter
    filterUnits primitiveUnits in in2 result stdDeviation dx dy mode operator k1 k2 k3 k4
    values type tableValues slope intercept amplitude exponent flood-color flood-opacity
    radius marker-start marker-mid marker-end markerWidth markerHeight refX refY orient
    markerUnits visibility display color color-interpolation color-interpolation-filters
    lengthAdjust textLength startOffset rotate vector-effect shape-rendering text-rendering
    image-rendering paint-order mix-blend-mode isolation overflow href role aria-label
    aria-hidden aria-labelledby focusable enable-background media
    """
)
_URL_IN_VALUE = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_SAFE_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str]


class _SvgBuilder:
    """Builds a clean tree from expat events; raises ImageRejected on anything active."""

    def __init__(self) -> None:
        self.root: _Node | None = None
        self.stack: list[_Node | None] = []  # None = inside a dropped element
        self.count = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_SVG_ELEMENTS or len(self.stack) >= MAX_SVG_DEPTH:
            raise ImageRejected("The SVG is too complex for a badge image.", field="image")
        ns, _, local = name.rpartition(" ")
        if local in _DANGEROUS_ELEMENTS:
            raise ImageRejected(
                f"The SVG contains a <{local}> element, which could run code; it was refused.",
                field="image",
            )
        for attr, value in attrs.items():
            attr_local = attr.rpartition(" ")[2]
            if attr_local.lower().startswith("on"):
                raise ImageRejected(
                    f"The SVG has an event handler ({attr_local}), which could run code; "
                    "it was refused.",
                    field="image",
                )
            _check_value(attr_local, value)
        dropped = (
            ns != SVG_NS
            or local not in _ELEMENTS
            or local == "metadata"
            or (self.stack and self.stack[-1] is None)
        )
        if not self.stack and (ns != SVG_NS or local != "svg"):
            raise ImageRejected("The file is XML but not an SVG image.", field="image")
        if dropped:
            self.stack.append(None)
            return
        clean: dict[str, str] = {}
        for attr, value in attrs.items():
            attr_ns, _, attr_local = attr.rpartition(" ")
            if attr_ns not in {"", XLINK_NS} or attr_local not in _ATTRIBUTES:
                continue
            if attr_ns == XLINK_NS and attr_local != "href":
                continue
            clean[attr_local] = value
        node = _Node(local, clean, [])
        parent = self.stack[-1] if self.stack else None
        if parent is not None:
            parent.children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, name: str) -> None:
        self.stack.pop()

    def text(self, data: str) -> None:
        if self.stack and self.stack[-1] is not None:
            node = self.stack[-1]
            if node.tag == "style":
                _check_css(data)
            node.children.append(data)


def _check_value(attr: str, value: str) -> None:
    if attr == "href":
        target = value.strip()
        if not (target.startswith("#") or _SAFE_DATA_URI.match(target)):
            raise ImageRejected(
                "The SVG links to an external resource; only self-contained images are accepted.",
                field="image",
            )
    if "javascript:" in value.lower().replace(" ", ""):
        raise ImageRejected("The SVG contains a javascript: link; it was refused.", field="image")
    for match in _URL_IN_VALUE.finditer(value):
        if not match.group(2).strip().startswith("#"):
            raise ImageRejected(
                "The SVG refers to an external resource; only self-contained images are accepted.",
                field="image",
            )
    if attr == "style":
        _check_css(value)


def _check_css(css: str) -> None:
    if _CSS_DANGER.search(css):
        raise ImageRejected(
            "The SVG's styles import or run something; it was refused.", field="image"
        )
    for match in _URL_IN_VALUE.finditer(css):
        if not match.group(2).strip().startswith("#"):
            raise ImageRejected(
                "The SVG's styles refer to an external resource; it was refused.", field="image"
            )


def _refuse_dtd(*args: object) -> None:
    raise ImageRejected("The SVG declares entities in a DTD, which is not accepted.", field="image")


def parse_svg(data: bytes) -> _Node:
    """Parse SVG bytes into a clean tree, refusing DTD entities and active content."""
    builder = _SvgBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal:
            _refuse_dtd()

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd  # type: ignore[assignment]
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ImageRejected(
            f"The SVG is not well-formed XML ({expat.ErrorString(exc.code)}).", field="image"
        ) from exc
    if builder.root is None:
        raise ImageRejected("The file is not an SVG image.", field="image")
    return builder.root


def _escape(text: str, *, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;")
    return text


def serialise(node: _Node, *, root: bool = True) -> str:
    """Write a clean tree back as SVG text."""
    parts = [f"<{node.tag}"]
    if root:
        parts.append(f' xmlns="{SVG_NS}"')
    for name, value in node.attrs.items():
        parts.append(f' {name}="{_escape(value, attribute=True)}"')
    if not node.children:
        parts.append("/>")
        return "".join(parts)
    parts.append(">")
    for child in node.children:
        parts.append(serialise(child, root=False) if isinstance(child, _Node) else _escape(child))
    parts.append(f"</{node.tag}>")
    return "".join(parts)


def _dimensions(root: _Node) -> tuple[int, int]:
    def number(value: str | None) -> float | None:
        if not value:
            return None
        match = re.match(r"^\s*([0-9.]+)\s*(px)?\s*$", value)
        return float(match.group(1)) if match else None

    width, height = number(root.attrs.get("width")), number(root.attrs.get("height"))
    box = root.attrs.get("viewBox", "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        with contextlib.suppress(ValueError):
            width, height = float(box[2]), float(box[3])
    return int(width or 0), int(height or 0)


def sanitise_svg(data: bytes) -> CleanImage:
    """Return the SVG rebuilt from its allowed parts."""
    root = parse_svg(data)
    if "viewBox" not in root.attrs:
        width, height = _dimensions(root)
        if width and height:
            root.attrs["viewBox"] = f"0 0 {width} {height}"
    width, height = _dimensions(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + serialise(root) + "\n"
    return CleanImage("image/svg+xml", text.encode("utf-8"), width, height)
