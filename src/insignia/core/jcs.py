"""JSON Canonicalization Scheme (RFC 8785), with a fast path for the JSON credentials hold.

``rfc8785`` is exact but pure Python, and it dominated eddsa-jcs-2022 signing.  For most
credentials the standard library's C encoder writes the same bytes: with ``sort_keys`` and
compact separators it differs from JCS only in

* numbers: JCS writes every number as an ECMAScript double, so floats and integers beyond
  ±(2⁵³−1) need its formatting — the fast path takes neither;
* member order: JCS sorts keys by UTF-16 code units, Python by code points.  The two
  disagree only between a character above U+FFFF (a surrogate pair, D800–DFFF) and one in
  U+E000–U+FFFF, so output holding both kinds goes the exact way;
* strings: both escape ``"``, ``\\``, ``\\b \\f \\n \\r \\t`` and other controls as
  lowercase ``\\u00xx`` and write everything else as is (``ensure_ascii=False``).

Anything else (floats, big integers, other types, unencodable surrogates, deep nesting)
falls back to ``rfc8785``, so the result is always what ``rfc8785`` gives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

import rfc8785

from insignia.core.errors import InputError
from insignia.core.jsonld.literals import exact_double

#: Integers JCS writes as plain digits (the doubles that are exact integers, ±(2⁵³−1)).
_SAFE_INT: Final = 2**53
#: UTF-8 lead bytes of characters above U+FFFF, and of U+E000–U+FFFF.
_ASTRAL_LEADS: Final = b"\xf0\xf1\xf2\xf3\xf4"
_HIGH_BMP_LEADS: Final = b"\xee\xef"
_NOT_LEADS: Final = bytes(b for b in range(256) if b not in _ASTRAL_LEADS + _HIGH_BMP_LEADS)
_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
)


def canonicalize(document: Any) -> bytes:
    """The RFC 8785 bytes of ``document``, exactly as ``rfc8785`` writes them.

    Big integers are read as the double they equal, as a JavaScript signer would (and
    refused when no double equals them).

    :raises InputError: ``input.not_json`` when the value cannot be canonicalized.
    """
    fast = fast_canonical(document)
    if fast is not None:
        return fast
    try:
        return bytes(rfc8785.dumps(_as_doubles(document)))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InputError(
            f"The document cannot be JCS-canonicalized: {exc}", code="input.not_json"
        ) from None


def fast_canonical(document: Any) -> bytes | None:
    """The JCS bytes from the C encoder, or None when this value needs ``rfc8785``."""
    try:
        if not _plain(document):
            return None
        data = _ENCODER.encode(document).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        return None
    return data if _orders_agree(data) else None


def _orders_agree(data: bytes) -> bool:
    """True unless ``data`` holds both a character above U+FFFF and one in U+E000–U+FFFF,
    the only pair that code points and UTF-16 code units sort differently.  (Byte
    deletion, one pass in C: a regular expression scan cost half as much as encoding.)"""
    if data.isascii():
        return True
    leads = data.translate(None, _NOT_LEADS)
    return not leads.translate(None, _HIGH_BMP_LEADS) or not leads.translate(None, _ASTRAL_LEADS)


def _plain(value: Any) -> bool:
    """True for JSON built from exact ``dict``/``list``/``str``/``bool``/``None`` and
    integers JCS writes as digits (subclasses, floats and big integers are not).

    Members are checked inline and only containers recurse: this walk guards the C
    encoding and cost as much as it when it called itself for every string.
    """
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            member = type(item)
            if member is str or member is bool or item is None:
                continue
            if member is int:
                if not -_SAFE_INT < item < _SAFE_INT:
                    return False
            elif not _plain(item):
                return False
        return True
    if kind is list:
        for item in value:
            member = type(item)
            if member is str or member is bool or item is None:
                continue
            if member is int:
                if not -_SAFE_INT < item < _SAFE_INT:
                    return False
            elif not _plain(item):
                return False
        return True
    if kind is int:
        return bool(-_SAFE_INT < value < _SAFE_INT)
    return kind is str or kind is bool or value is None


def _as_doubles(value: Any) -> Any:
    """RFC 8785 reads numbers as doubles: big integers become the double they equal
    (rfc8785 refuses them as integers), or are refused when no double equals them."""
    if isinstance(value, Mapping):
        return {k: _as_doubles(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_doubles(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _SAFE_INT:
        return exact_double(value)
    return value
