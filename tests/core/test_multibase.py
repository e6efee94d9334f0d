"""Multibase codecs: round trips, leading zeros, strict alphabets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insignia.core import multibase
from insignia.core.errors import KeyFormatError


@given(st.binary(max_size=80))
def test_base58_round_trip(data: bytes) -> None:
    assert multibase.b58decode(multibase.b58encode(data)) == data


@given(st.binary(max_size=80), st.sampled_from(["z", "u"]))
def test_multibase_round_trip(data: bytes, base: str) -> None:
    encoded = multibase.encode(data, base)
    assert encoded[0] == base
    if data:
        assert multibase.decode(encoded) == data


def test_leading_zero_bytes_are_ones() -> None:
    assert multibase.b58encode(b"\0\0\x01") == "112"


def test_known_multikey_prefix() -> None:
    # An Ed25519 Multikey always starts with z6Mk (multicodec 0xed01 + 32 bytes).
    assert multibase.encode(multibase.ED25519_PUB + b"\x01" * 32).startswith("z6Mk")


@pytest.mark.parametrize("bad", ["z0OIl", "m" + "AAAA", "", "z", "u+/"])
def test_bad_input_is_a_key_format_error(bad: str) -> None:
    with pytest.raises(KeyFormatError):
        multibase.decode(bad)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\x39", "z"),
        (b"\x3a", "21"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (
            b"\0\0" + b"\xff" * 64,
            "1167rpwLCuS5DGA8KGZXKsVQ7dnPb9goRLoKfgGbLfQg9WoLUgNY77E2jT11fem3"
            "coV9nAkguBACzrU1iyZM4B8roQ",
        ),
    ],
)
def test_base58_known_values(data: bytes, text: str) -> None:
    assert multibase.b58encode(data) == text
    assert multibase.b58decode(text) == data


@given(st.text(max_size=12))
def test_base64url_refuses_exactly_the_characters_outside_its_alphabet(text: str) -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
    try:
        multibase.b64url_decode(text)
    except KeyFormatError as exc:
        refused_for_alphabet = exc.__cause__ is None
    else:
        refused_for_alphabet = False
    assert refused_for_alphabet == any(c not in alphabet for c in text)


@given(st.binary(max_size=100))
def test_base58_equals_digit_by_digit_encoding(data: bytes) -> None:
    num, digits = int.from_bytes(data, "big"), ""
    while num:
        num, rem = divmod(num, 58)
        digits = multibase._B58[rem] + digits
    zeros = len(data) - len(data.lstrip(b"\0"))
    assert multibase.b58encode(data) == "1" * zeros + digits
