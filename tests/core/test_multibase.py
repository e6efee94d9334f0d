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
