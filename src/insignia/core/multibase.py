"""Multibase and multicodec helpers: base58btc (``z…``) and base64url (``u…``).

Data Integrity proofs carry signatures as base58btc multibase, Multikeys prefix their bytes
with a multicodec varint (0xed01 for an Ed25519 public key, 0x8026 for its secret seed), and
Bitstring status lists use base64url multibase.  These are tiny, so we own them rather than
pull a dependency whose errors would not be ours.
"""

from __future__ import annotations

import base64
import binascii
import re

from insignia.core.errors import KeyFormatError

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_B58_PAIRS = [a + b for a in _B58 for b in _B58]
_B58_CHUNK = 58**10
_B58_HALF = 58**5
_B58_CUBE = 58**3
_B64URL_TEXT = re.compile(r"[A-Za-z0-9_=-]*")
_B64_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")

#: Multicodec prefixes (varint-encoded) that Insignia reads and writes.
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
P256_PUB = b"\x80\x24"


def b58encode(data: bytes) -> str:
    """Encode bytes as base58 (Bitcoin alphabet), keeping leading zero bytes as ``1``.

    Every proof value is written this way, so it is tuned: the big number is cut into
    chunks of ten digits (one division of the big number per chunk, not per digit), each
    chunk into two halves of five digits, each half written as pair, pair, digit from tables.
    """
    zeros = len(data) - len(data.lstrip(b"\0"))
    num = int.from_bytes(data, "big")
    chunks: list[int] = []
    while num:
        num, chunk = divmod(num, _B58_CHUNK)
        chunks.append(chunk)
    pairs, digits = _B58_PAIRS, _B58
    out: list[str] = []
    for chunk in reversed(chunks):
        high, low = divmod(chunk, _B58_HALF)
        out.append(pairs[high // _B58_CUBE] + pairs[high // 58 % 3364] + digits[high % 58])
        out.append(pairs[low // _B58_CUBE] + pairs[low // 58 % 3364] + digits[low % 58])
    # The first chunk is padded with zero digits ("1"); the number itself starts with none.
    return "1" * zeros + "".join(out).lstrip("1")


def b58decode(text: str) -> bytes:
    """Decode base58 (Bitcoin alphabet).

    :raises KeyFormatError: on a character outside the alphabet.
    """
    num = 0
    for ch in text:
        try:
            num = num * 58 + _B58_INDEX[ch]
        except KeyError:
            raise KeyFormatError(
                f"{ch!r} is not a base58 character.", code="multibase.invalid"
            ) from None
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    """Encode as unpadded base64url (RFC 4648 §5), as JOSE and multibase ``u`` use it."""
    return b64url_bytes(data).decode("ascii")


def b64url_bytes(data: bytes) -> bytes:
    """:func:`b64url_encode` as ASCII bytes, for JWS signing input (no text round trip)."""
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_B64_TO_URLSAFE)


def b64url_decode(text: str) -> bytes:
    """Decode unpadded (or padded) base64url strictly.

    :raises KeyFormatError: on characters outside the base64url alphabet.
    """
    if not _B64URL_TEXT.fullmatch(text):
        raise KeyFormatError("Not base64url text.", code="multibase.invalid")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError("Not base64url text.", code="multibase.invalid") from exc


def encode(data: bytes, base: str = "z") -> str:
    """Encode bytes as multibase: ``z`` = base58btc, ``u`` = base64url without padding."""
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase prefix {base!r}")


def decode(text: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string.

    :raises KeyFormatError: on an empty string, another base, or bad characters.
    """
    if not isinstance(text, str) or len(text) < 2:
        raise KeyFormatError("Empty or non-string multibase value.", code="multibase.invalid")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise KeyFormatError(
        f"Multibase prefix {prefix!r} is not supported (expected 'z' or 'u').",
        code="multibase.unsupported",
    )
