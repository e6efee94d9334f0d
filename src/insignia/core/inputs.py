"""Recognise what a user handed us: credential JSON, a compact JWT, a baked PNG/SVG, or a URL.

Employers paste or drop anything.  This module only *classifies* and unwraps; it never
decides validity.  Unwrapping a baked image goes through :mod:`insignia.core.baking`, which
bounds sizes and parses SVG safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from insignia.core.errors import InputError

#: Largest input (file, paste, fetched body) the verifier reads at all.
MAX_INPUT_BYTES = 16 * 1024 * 1024

_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class InputKind(StrEnum):
    """The container an input arrived in."""

    JSON = "json"
    JWT = "jwt"
    PNG = "png"
    SVG = "svg"
    URL = "url"


@dataclass(frozen=True, slots=True)
class SniffedInput:
    """An input with its kind and, for text kinds, its decoded text."""

    kind: InputKind
    data: bytes
    text: str | None = None


def looks_like_jws(text: str) -> bool:
    """True when ``text`` has the shape of a compact JWS (three base64url parts)."""
    return bool(_JWS.match(text.strip()))


def sniff(data: bytes | str) -> SniffedInput:
    """Classify an input by its content (never by a file name, which a sender controls).

    :raises InputError: empty, too large, or none of the supported kinds
        (code ``input.unrecognised``).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(
            f"The input is {len(raw):,} bytes; the limit is {MAX_INPUT_BYTES:,}.",
            code="input.too_large",
        )
    if raw.startswith(_PNG_MAGIC):
        return SniffedInput(InputKind.PNG, raw)
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InputError("The input is empty.", code="input.empty")
    if head.startswith(b"<"):
        if b"<svg" in raw[:65536] or b":svg" in raw[:65536]:
            return SniffedInput(InputKind.SVG, raw)
        raise InputError(
            "The input is XML or HTML but not an SVG image.", code="input.unrecognised"
        )
    try:
        text = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise InputError(
            "The input is neither a PNG or SVG image nor UTF-8 text.", code="input.unrecognised"
        ) from None
    if text.startswith(("{", "[")):
        return SniffedInput(InputKind.JSON, raw, text)
    if (
        text.startswith(("https://", "http://"))
        and len(text) < 4096
        and not any(c.isspace() for c in text)
    ):
        return SniffedInput(InputKind.URL, raw, text)
    if looks_like_jws(text):
        return SniffedInput(InputKind.JWT, raw, text)
    raise InputError(
        "This is not a credential: expected JSON, a JWT, a baked PNG/SVG badge or a URL.",
        code="input.unrecognised",
    )
