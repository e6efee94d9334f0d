"""The shape-template fast path gives the general path's bytes, or declines: never another."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.core.proofs.helpers import ONE_ED, corpus, load
from tests.support.paths import VECTORS

from insignia.core.errors import InsigniaError, SafeModeError
from insignia.core.jsonld import shapes
from insignia.core.jsonld.canonical import canonicalize_checked
from insignia.core.jsonld.loader import DEFAULT_STORE

BASE: dict[str, Any] = load(ONE_ED / "obv3p0" / "unsigned.json")
BASE.pop("proof", None)
EXACT = {"type", "@context", "@type", "@language", "@direction"}

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
IRIS = st.one_of(
    st.builds(
        "https://example.org/{}".format, st.from_regex(r"[a-z0-9/_~-]{0,12}", fullmatch=True)
    ),
    st.builds("did:example:{}".format, st.from_regex(r"[A-Za-z0-9.:]{1,12}", fullmatch=True)),
    st.builds("urn:uuid:{}".format, st.uuids()),
    st.sampled_from(
        [
            "https://h:abc/",
            "https://x/%zz",
            "https://x/./a",
            "https://x/a/../b",
            "_:b1",
            "",
            "relative/path",
            "xsd:string",
            "https://x/é",
            "HTTPS://X/",
            "mailto:a@b.c",
        ]
    ),
)
DATES = st.sampled_from(["2024-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "not a date", "2024"])
NUMBERS = st.one_of(st.integers(-(2**60), 2**60), st.floats(allow_nan=False, allow_infinity=False))
STRINGS = st.one_of(TEXT, IRIS, DATES)


def same_scheme(value: str) -> st.SearchStrategy[str]:
    scheme = value.split(":", 1)[0]
    tail = st.from_regex(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]{0,16}", fullmatch=True)
    return st.builds(lambda t: f"{scheme}:{t}", tail)


def general(doc: dict[str, Any]) -> str | type[InsigniaError]:
    try:
        return canonicalize_checked(doc)
    except InsigniaError as exc:
        return type(exc)


def assert_fast_agrees(doc: dict[str, Any]) -> str | None:
    """The fast path is None or equal to the general path (and None when that fails)."""
    fast = shapes.canonical(doc, DEFAULT_STORE)
    expected = general(doc)
    if fast is not None:
        assert fast == expected
    return fast


def mutate(doc: Any, data: st.DataObject, rate: float = 0.4) -> Any:
    """A copy of ``doc`` with some strings and numbers redrawn (keys, types, contexts kept)."""
    if isinstance(doc, dict):
        return {k: v if k in EXACT else mutate(v, data, rate) for k, v in doc.items()}
    if isinstance(doc, list):
        return [mutate(v, data, rate) for v in doc]
    if data.draw(st.floats(0, 1)) > rate:
        return doc
    if isinstance(doc, str):  # mostly a string of the same class, so the template is used
        if data.draw(st.integers(0, 9)) == 0:
            return data.draw(STRINGS)
        return data.draw(same_scheme(doc) if shapes.string_class(doc) else TEXT)
    if isinstance(doc, int | float) and not isinstance(doc, bool):
        return data.draw(NUMBERS)
    return doc


def test_the_template_route_is_taken_and_byte_identical() -> None:
    doc = copy.deepcopy(BASE)
    assert assert_fast_agrees(doc) is not None  # compiles
    doc["id"] = "urn:uuid:5d1d1a2e-0000-4000-8000-000000000001"
    doc["credentialSubject"]["achievement"]["name"] = 'ctl \x01\x7f\b "q" \\ é 🎓 \u2028'
    assert assert_fast_agrees(doc) is not None  # substitutes


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_credentials_agree_with_the_general_path(data: st.DataObject) -> None:
    shapes.canonical(BASE, DEFAULT_STORE)  # the cohort's shape is compiled
    assert_fast_agrees(mutate(BASE, data))


def _extended(data: st.DataObject) -> dict[str, Any]:
    """OB credentials with structure drawn too: results, languages, empty arrays, numbers,
    look-alike blank nodes, extension properties and unknown terms."""
    doc = copy.deepcopy(BASE)
    subject = doc["credentialSubject"]
    result = {"type": ["Result"], "value": data.draw(TEXT)}
    subject["result"] = [copy.deepcopy(result) for _ in range(data.draw(st.integers(0, 3)))]
    if data.draw(st.booleans()):
        subject["result"].append(
            {"type": ["Result"], "value": data.draw(TEXT), "resultDescription": data.draw(IRIS)}
        )
    subject["creditsEarned"] = data.draw(NUMBERS)
    subject["achievement"]["description"] = data.draw(
        st.one_of(TEXT, st.builds(lambda v: {"@value": v, "@language": "de-AT"}, TEXT))
    )
    subject["achievement"]["tag"] = data.draw(st.lists(TEXT, max_size=3))
    if data.draw(st.booleans()):
        doc["@context"] = [
            *doc["@context"],
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ]
    if data.draw(st.integers(0, 5)) == 0:
        subject[data.draw(st.sampled_from(["fooUnknown", "evidenceX"]))] = data.draw(TEXT)
    return doc


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_structures_agree_with_the_general_path(data: st.DataObject) -> None:
    first = _extended(data)
    assert_fast_agrees(first)  # may compile this shape
    assert_fast_agrees(mutate(first, data, rate=0.6))  # same shape, other values mostly


def test_unknown_terms_fail_not_drop() -> None:
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["fooUnknown"] = "x"
    assert shapes.canonical(doc, DEFAULT_STORE) is None
    with pytest.raises(SafeModeError):
        canonicalize_checked(doc)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"].update(extra="x"),  # a new key
        lambda d: d["type"].append("Extra"),  # another type
        lambda d: d.update({"@context": [*d["@context"], {"x": "https://x/"}]}),  # inline context
        lambda d: d["credentialSubject"].update(id="_:b0"),  # a blank node
        lambda d: d.update(id="relative"),  # a relative IRI
        lambda d: d.update(id="https://h:abc/"),  # an IRI pyoxigraph refuses
        lambda d: d.update(name=f"{shapes.MARK}0x"),  # the sentinel itself
    ],
)
def test_anything_outside_the_template_declines(change: Any) -> None:
    shapes.canonical(BASE, DEFAULT_STORE)
    doc = copy.deepcopy(BASE)
    change(doc)
    assert shapes.canonical(doc, DEFAULT_STORE) is None or general(doc) == shapes.canonical(
        doc, DEFAULT_STORE
    )


def test_iri_slot_values_outside_the_proven_class_fall_back() -> None:
    shapes.canonical(BASE, DEFAULT_STORE)
    for value in ("https://h:abc/", "https://x/%zz", "https://x/./a", "_:b0", "relative"):
        doc = {**BASE, "id": value}
        assert shapes.canonical(doc, DEFAULT_STORE) is None, value


def test_corpus_agrees() -> None:
    for doc in corpus():
        assert_fast_agrees(doc)
        assert_fast_agrees(doc)  # second time from the template


def _vector_documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(VECTORS.rglob("*.json*")):
        if "contexts" in path.parts or path.stat().st_size > 200_000:
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(doc, dict) and "@context" in doc:
            doc.pop("proof", None)
            found.append((str(path.relative_to(VECTORS)), doc))
    return found


def test_every_vector_agrees() -> None:
    taken = 0
    docs = _vector_documents()
    for _name, doc in docs:
        assert_fast_agrees(doc)
        taken += assert_fast_agrees(doc) is not None
    assert taken > len(docs) // 4  # the fast path is not silently declining everything


def test_vector_shapes_with_other_values_agree() -> None:
    """Each vector's shape, compiled, then fed the values of the vector reversed."""
    for _name, doc in _vector_documents():
        if shapes.canonical(doc, DEFAULT_STORE) is None:
            continue
        _key, values = shapes.shape_of(doc, DEFAULT_STORE)
        swapped = _replace_strings(doc, iter(reversed(values)))
        assert_fast_agrees(swapped)


def _replace_strings(value: Any, new: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: v
            if k in EXACT or (k.startswith("@") and k not in ("@id", "@value"))
            else _replace_strings(v, new)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replace_strings(v, new) for v in value]
    return next(new) if isinstance(value, str) else value
