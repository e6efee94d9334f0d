"""Baking: carrying a credential inside its badge image (OB 3.0 §5.3, OB 2.0 baking).

:func:`bake_png` / :func:`bake_svg` write a credential into an image; :func:`unbake` reads
one back from either format and either Open Badges version.  Images come from strangers, so
every reader is bounded and refuses hostile input with a :class:`~insignia.core.errors.
BakingError` (stable ``bake.*`` codes) instead of crashing or fetching anything.
"""

from __future__ import annotations

from insignia.core.baking.payload import (
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    OB2_PNG_KEYWORD,
    OB2_SVG_NS,
    OB3_PNG_KEYWORD,
    OB3_SVG_NS,
    BakedPayload,
)
from insignia.core.baking.png import PNG_SIGNATURE, bake_png, unbake_png
from insignia.core.baking.svg import bake_svg, unbake_svg
from insignia.core.errors import BakingError

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _looks_like_xml(data: bytes) -> bool:
    head = data[:1024]
    for bom in _BOMS:
        if head.startswith(bom):
            return True
    return head.lstrip().startswith(b"<")


def unbake(data: bytes) -> BakedPayload:
    """Find the credential baked into a PNG or SVG image.

    :raises BakingError: ``bake.unknown_format`` when the bytes are neither PNG nor SVG,
        ``bake.not_baked`` when the image carries nothing, and the format's own codes
        (``bake.bad_crc``, ``bake.truncated``, ``bake.hostile_xml``, ``bake.invalid_json``…).
    """
    if not isinstance(data, bytes | bytearray):
        raise BakingError("An image must be given as bytes.", code="bake.unknown_format")
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(
            f"The image is larger than {MAX_IMAGE_BYTES:,} bytes.", code="bake.too_large"
        )
    data = bytes(data)
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data)
    if _looks_like_xml(data):
        return unbake_svg(data)
    raise BakingError("The image is neither PNG nor SVG.", code="bake.unknown_format")


__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "OB2_PNG_KEYWORD",
    "OB2_SVG_NS",
    "OB3_PNG_KEYWORD",
    "OB3_SVG_NS",
    "BakedPayload",
    "bake_png",
    "bake_svg",
    "unbake",
]
