"""What a baked image carries, and how we tell a JSON credential from a JWS or a URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from insignia.core.errors import BakingError, InputError
from insignia.core.jsonio import MAX_DOCUMENT_BYTES, parse_json_object

ImageType = Literal["png", "svg"]
Version = Literal["ob3", "ob2"]
Kind = Literal["json", "jws", "url"]

#: Largest payload we bake or extract: the same ceiling as any JSON document we read.
MAX_PAYLOAD_BYTES = MAX_DOCUMENT_BYTES
#: Largest image we open at all.
MAX_IMAGE_BYTES = 32 * 1024 * 1024

OB3_PNG_KEYWORD = "openbadgecredential"
OB2_PNG_KEYWORD = "openbadges"
OB3_SVG_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NS = "http://openbadges.org"

_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class BakedPayload:
    """The credential found in an image.

    :param image_type: ``"png"`` or ``"svg"``.
    :param version: ``"ob3"`` (``openbadgecredential`` / ``openbadges:credential``) or
        ``"ob2"`` (``openbadges`` / ``openbadges:assertion``).
    :param payload: the text, without surrounding whitespace.
    :param kind: ``"json"`` (checked to parse as a JSON object), ``"jws"`` (compact JWS
        shape only; the signature is checked by the verifier) or ``"url"`` (an OB 2.0
        hosted assertion to fetch).
    """

    image_type: ImageType
    version: Version
    payload: str
    kind: Kind


def classify(text: str) -> Kind:
    """Say what ``text`` is, refusing anything that is none of JSON object, JWS or URL.

    JSON is parsed with the bounded reader so that invalid JSON fails here, at extraction,
    with a baking error rather than later with a confusing one.

    :raises BakingError: ``bake.invalid_json`` or ``bake.unknown_payload``.
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            parse_json_object(stripped)
        except InputError as exc:
            raise BakingError(
                f"The baked credential is not valid JSON: {exc.message}",
                code="bake.invalid_json",
                reason=exc.code,
            ) from exc
        return "json"
    if _JWS.fullmatch(stripped):
        return "jws"
    if _URL.fullmatch(stripped):
        return "url"
    raise BakingError(
        "The baked data is neither a JSON credential, a compact JWS nor a URL.",
        code="bake.unknown_payload",
    )


def check_payload_size(text: str) -> None:
    """Refuse payloads above :data:`MAX_PAYLOAD_BYTES` (UTF-8)."""
    if (
        len(text) > MAX_PAYLOAD_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > MAX_PAYLOAD_BYTES
    ):
        raise BakingError(
            f"The baked credential is larger than {MAX_PAYLOAD_BYTES:,} bytes.",
            code="bake.too_large",
        )


def check_bake_payload(payload: object, *, allow_url: bool) -> Kind:
    """Validate a payload before writing it into an image (OB 3.0 never bakes a URL)."""
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("The payload must be non-empty text.", code="bake.bad_payload")
    check_payload_size(payload)
    kind = classify(payload)
    if kind == "url" and not allow_url:
        raise BakingError(
            "Open Badges 3.0 bakes the credential itself (JSON or JWS), never a URL.",
            code="bake.bad_payload",
        )
    return kind
