"""JSON-LD safe mode: every loss jsonld.js's safe mode refuses is found, with its JSON path.

The unit tests pin one rule each; the ``peer`` tests hold our verdict against jsonld.js
itself (safe mode on) on every credential in the shared vectors and on generated mutations.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.paths import VECTORS
from tests.support.peer import peer_jsonl

from insignia.core.errors import ContextError, InputError, JsonLdError, SafeModeError
from insignia.core.jsonld.loader import DEFAULT_STORE
from insignia.core.jsonld.safemode import UndefinedTerm, check, find_undefined, format_path

OB_VECTOR = VECTORS / "1edtech-ob-spec/impl-guide-test-vectors/obv3p0/unsigned.json"
FULL_OB = VECTORS / "1edtech-ob-spec/spec-examples/fullOpenBadge.json"
EX = {"ex": "https://example.org/"}


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def ob() -> dict[str, Any]:
    """The 1EdTech implementation-guide OB 3.0 credential (unsigned, valid)."""
    return load(OB_VECTOR)


def found(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(path, term, event) of every finding."""
    return {(f.path, f.term, f.event) for f in find_undefined(doc)}


def local(context: dict[str, Any], **body: Any) -> dict[str, Any]:
    """A document with only an inline context."""
    return {"@context": context, **body}


# -- the valid case ----------------------------------------------------------------------------


def test_valid_ob_credential_has_nothing_undefined() -> None:
    assert find_undefined(ob()) == []
    check(ob())
    check(load(FULL_OB))


# -- undefined properties ----------------------------------------------------------------------


def test_undefined_property_at_top_level() -> None:
    doc = ob()
    doc["fooBar"] = "x"
    assert find_undefined(doc) == [
        UndefinedTerm(
            path="fooBar",
            term="fooBar",
            kind="property",
            reason="no context defines it, so it would not be signed",
            event="invalid property",
        )
    ]


def test_undefined_property_nested() -> None:
    doc = ob()
    doc["credentialSubject"]["achievement"]["fooBar"] = {"deeper": 1}
    assert found(doc) == {
        ("credentialSubject.achievement.fooBar", "fooBar", "invalid property"),
    }


def test_undefined_property_in_array_element() -> None:
    doc = ob()
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "T", "targetUrl": "https://example.org/t"},
        {"type": ["Alignment"], "targetName": "U", "targetUrl": "https://u.example", "oops": 1},
    ]
    assert found(doc) == {
        ("credentialSubject.achievement.alignment[1].oops", "oops", "invalid property")
    }


def test_every_undefined_property_is_reported_once() -> None:
    doc = ob()
    doc["a1"] = 1
    doc["issuer"]["a2"] = 2
    doc["credentialSubject"]["a3"] = [3, 4]
    # in the order jsonld.js meets them: depth first, keys sorted
    assert [f.term for f in find_undefined(doc)] == ["a1", "a3", "a2"]


def test_term_defined_only_under_a_type_needs_that_type() -> None:
    """``achievement`` comes from the AchievementSubject type-scoped context."""
    doc = ob()
    doc["credentialSubject"]["type"] = ["Profile"]
    assert ("credentialSubject.achievement", "achievement", "invalid property") in found(doc)
    assert find_undefined(ob()) == []


def test_type_scoped_context_does_not_propagate_but_can_be_told_to() -> None:
    ctx: dict[str, Any] = {
        **EX,
        "Thing": {"@id": "ex:Thing", "@context": {"inner": "ex:inner"}},
        "child": "ex:child",
    }
    doc = local(ctx, **{"@type": "Thing", "inner": 1, "child": {"inner": 2}})
    assert found(doc) == {("child.inner", "inner", "invalid property")}
    ctx["Thing"]["@context"]["@propagate"] = True
    assert find_undefined(doc) == []


def test_property_scoped_context_propagates() -> None:
    ctx = {**EX, "child": {"@id": "ex:child", "@context": {"deep": "ex:deep"}}, "grand": "ex:grand"}
    assert find_undefined(local(ctx, child={"deep": 1, "grand": {"deep": 2}})) == []
    assert found(local(ctx, deep=1, grand=2)) == {("deep", "deep", "invalid property")}


def test_vocab_defines_everything() -> None:
    doc = ob()
    doc["fooBar"] = 1
    doc["type"].append("MadeUpType")
    doc["@context"].append({"@vocab": "https://example.org/vocab#"})
    assert find_undefined(doc) == []
    doc["@context"][-1] = "https://www.w3.org/ns/credentials/examples/v2"
    assert find_undefined(doc) == []


def test_prefixed_terms_and_absolute_iris_are_defined() -> None:
    ctx = {**EX, "label": "ex:label"}
    doc = local(ctx, **{"ex:any": 1, "label": "x", "https://schema.org/name": "n"})
    assert find_undefined(doc) == []
    # an unknown prefix still looks like an IRI scheme to jsonld.js: signed as <nope:thing>
    assert find_undefined(local(ctx, **{"nope:thing": 1})) == []
    # ...but not with a space in it, or without a scheme
    doc = local(ctx, **{"ex thing": 1, ":x": 2, "ex:p": 3})
    assert {f.term for f in find_undefined(doc)} == {
        "ex thing",
        ":x",
    }


def test_keyword_aliases_work() -> None:
    ctx = {**EX, "ident": "@id", "kind": "@type", "Thing": "ex:Thing"}
    assert find_undefined(local(ctx, ident="https://example.org/1", kind="Thing")) == []


def test_null_mapped_term_is_a_dropped_property() -> None:
    doc = local({**EX, "gone": None}, gone=1, **{"ex:p": 2})
    assert found(doc) == {("gone", "gone", "invalid property")}


def test_blank_node_predicate_is_refused() -> None:
    assert found(local(EX, **{"_:b0": "x"})) == {("_:b0", "_:b0", "blank node predicate")}


# -- types -------------------------------------------------------------------------------------


def test_undefined_type() -> None:
    doc = ob()
    doc["type"].append("MadeUpCredential")
    assert find_undefined(doc) == [
        UndefinedTerm(
            path="type[2]",
            term="MadeUpCredential",
            kind="type",
            reason="no context defines this type, so it would not be signed",
            event="relative @type reference",
        )
    ]


def test_dcc_safe_mode_breaker_is_rejected() -> None:
    doc = load(VECTORS / "dcc-verifier-core/credentials/safeModeBreaker.json")
    with pytest.raises(SafeModeError) as err:
        check(doc)
    assert err.value.code == "jsonld.undefined_term"
    assert "StatusList2021Entry" in err.value.detail["terms"]
    status = [f for f in err.value.detail["findings"] if f["term"] == "StatusList2021Entry"]
    assert status == [
        {
            "path": "credentialStatus.type",
            "term": "StatusList2021Entry",
            "kind": "type",
            "reason": "no context defines this type, so it would not be signed",
            "event": "relative @type reference",
        }
    ]


def test_type_of_a_value_object_must_be_defined() -> None:
    assert found(local(EX, **{"ex:p": {"@value": "x", "@type": "Nope"}})) == {
        ("ex:p.@type", "Nope", "relative @type reference")
    }


def test_json_is_not_a_node_type() -> None:
    assert ("", "@json", "relative object reference") in found(
        local(EX, **{"@type": "@json", "ex:p": 1})
    )


# -- identifiers and references ----------------------------------------------------------------


def test_relative_id_is_refused() -> None:
    doc = ob()
    doc["credentialSubject"]["achievement"]["id"] = "teamwork"
    assert found(doc) == {
        ("credentialSubject.achievement.id", "teamwork", "relative @id reference")
    }


def test_id_with_a_space_is_relative() -> None:
    doc = ob()
    doc["id"] = "http://example.com/a b"
    assert found(doc) == {("id", "http://example.com/a b", "relative @id reference")}


def test_base_makes_relative_ids_absolute() -> None:
    doc = local({**EX, "@base": "https://example.org/dir/"}, **{"@id": "doc", "ex:p": 1})
    assert find_undefined(doc) == []


def test_relative_reference_in_an_id_typed_property() -> None:
    doc = ob()
    doc["issuer"] = "not-an-iri"
    assert found(doc) == {("issuer", "not-an-iri", "relative object reference")}


def test_undefined_value_of_a_vocab_typed_property() -> None:
    doc = load(VECTORS / "dcc-verifier-core/credentials/v2EddsaWithValidStatus.json")
    check(doc)
    doc["proof"]["proofPurpose"] = "noSuchPurpose"
    assert found(doc) == {("proof.proofPurpose", "noSuchPurpose", "relative object reference")}


def test_reserved_id_value() -> None:
    assert found(local(EX, **{"@id": "@thing", "ex:p": 1})) == {
        ("@id", "@thing", "reserved @id value")
    }


def test_non_string_id_is_invalid_json_ld() -> None:
    doc = ob()
    doc["id"] = 42
    with pytest.raises(JsonLdError) as err:
        find_undefined(doc)
    assert err.value.code == "jsonld.invalid_id_value"


# -- languages, values and objects that vanish -------------------------------------------------


def test_invalid_language_tag() -> None:
    doc = ob()
    doc["name"] = {"@value": "Teamwork", "@language": "en_GB"}
    assert found(doc) == {("name.@language", "en_GB", "invalid @language value")}
    doc["name"]["@language"] = "en-GB"
    assert find_undefined(doc) == []


def test_invalid_language_map_key() -> None:
    ctx = {**EX, "label": {"@id": "ex:label", "@container": "@language"}}
    assert found(local(ctx, label={"en": "x", "e_n": "y"})) == {
        ("label.e_n", "e_n", "invalid @language value")
    }


def test_values_and_objects_that_carry_nothing() -> None:
    doc = ob()
    doc["name"] = {"@value": None}
    doc["description"] = {"@language": "en"}
    assert found(doc) == {
        ("name", "@value", "null @value value"),
        ("description", "en", "object with only @language"),
    }


def test_top_level_graph_nodes_that_would_vanish() -> None:
    doc = local(EX, **{"@graph": [{"@id": "https://example.org/x"}, {}, "free", {"ex:p": 1}]})
    assert {(f.path, f.event) for f in find_undefined(doc)} == {
        ("@graph[0]", "object with only @id"),
        ("@graph[1]", "empty object"),
        ("@graph[2]", "free-floating scalar"),
    }


def test_value_in_a_graph_container_would_vanish() -> None:
    """A presentation whose credential is a string: the VCDM 2.0 suite's own example."""
    doc = load(VECTORS / "w3c-vc-dm2-test-suite/input/presentation-vc-as-string-fail.json")
    assert {f.event for f in find_undefined(doc)} == {"object with only @value"}


# -- every place a key can hide ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "body", "path"),
    [
        ({}, {"@graph": [{"ex:p": {"oops": 1}}]}, "@graph[0].ex:p.oops"),
        ({}, {"@included": [{"@id": "https://x.example", "oops": 1}]}, "@included[0].oops"),
        ({}, {"@nest": {"oops": 1}}, "@nest.oops"),
        ({}, {"@reverse": {"ex:r": {"@id": "https://x.example", "oops": 1}}}, "@reverse.ex:r.oops"),
        ({}, {"@reverse": {"oops": {"@id": "https://x.example"}}}, "@reverse.oops"),
        ({}, {"ex:p": {"@list": [{"oops": 1}]}}, "ex:p.@list[0].oops"),
        ({}, {"ex:p": {"@set": [{"oops": 1}]}}, "ex:p.@set[0].oops"),
        (
            {"m": {"@id": "ex:m", "@container": "@index"}},
            {"m": {"k": {"oops": 1}}},
            "m.k[0].oops",
        ),
        (
            {"m": {"@id": "ex:m", "@container": "@id"}},
            {"m": {"https://x.example": {"oops": 1}}},
            "m.https://x.example[0].oops",
        ),
        (
            {"m": {"@id": "ex:m", "@container": "@type"}, "T": "ex:T"},
            {"m": {"T": {"oops": 1}}},
            "m.T[0].oops",
        ),
        (
            {"m": {"@id": "ex:m", "@container": "@graph"}},
            {"m": {"oops": 1, "ex:p": 2}},
            "m.oops",
        ),
        ({"r": {"@reverse": "ex:r"}}, {"r": {"oops": 1}}, "r.oops"),
    ],
)
def test_undefined_key_is_found_everywhere(
    context: dict[str, Any], body: dict[str, Any], path: str
) -> None:
    doc = local({**EX, **context}, **{"@id": "https://example.org/doc", **body})
    assert (path, "oops", "invalid property") in found(doc)


def test_undefined_type_as_a_type_map_key() -> None:
    ctx = {**EX, "m": {"@id": "ex:m", "@container": "@type"}}
    assert ("m.Nope", "Nope", "relative object reference") in found(
        local(ctx, m={"Nope": {"ex:p": 1}})
    )


def test_json_literals_are_not_looked_into() -> None:
    ctx = {**EX, "data": {"@id": "ex:data", "@type": "@json"}}
    assert find_undefined(local(ctx, data={"anything": [1, {"@weird": True}]})) == []


def test_keyword_keys_that_carry_no_data_are_refused() -> None:
    """Stricter than jsonld.js, which drops these silently (so they escape the signature)."""
    doc = ob()
    doc["credentialSubject"]["@none"] = "unsigned"
    assert found(doc) == {("credentialSubject.@none", "@none", "dropped keyword")}


# -- contexts ----------------------------------------------------------------------------------


def test_protected_term_cannot_be_redefined() -> None:
    doc = ob()
    doc["@context"].append({"name": "https://example.org/name"})
    with pytest.raises(JsonLdError) as err:
        check(doc)
    assert err.value.code == "jsonld.protected_term_redefinition"
    assert not isinstance(err.value, SafeModeError)


def test_protected_term_may_be_repeated_identically() -> None:
    doc = ob()
    doc["@context"].append({"name": "https://schema.org/name"})
    check(doc)


def test_unknown_context_url() -> None:
    doc = ob()
    doc["@context"].append("https://contexts.example/unknown.json")
    with pytest.raises(ContextError) as err:
        find_undefined(doc)
    assert err.value.code == "jsonld.unknown_context"


@pytest.mark.parametrize(
    ("context", "event"),
    [
        ({"@foo": "x"}, "reserved term"),
        ({"@vocab": "relative/"}, "relative @vocab reference"),
        ({"@language": "e_n"}, "invalid @language value"),
        ({"t": {"@reverse": "@reserved"}}, "reserved @reverse value"),
        ({"t": {"@id": "@reserved"}}, "reserved @id value"),
    ],
)
def test_context_events(context: dict[str, Any], event: str) -> None:
    findings = find_undefined(local({**EX, **context}, **{"@id": "https://x.example", "ex:p": "v"}))
    assert [(f.kind, f.event) for f in findings] == [("context", event)]


# -- the API -----------------------------------------------------------------------------------


def test_check_message_names_the_first_terms() -> None:
    doc = ob()
    for i in range(7):
        doc[f"extra{i}"] = i
    with pytest.raises(SafeModeError) as err:
        check(doc)
    assert err.value.code == "jsonld.undefined_term"
    assert "'extra0' at extra0" in err.value.message
    assert "and 2 more" in err.value.message
    assert err.value.detail["terms"] == [f"extra{i}" for i in range(7)]
    assert err.value.to_dict()["detail"]["findings"][0]["kind"] == "property"


def test_bad_input_is_an_insignia_error() -> None:
    with pytest.raises(InputError):
        find_undefined([1, 2])  # type: ignore[arg-type]
    deep: dict[str, Any] = {"@context": EX}
    node = deep
    for _ in range(5000):
        node["ex:p"] = {}
        node = node["ex:p"]
    with pytest.raises(InputError) as err:
        find_undefined(deep)
    assert err.value.code == "input.too_deep"
    with pytest.raises(JsonLdError):
        find_undefined({"@context": EX, "ex:p": {1: "not a JSON key", "b": 2}})


def test_format_path() -> None:
    assert format_path(None) == ""
    assert format_path((((None, "a"), 0), "b")) == "a[0].b"
    assert format_path((None, 3)) == "[3]"


def test_the_document_is_not_modified() -> None:
    doc = load(FULL_OB)
    before = copy.deepcopy(doc)
    find_undefined(doc)
    assert doc == before


# -- property: any undefined key, anywhere, is found -------------------------------------------


@cache
def all_context_keys() -> frozenset[str]:
    """Every key of every object in every shipped context (a superset of the terms)."""
    keys: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for url in DEFAULT_STORE.urls():
        walk(DEFAULT_STORE.document(url))
    return frozenset(keys)


def node_paths(doc: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object of a credential with its path (all are node objects here)."""
    if isinstance(doc, dict):
        yield path, doc
        for key, value in doc.items():
            if key != "@context":
                yield from node_paths(value, f"{path}.{key}" if path else key)
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from node_paths(item, f"{path}[{i}]")


UNDEFINED_KEYS = st.from_regex(r"[a-z][A-Za-z0-9_]{2,14}", fullmatch=True).filter(
    lambda k: k not in all_context_keys()
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from([OB_VECTOR, FULL_OB]),
    key=UNDEFINED_KEYS,
    value=JSON_VALUES,
    where=st.integers(min_value=0),
)
def test_an_undefined_key_anywhere_is_always_found(
    base: Path, key: str, value: Any, where: int
) -> None:
    doc = load(base)
    nodes = list(node_paths(doc))
    path, node = nodes[where % len(nodes)]
    node[key] = value
    expected = f"{path}.{key}" if path else key
    assert (expected, key, "invalid property") in found(doc)
    with pytest.raises(SafeModeError):
        check(doc)


# -- the reference peer ------------------------------------------------------------------------

VECTOR_FOLDERS = (
    "dcc-verifier-core",
    "dcc-vc-test-fixtures",
    "1edtech-ob-spec",
    "w3c-vc-di-eddsa",
    "w3c-vc-dm2-test-suite",
    "w3c-di-test-suite-assertion",
)
_PEER_EVENT = re.compile(r"Safe mode validation error\. \(([^:]+):")


def vector_documents() -> list[tuple[str, dict[str, Any]]]:
    """Every JSON-LD document in the shared vectors, without its proof (as the peer signs)."""
    docs = []
    for folder in VECTOR_FOLDERS:
        for path in sorted((VECTORS / folder).rglob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and "@context" in doc:
                docs.append((str(path.relative_to(VECTORS)), _without_proof(doc)))
    return docs


def _without_proof(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "proof"}


def our_verdict(doc: dict[str, Any]) -> tuple[str, set[str]]:
    """("ok" | "safe" | "error", the event codes or error code)."""
    try:
        events = {f.event for f in find_undefined(doc)}
    except JsonLdError as exc:
        return "error", {exc.code}
    return ("safe", events) if events else ("ok", set())


def agrees(peer: Any, doc: dict[str, Any]) -> bool:
    """Same verdict as the peer: it accepts iff we do; its safe-mode event is among ours
    (or we stopped at a syntax error first); its syntax errors are ours too.  Our one
    deliberate extra, "dropped keyword", may reject what the peer lets through."""
    ours, codes = our_verdict(doc)
    if "dropped keyword" in codes:
        return ours == "safe"
    if isinstance(peer, str):
        return ours == "ok"
    match = _PEER_EVENT.search(peer["error"])
    if match:
        return ours == "error" or (ours == "safe" and match.group(1) in codes)
    return ours == "error"


@pytest.mark.peer
def test_vectors_agree_with_the_reference_peer() -> None:
    docs = vector_documents()
    assert len(docs) > 250
    answers = peer_jsonl(["canonize"], [doc for _, doc in docs])
    assert len(answers) == len(docs)
    disagreements = [
        (name, our_verdict(doc), answer)
        for (name, doc), answer in zip(docs, answers, strict=True)
        if not agrees(answer, doc)
    ]
    assert disagreements == []
    accepted = sum(isinstance(a, str) for a in answers)
    assert 200 < accepted < len(docs)  # both verdicts are exercised


def test_vectors_that_must_fail_do_fail() -> None:
    """Named in SOURCES.md / test-vectors.md: safe mode must reject these (no peer needed)."""
    names = [
        "dcc-verifier-core/credentials/safeModeBreaker.json",
        "w3c-vc-dm2-test-suite/input/credential-type-unmapped-fail.json",
        "w3c-vc-dm2-test-suite/input/names-and-descriptions/credential-name-extra-prop-en-fail.json",
        *(str(p.relative_to(VECTORS)) for p in sorted(VECTORS.rglob("simple-err-*type*.json"))),
    ]
    for name in names:
        with pytest.raises(JsonLdError):
            check(_without_proof(load(VECTORS / name)))


# Small documents only: the peer needs ~0.4 s for the 16 KB full OB example.
MUTATION_BASES = (
    "1edtech-ob-spec/impl-guide-test-vectors/obv3p0/unsigned.json",
    "dcc-verifier-core/credentials/v1WithValidStatus.json",
    "dcc-verifier-core/credentials/v2DoubleSigWithValidStatus.json",
    "w3c-vc-dm2-test-suite/input/credential-ok.json",
    "w3c-vc-di-eddsa/TestVectors/unsigned.json",
)
_KEYS = [
    "fooBar", "name", "description", "url", "ob:foo", "_:b0", "https://example.org/x",
    "http://a b", "@foo", "@index", "", "1", "achievementType", "id", "type", "@type",
    "narrative", "image", "issuer", "credentialSubject", "@graph", "@included", "@reverse",
    "@language", "@value", "@list", "@direction", "evidence", "result",
]  # fmt: skip
_TYPES = [
    "Foo", "Achievement", "Profile", "https://example.org/T", "ob:T", "_:t",
    "VerifiableCredential", "EndorsementCredential", "Image", "@json", "http://a b", "@foo",
]  # fmt: skip
_IDS = ["foo", "urn:x", "did:example:1", "", "@foo", "_:b1", "http://a b", "#f", "https://e.x/y"]
# Inline contexts without events of their own: jsonld.js caches a context's events in an
# array shared with the rest of the @context list, so a batch containing such a context
# would make later, unrelated documents fail in the same peer process.
_EXTRA_CONTEXTS = [
    {"fooBar": "https://example.org/fooBar"},
    {"@vocab": "https://example.org/"},
    {"name": "https://example.org/name"},
    {"ex": "https://example.org/"},
    {"Foo": "https://example.org/Foo"},
    {"@base": "https://example.org/"},
    {"fooBar": {"@id": "https://example.org/fooBar", "@type": "@id"}},
]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(14)
    options: list[Any] = [
        "text",
        rng.choice([1, 2.5, True, None]),
        [],
        {},
        {"id": rng.choice(_IDS)},
        {"type": rng.choice(_TYPES)},
        ["a", "b"],
        {"@value": None},
        {"@language": "en"},
        {"@value": "x", "@language": rng.choice(["en", "e_n", "en-US"])},
        {"@value": "x", "@type": rng.choice(_TYPES)},
        rng.choice(_IDS),
        {"en": "x", "fr": "y"},
    ]
    if choice == 13 and depth < 2:
        return {rng.choice(_KEYS): _random_value(rng, depth + 1)}
    return options[choice % len(options)]


def mutate(rng: random.Random, bases: list[dict[str, Any]]) -> dict[str, Any]:
    """A credential with one or two random edits of the kinds that break safe mode."""
    doc = copy.deepcopy(rng.choice(bases))
    nodes = [node for _, node in node_paths(doc)]
    for _ in range(rng.choice((1, 1, 2))):
        node = rng.choice(nodes)
        edit = rng.randrange(6)
        if edit <= 1:
            node[rng.choice(_KEYS)] = _random_value(rng)
        elif edit == 2:
            types = node.get("type", [])
            node["type"] = [*(types if isinstance(types, list) else [types]), rng.choice(_TYPES)]
        elif edit == 3:
            node["id"] = rng.choice(_IDS)
        elif edit == 4:
            contexts = doc["@context"] if isinstance(doc["@context"], list) else [doc["@context"]]
            doc["@context"] = [*contexts, rng.choice(_EXTRA_CONTEXTS)]
        else:
            node[rng.choice(list(node) or ["x"])] = _random_value(rng)
    return doc


@pytest.mark.peer
@settings(max_examples=2, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_generated_mutations_agree_with_the_reference_peer(seed: int) -> None:
    bases = [_without_proof(load(VECTORS / name)) for name in MUTATION_BASES]
    rng = random.Random(seed)
    docs = [mutate(rng, bases) for _ in range(150)]
    # the unmodified bases first, so the peer caches their contexts from clean documents
    answers = peer_jsonl(["canonize"], [*bases, *docs])[len(bases) :]
    assert len(answers) == len(docs)
    disagreements = [
        (json.dumps(doc)[:300], our_verdict(doc), answer)
        for doc, answer in zip(docs, answers, strict=True)
        if not agrees(answer, doc)
    ]
    assert disagreements == []
    verdicts = {our_verdict(doc)[0] for doc in docs}
    assert verdicts == {"ok", "safe", "error"}


@pytest.mark.peer
@pytest.mark.parametrize(
    "context",
    [
        {"@foo": "x"},
        {"@vocab": "relative/"},
        {"@language": "e_n"},
        {"@protected": True, "a": "https://example.org/a"},
    ],
)
def test_context_level_cases_agree_with_the_peer(context: dict[str, Any]) -> None:
    """One peer process each: see _EXTRA_CONTEXTS on jsonld.js's shared event cache."""
    doc = {
        "@context": [context, {"a": "https://example.org/a"}],
        "@id": "https://x.example",
        "a": "v",
    }
    [answer] = peer_jsonl(["canonize"], [doc])
    assert agrees(answer, doc)
