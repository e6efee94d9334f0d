"""Input sniffing classifies by content, never by file name."""

from __future__ import annotations

import pytest

from insignia.core.errors import InputError
from insignia.core.inputs import InputKind, looks_like_jws, sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'  {"@context": []}', InputKind.JSON),
        (b"\xef\xbb\xbf{}", InputKind.JSON),
        (b"eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln\n", InputKind.JWT),
        (b"https://example.edu/badges/1", InputKind.URL),
        (PNG, InputKind.PNG),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', InputKind.SVG),
    ],
)
def test_kinds(data: bytes, kind: InputKind) -> None:
    assert sniff(data).kind is kind


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b"hello world", b"<html><body/></html>", b"\x00\x01\x02\xff", b"a.b"],
)
def test_unrecognised_input_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        sniff(data)
    assert err.value.code in {"input.empty", "input.unrecognised"}


def test_url_with_spaces_is_not_a_url() -> None:
    with pytest.raises(InputError):
        sniff(b"https://a.example/ b")


def test_jws_shape() -> None:
    assert looks_like_jws("aGVhZA.cGF5bG9hZA.c2ln")
    assert not looks_like_jws("aGVhZA.cGF5bG9hZA")
    assert not looks_like_jws("a+b.c.d")
