"""The two routes to quads (our expansion → pyoxigraph, pyoxigraph on inlined contexts) agree.

The expanded route is an optimisation only: on every document it takes, it must give the
inlined route's bytes, and everything else (errors included) must still go the inlined way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.paths import VECTORS

from insignia.core.errors import InsigniaError, SafeModeError
from insignia.core.jsonld import safemode, toquads
from insignia.core.jsonld.canonical import canonicalize, canonicalize_checked, canonicalize_quads
from insignia.core.jsonld.inline import inlines_faithfully
from insignia.core.jsonld.loader import ContextStore

VC2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors" / "obv3p0"
FOLDERS = (
    "w3c-vc-dm2-test-suite",
    "1edtech-ob-spec",
    "dcc-vc-test-fixtures",
    "dcc-verifier-core",
    "w3c-vc-di-eddsa",
    "w3c-di-test-suite-assertion",
)
WITH_BASE = "https://contexts.example/with-base"
RELATIVE = "https://contexts.example/dir/relative"
STORE = ContextStore(
    extra={
        WITH_BASE: {"@context": {"@base": "https://evil.example/", "x": "https://vocab.example/x"}},
        RELATIVE: {"@context": ["with-base-sibling", {"y": "https://vocab.example/y"}]},
        "https://contexts.example/dir/with-base-sibling": {
            "@context": {"z": "https://vocab.example/z"}
        },
    }
)


def corpus() -> list[tuple[str, dict[str, Any]]]:
    """Every JSON-LD document of the shared fixtures, proofs left aside."""
    out = []
    for path in sorted(p for folder in FOLDERS for p in (VECTORS / folder).rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict) and "@context" in doc:
            out.append((path.name, {k: v for k, v in doc.items() if k != "proof"}))
    return out


def outcome(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """("ok", text) or (error class, code): what a caller can observe."""
    try:
        return "ok", fn(*args, **kwargs)
    except InsigniaError as exc:
        return type(exc).__name__, exc.code


def inlined(doc: Any, store: ContextStore | None = None) -> str:
    kwargs = {} if store is None else {"store": store}
    return canonicalize_quads(toquads.inlined_quads(doc, **kwargs))


def check_then_canonicalize(doc: Any) -> str:
    safemode.check(doc)
    return canonicalize(doc)


@pytest.fixture
def inlined_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records every use of the inlined route."""
    calls: list[Any] = []
    original = toquads.inlined_quads

    def spy(doc: Any, **kwargs: Any) -> Any:
        calls.append(doc)
        return original(doc, **kwargs)

    monkeypatch.setattr(toquads, "inlined_quads", spy)
    return calls


def credential(subject: Any, *contexts: Any) -> dict[str, Any]:
    return {
        "@context": [VC2, *(contexts or (EXAMPLES,))],
        "id": "urn:uuid:5b2f8c1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


# --- the routes agree ----------------------------------------------------------------------


def test_both_routes_agree_on_every_shared_fixture() -> None:
    docs = corpus()
    assert len(docs) > 250
    for name, doc in docs:
        assert outcome(canonicalize, doc) == outcome(inlined, doc), name


def test_checked_canonicalization_equals_check_then_canonicalize_on_every_fixture() -> None:
    taken = 0
    for name, doc in corpus():
        expected = outcome(check_then_canonicalize, doc)
        assert outcome(canonicalize_checked, doc) == expected, name
        taken += expected[0] == "ok"
    assert taken > 150


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.builds(lambda v, lang: {"@value": v, "@language": lang}, st.text(max_size=5), st.just("en")),
    st.builds(
        lambda v, d: {"@value": v, "@direction": d},
        st.text(max_size=5),
        st.sampled_from(["ltr", "rtl"]),
    ),
)
JSON_TERM = {"data": {"@id": "https://vocab.example/data", "@type": "@json"}}
SCOPED = {  # "data" is a @json literal only inside a Thing
    "Thing": {"@id": "https://v.example/Thing", "@context": JSON_TERM},
    "data": "https://v.example/data",
}


@settings(max_examples=150, deadline=None)
@given(st.lists(scalars, min_size=1, max_size=4), values)
def test_both_routes_agree_on_any_values(items: list[Any], data: Any) -> None:
    """Numbers (doubles, big integers, NaN), @json literals, languages and directions."""
    doc = credential({"n": items, "data": data}, EXAMPLES, JSON_TERM)
    assert outcome(canonicalize, doc) == outcome(inlined, doc)
    assert outcome(canonicalize_checked, doc) == outcome(check_then_canonicalize, doc)


# --- which route is taken -----------------------------------------------------------------


def test_a_plain_credential_takes_the_expanded_route(inlined_calls: list[Any]) -> None:
    doc = json.loads((OB / "unsigned.json").read_text(encoding="utf-8"))
    assert canonicalize(doc).encode() == (OB / "document-canon.txt").read_bytes()
    assert canonicalize_checked(doc).encode() == (OB / "document-canon.txt").read_bytes()
    assert inlined_calls == []


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(credential({"undefined": "x"}, {}), id="lossy-expansion"),
        pytest.param(
            credential({"@context": {"@context": {"local": "https://v.example/l"}}, "local": "v"}),
            id="embedded-wrapped-context",
        ),
        pytest.param(
            credential({"v": {"@context": EXAMPLES, "@value": "x"}}),
            id="context-in-a-value-object",
        ),
        pytest.param(
            credential({"data": {"@context": {"z": "https://v.example/z"}, "z": "1"}}, SCOPED),
            id="context-under-a-term-typed-json-elsewhere",
        ),
        pytest.param(
            credential({"w": "x"}, {"@context": {"w": "https://vocab.example/w"}}),
            id="wrapped-context",
        ),
        pytest.param(credential({"n": 1e-7}), id="number-error"),
        pytest.param(credential({"id": "relative/path"}), id="relative-iri"),
    ],
)
def test_anything_unusual_goes_the_inlined_route(inlined_calls: list[Any], doc: Any) -> None:
    canonical = outcome(canonicalize, doc)
    assert inlined_calls, "the inlined route decided"
    inlined_calls.clear()
    assert canonical == outcome(inlined, doc)


def test_embedded_credentials_take_the_expanded_route(inlined_calls: list[Any]) -> None:
    inner = credential({"local": "v", "@context": {"local": "https://vocab.example/local"}})
    doc = credential({"id": "did:example:s", "endorsement": [inner, inner]})
    doc["@context"].append({"endorsement": {"@id": "https://vocab.example/e", "@type": "@id"}})
    assert canonicalize(doc) == inlined(doc)
    assert canonicalize_checked(doc) == inlined(doc)
    assert '<https://vocab.example/local> "v"' in canonicalize(doc)
    assert len(inlined_calls) == 2  # the two comparisons, not canonicalize


def test_remote_base_and_relative_context_urls_are_not_faithful() -> None:
    assert inlines_faithfully([VC2, EXAMPLES])
    assert not inlines_faithfully(WITH_BASE, store=STORE)
    assert not inlines_faithfully(RELATIVE, store=STORE)
    assert not inlines_faithfully({"@context": {"a": "https://vocab.example/a"}})


def test_a_remote_base_keeps_the_inlined_meaning(inlined_calls: list[Any]) -> None:
    doc = {"@context": WITH_BASE, "@id": "https://s.example/1", "x": "1"}
    assert canonicalize(doc, store=STORE) == inlined(doc, STORE)
    assert inlined_calls


def test_safe_mode_errors_come_first_as_before() -> None:
    doc = credential({"undefined": 1e-7}, {})
    with pytest.raises(SafeModeError):
        canonicalize_checked(doc)
    with pytest.raises(InsigniaError) as err:
        canonicalize(doc)
    assert err.value.code == "jsonld.ambiguous_number"


def test_the_document_is_never_changed(tmp_path: Path) -> None:
    doc = credential({"n": [1.0, 2.5, 2**60], "data": {"x": [1.0]}}, EXAMPLES, JSON_TERM)
    before = json.dumps(doc, sort_keys=True)
    canonicalize_checked(doc)
    canonicalize(doc)
    assert json.dumps(doc, sort_keys=True) == before


def test_inlined_contexts_are_remembered_by_their_exact_value() -> None:
    from insignia.core.jsonld.inline import inlined_context

    url = "https://contexts.example/a"
    store = ContextStore(extra={url: {"@context": {"a": "https://vocab.example/a"}}})
    as_text = inlined_context(url, store=store)
    as_list = inlined_context([url], store=store)
    as_object = inlined_context({"a": "https://vocab.example/a"}, store=store)
    assert as_text == as_object != as_list
    assert inlined_context([url], store=store) is as_list
