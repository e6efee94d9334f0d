"""The unbaker over hostile images: random bytes, mutated baked PNGs and SVGs (and the full
verifier over them).  Every input gives a payload or a ``BakingError``, within the bound."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from insignia.core.baking import BakedPayload, unbake
from insignia.core.errors import BakingError, InsigniaError
from insignia.core.verify import verify_bytes
from tests.fuzz.conftest import FUZZ, bounded
from tests.fuzz.seeds import baked_images
from tests.fuzz.strategies import mutated_bytes
from tests.fuzz.test_verifier import OPTIONS

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def unbake_any(data: bytes) -> BakedPayload | None:
    with bounded():
        try:
            payload = unbake(data)
        except BakingError:
            return None
    assert isinstance(payload, BakedPayload) and isinstance(payload.payload, str)
    return payload


def test_the_seeds_unbake() -> None:
    for image in baked_images():
        assert unbake_any(image) is not None


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    unbake_any(data)
    unbake_any(PNG_HEADER + data)
    unbake_any(b"<svg " + data)


@FUZZ
@given(st.sampled_from(range(3)).flatmap(lambda i: mutated_bytes(baked_images()[i])))
def test_mutated_baked_images(data: bytes) -> None:
    unbake_any(data)


@FUZZ
@given(
    st.text(max_size=200).map(
        lambda text: (
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
            b"<openbadges:credential><![CDATA[" + text.encode("utf-8", "replace") + b"]]>"
            b"</openbadges:credential></svg>"
        )
    )
    | st.sampled_from(
        [
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>',
            b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:1/x.dtd"><svg/>',
            b"<svg>" * 5000,
            b"<svg " + b'a="1" ' * 5000 + b"/>",
        ]
    )
)
def test_hostile_svg(data: bytes) -> None:
    unbake_any(data)


@FUZZ
@given(st.sampled_from(range(3)).flatmap(lambda i: mutated_bytes(baked_images()[i])))
def test_verifier_over_mutated_images(data: bytes) -> None:
    with bounded(), contextlib.suppress(InsigniaError):
        verify_bytes(data, OPTIONS)
