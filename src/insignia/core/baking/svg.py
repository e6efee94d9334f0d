"""SVG baking: an ``<openbadges:credential>`` element right after the ``<svg>`` start tag.

OB 3.0 (§5.3): namespace ``https://purl.imsglobal.org/ob/v3p0``; a JWS goes in a ``verify``
attribute of an empty element, JSON goes in a CDATA section.  OB 2.0 (read only):
namespace ``http://openbadges.org``, element ``<openbadges:assertion verify="…">`` with the
JWS or hosted URL in ``verify`` and, optionally, the assertion JSON as CDATA.

Baking splices bytes into the original document rather than re-serialising it, so the
artwork, comments and formatting are untouched.
"""

from __future__ import annotations

import re

from insignia.core.baking.payload import (
    MAX_IMAGE_BYTES,
    OB2_SVG_NS,
    OB3_SVG_NS,
    BakedPayload,
    Version,
    check_bake_payload,
    classify,
)
from insignia.core.baking.xmlscan import SVG_NS, Element, Scan, scan
from insignia.core.errors import BakingError

_OB3 = (OB3_SVG_NS, "credential")
_OB2 = (OB2_SVG_NS, "assertion")
_WANTED = frozenset({_OB3, _OB2})
_VERIFY_KEYS = ("verify", f"{OB3_SVG_NS} verify", f"{OB2_SVG_NS} verify")
# Characters XML 1.0 cannot carry at all, even in CDATA.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_DECL_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TAG_NAME = re.compile(rb"<[^\s/>]+")
_ORDER: tuple[tuple[tuple[str, str], Version], ...] = ((_OB3, "ob3"), (_OB2, "ob2"))


def _check_size(data: object) -> bytes:
    if not isinstance(data, bytes | bytearray):
        raise BakingError("An SVG must be given as bytes.", code="bake.invalid_svg")
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(
            f"The image is larger than {MAX_IMAGE_BYTES:,} bytes.", code="bake.too_large"
        )
    return bytes(data)


def _svg_root(result: Scan) -> Element:
    root = result.root
    if root is None or root.local != "svg" or root.ns not in (SVG_NS, ""):
        raise BakingError("The document's root element is not <svg>.", code="bake.invalid_svg")
    return root


def _verify_attr(element: Element) -> str | None:
    for key in _VERIFY_KEYS:
        if key in element.attrs:
            return element.attrs[key]
    return None


def _extract(element: Element, version: Version) -> BakedPayload:
    verify = _verify_attr(element)
    text = element.text.strip()
    if version == "ob3":
        chosen = verify.strip() if verify is not None and verify.strip() else text
    else:
        chosen = text or (verify or "").strip()
    if not chosen:
        raise BakingError("The badge element is empty.", code="bake.not_baked")
    return BakedPayload("svg", version, chosen, classify(chosen))


def unbake_svg(data: bytes) -> BakedPayload:
    """Extract the first OB 3.0 ``credential`` element, else the first OB 2.0 ``assertion``.

    :raises BakingError: ``bake.not_baked``, ``bake.invalid_json``, ``bake.hostile_xml``,
        ``bake.invalid_svg``…
    """
    result = scan(_check_size(data), _WANTED)
    _svg_root(result)
    for wanted, version in _ORDER:
        for element in result.found:
            if (element.ns, element.local) == wanted:
                return _extract(element, version)
    raise BakingError("This SVG carries no Open Badges credential.", code="bake.not_baked")


def _require_utf8(data: bytes) -> None:
    """Splicing works on bytes, so we only bake UTF-8 (or ASCII) documents."""
    if data.startswith(_UTF16_BOMS):
        raise BakingError("Only UTF-8 SVG files can be baked.", code="bake.unsupported_encoding")
    match = _XML_DECL_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    if match and match.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise BakingError("Only UTF-8 SVG files can be baked.", code="bake.unsupported_encoding")


def _element_for(payload: str, kind: str, declare: bool) -> bytes:
    xmlns = f' xmlns:openbadges="{OB3_SVG_NS}"' if declare else ""
    if kind == "jws":
        return f'<openbadges:credential{xmlns} verify="{payload.strip()}"/>'.encode()
    body = payload.replace("]]>", "]]]]><![CDATA[>")
    return f"<openbadges:credential{xmlns}><![CDATA[{body}]]></openbadges:credential>".encode()


def bake_svg(svg: bytes, payload: str) -> bytes:
    """Return ``svg`` with ``payload`` baked in as OB 3.0 ``<openbadges:credential>``.

    A compact JWS goes in ``verify``; JSON goes in CDATA (a ``]]>`` inside the JSON is split
    across two CDATA sections, so it survives).  Any earlier OB 3.0 credential element is
    removed; an OB 2.0 assertion is left alone.  ``xmlns:openbadges`` is added to ``<svg>``
    unless the prefix is already bound elsewhere there, in which case the element declares it.

    :raises BakingError: on unsafe/invalid SVG, non-UTF-8 input, or a payload that is not a
        JSON object or compact JWS or contains characters XML cannot hold.
    """
    data = _check_size(svg)
    kind = check_bake_payload(payload, allow_url=False)
    if _NOT_XML.search(payload):
        raise BakingError("The payload has characters XML cannot hold.", code="bake.bad_payload")
    _require_utf8(data)
    result = scan(data, _WANTED)
    root = _svg_root(result)
    bound = result.root_ns.get("openbadges")
    element = _element_for(payload, kind, declare=bound not in (None, OB3_SVG_NS))
    edits: list[tuple[int, int, bytes]] = [
        (e.start, e.end, b"") for e in result.found if (e.ns, e.local) == _OB3
    ]
    if root.self_closing:
        edits.append((root.tag_end - 2, root.tag_end, b">" + element + b"</svg>"))
    else:
        edits.append((root.tag_end, root.tag_end, element))
    if bound is None:
        name = _TAG_NAME.match(data, root.start)
        name_end = name.end() if name else root.start + len("<svg")
        edits.append((name_end, name_end, f' xmlns:openbadges="{OB3_SVG_NS}"'.encode()))
    out = _apply(data, edits)
    _self_check(out, payload)
    return out


def _apply(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply non-overlapping (start, end, replacement) edits, last first."""
    out = data
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + replacement + out[end:]
    return out


def _self_check(baked: bytes, payload: str) -> None:
    """Read back what we wrote: a bake that cannot be unbaked must never leave here."""
    found = unbake_svg(baked)
    if found.version != "ob3" or found.payload != payload.strip():
        raise BakingError("Baking produced an unreadable SVG.", code="bake.internal")
