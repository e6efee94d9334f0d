"""PNG baking: one ``iTXt`` chunk holding the credential (OB 3.0 §5.3, OB 2.0 baking).

A PNG is a signature followed by chunks (length, 4-letter type, data, CRC-32 of type+data).
We check every CRC, refuse lengths that run past the end of the file, and cap the file size,
chunk count and text sizes, so a crafted file costs little and fails with a clear code.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from insignia.core.baking.payload import (
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    OB2_PNG_KEYWORD,
    OB3_PNG_KEYWORD,
    BakedPayload,
    check_bake_payload,
    classify,
)
from insignia.core.errors import BakingError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A real badge has a handful of chunks; big images split IDAT into many pieces.
MAX_CHUNKS = 20_000
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG spec limit
_TEXT_TYPES = frozenset({b"iTXt", b"tEXt", b"zTXt"})


@dataclass(frozen=True, slots=True)
class Chunk:
    """One PNG chunk (its CRC is recomputed when written)."""

    type: bytes
    data: bytes

    def to_bytes(self) -> bytes:
        """Serialise as length + type + data + CRC."""
        crc = zlib.crc32(self.type + self.data) & 0xFFFFFFFF
        return struct.pack(">I", len(self.data)) + self.type + self.data + struct.pack(">I", crc)


def _iter_chunks(data: bytes) -> Iterator[Chunk]:
    pos = len(PNG_SIGNATURE)
    count = 0
    while True:
        if pos + 8 > len(data):
            raise BakingError("The PNG file is truncated.", code="bake.truncated", offset=pos)
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        if length > _MAX_CHUNK_LENGTH or not kind.isalpha() or not kind.isascii():
            raise BakingError("The PNG has an invalid chunk header.", code="bake.invalid_png")
        end = pos + 8 + length
        if end + 4 > len(data):
            raise BakingError(
                f"A PNG chunk claims {length:,} bytes but the file ends first.",
                code="bake.truncated",
                offset=pos,
            )
        body = data[pos + 8 : end]
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise BakingError(
                f"The PNG chunk {kind.decode('ascii')!r} has a wrong CRC.",
                code="bake.bad_crc",
                offset=pos,
            )
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("The PNG has too many chunks.", code="bake.too_large")
        yield Chunk(kind, body)
        if kind == b"IEND":
            return  # bytes after IEND are not part of the image
        pos = end + 4


def parse_png(data: bytes) -> list[Chunk]:
    """Split a PNG into verified chunks, from IHDR to IEND.

    :raises BakingError: ``bake.invalid_png``, ``bake.truncated``, ``bake.bad_crc``,
        ``bake.too_large``.
    """
    if not isinstance(data, bytes | bytearray):
        raise BakingError("A PNG must be given as bytes.", code="bake.invalid_png")
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(
            f"The image is larger than {MAX_IMAGE_BYTES:,} bytes.", code="bake.too_large"
        )
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("This is not a PNG file.", code="bake.invalid_png")
    chunks = list(_iter_chunks(bytes(data)))
    if chunks[0].type != b"IHDR":
        raise BakingError("The PNG does not start with an IHDR chunk.", code="bake.invalid_png")
    return chunks


def _check_keyword(keyword: object) -> bytes:
    """PNG text keywords: 1–79 printable Latin-1 characters, no edge or double spaces."""
    if not isinstance(keyword, str):
        raise BakingError("The keyword must be text.", code="bake.bad_keyword")
    try:
        raw = keyword.encode("latin-1")
    except UnicodeEncodeError:
        raw = b""
    printable = all(32 <= b <= 126 or b >= 161 for b in raw)
    if not 1 <= len(raw) <= 79 or not printable or raw != raw.strip() or b"  " in raw:
        raise BakingError(f"{keyword!r} is not a valid PNG keyword.", code="bake.bad_keyword")
    return raw


def _itxt(keyword: bytes, text: str) -> Chunk:
    """An uncompressed iTXt chunk with empty language tag and translated keyword."""
    return Chunk(b"iTXt", keyword + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8"))


def _keyword_of(chunk: Chunk) -> bytes | None:
    if chunk.type not in _TEXT_TYPES:
        return None
    cut = chunk.data.find(b"\0", 0, 80)
    return chunk.data[:cut] if cut > 0 else None


def bake_png(png: bytes, payload: str, *, keyword: str = OB3_PNG_KEYWORD) -> bytes:
    """Return ``png`` with ``payload`` in one uncompressed iTXt chunk just before IEND.

    Re-baking replaces any earlier text chunk with the same keyword: the keyword must not
    appear twice.  Other chunks are kept byte for byte; bytes after IEND are dropped.

    :raises BakingError: on an unreadable PNG, a bad keyword or a payload that is not a
        JSON object or compact JWS (or URL, for the OB 2.0 ``openbadges`` keyword).
    """
    raw_keyword = _check_keyword(keyword)
    check_bake_payload(payload, allow_url=keyword != OB3_PNG_KEYWORD)
    chunks = [c for c in parse_png(png) if _keyword_of(c) != raw_keyword]
    chunks.insert(len(chunks) - 1, _itxt(raw_keyword, payload))
    return PNG_SIGNATURE + b"".join(c.to_bytes() for c in chunks)


def _inflate_bounded(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(
            "A compressed PNG text chunk is corrupt.", code="bake.invalid_text"
        ) from exc
    if len(out) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise BakingError("A compressed PNG text chunk is too large.", code="bake.too_large")
    if not inflater.eof:
        raise BakingError("A compressed PNG text chunk is truncated.", code="bake.invalid_text")
    return out


def _itxt_text(data: bytes, keyword_length: int) -> str:
    """Decode an iTXt body after its keyword: flags, language, translated keyword, text."""
    pos = keyword_length + 1
    if pos + 2 > len(data):
        raise BakingError("An iTXt chunk is truncated.", code="bake.invalid_text")
    compressed, method = data[pos], data[pos + 1]
    lang_end = data.find(b"\0", pos + 2)
    trans_end = data.find(b"\0", lang_end + 1) if lang_end >= 0 else -1
    if trans_end < 0 or compressed not in (0, 1) or (compressed and method != 0):
        raise BakingError("An iTXt chunk is malformed.", code="bake.invalid_text")
    body = data[trans_end + 1 :]
    if compressed:
        body = _inflate_bounded(body)
    elif len(body) > MAX_PAYLOAD_BYTES:
        raise BakingError("The baked credential is too large.", code="bake.too_large")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("An iTXt chunk is not UTF-8 text.", code="bake.invalid_text") from exc


def _text_of(chunk: Chunk, keyword: bytes) -> str:
    if chunk.type == b"iTXt":
        return _itxt_text(chunk.data, len(keyword))
    body = chunk.data[len(keyword) + 1 :]
    if chunk.type == b"zTXt":
        if not body or body[0] != 0:
            raise BakingError("A zTXt chunk is malformed.", code="bake.invalid_text")
        body = _inflate_bounded(body[1:])
    if len(body) > MAX_PAYLOAD_BYTES:
        raise BakingError("The baked credential is too large.", code="bake.too_large")
    return body.decode("latin-1")


def unbake_png(data: bytes) -> BakedPayload:
    """Extract the credential: the first OB 3.0 iTXt, else the first OB 2.0 text chunk.

    :raises BakingError: ``bake.not_baked`` when there is none, or any PNG/payload error.
    """
    ob3: Chunk | None = None
    ob2: Chunk | None = None
    for chunk in parse_png(data):
        keyword = _keyword_of(chunk)
        if keyword == OB3_PNG_KEYWORD.encode() and chunk.type == b"iTXt" and ob3 is None:
            ob3 = chunk
        elif keyword == OB2_PNG_KEYWORD.encode() and ob2 is None:
            ob2 = chunk
    if ob3 is not None:
        text = _text_of(ob3, OB3_PNG_KEYWORD.encode()).strip()
        return BakedPayload("png", "ob3", text, classify(text))
    if ob2 is not None:
        text = _text_of(ob2, OB2_PNG_KEYWORD.encode()).strip()
        return BakedPayload("png", "ob2", text, classify(text))
    raise BakingError("This PNG carries no Open Badges credential.", code="bake.not_baked")
