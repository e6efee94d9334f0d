"""Context processing: processed contexts are right, immutable, shared, and errors are coded."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.peer import peer_jsonl

from insignia.core.errors import ContextError, JsonLdError
from insignia.core.jsonld import processing
from insignia.core.jsonld.context import ActiveContext, LocalContext, expand_iri
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.jsonld.processing import initial_context, process

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def apply(value: Any, ctx: ActiveContext | None = None, **flags: bool) -> ActiveContext:
    """Process a document-style (untrusted) @context value; fail on any event."""
    start = ctx if ctx is not None else initial_context(DEFAULT_STORE)
    result, events = process(DEFAULT_STORE, start, LocalContext(value, trusted=False), **flags)
    assert events == ()
    return result


def error_code(value: Any, ctx: ActiveContext | None = None) -> str:
    with pytest.raises(JsonLdError) as err:
        apply(value, ctx)
    return err.value.code


@pytest.mark.parametrize("url", DEFAULT_STORE.urls())
def test_every_shipped_context_processes_cleanly(url: str) -> None:
    ctx = apply(url)
    assert ctx.terms or ctx.vocab


def test_ob_credential_contexts() -> None:
    ctx = apply([V2, OB303])
    assert ctx.term("id") is not None and ctx.terms["id"].iri == "@id"
    assert ctx.terms["type"].iri == "@type"
    assert ctx.terms["name"].protected
    subject = ctx.terms["AchievementSubject"]
    assert subject.iri == OB_VOCAB + "AchievementSubject"
    assert subject.context is not None and subject.context.trusted
    issuer = ctx.terms["VerifiableCredential"].context
    assert issuer is not None
    inner = process(DEFAULT_STORE, ctx, issuer, propagate=False)[0]
    assert inner.terms["issuer"].type_mapping == "@id"
    assert inner.terms["validFrom"].type_mapping == "http://www.w3.org/2001/XMLSchema#dateTime"
    assert inner.terms["proof"].container == frozenset({"@graph"})
    assert inner.previous is ctx and inner.revert() is ctx
    assert expand_iri(inner, "credentialSubject", vocab=True) == (
        "https://www.w3.org/2018/credentials#credentialSubject"
    )


def test_processed_contexts_are_shared_and_cached() -> None:
    first = apply([V2, OB303])
    assert apply([V2, OB303]) is first
    scoped = first.terms["Achievement"].context
    assert scoped is not None
    once = process(DEFAULT_STORE, first, scoped, propagate=False)[0]
    assert process(DEFAULT_STORE, first, scoped, propagate=False)[0] is once


def test_document_contexts_are_not_cached_on_shared_contexts() -> None:
    base = apply([V2])
    before = len(base.memo)
    apply({"ex": "https://example.org/"}, base)
    apply({"ex": "https://example.org/"}, base)
    assert len(base.memo) == before


def test_memo_budget_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    store = ContextStore()
    monkeypatch.setattr(processing, "MEMO_BUDGET", 1)
    start = initial_context(store)
    first, _ = process(store, start, LocalContext([V2, OB303], trusted=False))
    assert initial_context(store) is not start  # the cache was dropped...
    again, _ = process(store, initial_context(store), LocalContext([V2, OB303], trusted=False))
    assert again.terms.keys() == first.terms.keys()  # ...and the answer is the same


def test_terms_and_keywords() -> None:
    ctx = apply(
        {
            "@vocab": "https://example.org/v#",
            "@base": "https://example.org/base/",
            "@language": "EN",
            "ex": "https://example.org/",
            "ex:thing": {"@type": "@id"},
            "plain": {},
            "rev": {"@reverse": "ex:parent"},
            "list": {"@id": "ex:list", "@container": "@list"},
            "bag": {"@id": "ex:bag", "@container": ["@index", "@set"], "@index": "ex:key"},
            "nested": {"@id": "ex:nested", "@nest": "@nest"},
            "ident": "@id",
        }
    )
    assert ctx.vocab == "https://example.org/v#"
    assert ctx.base == "https://example.org/base/"
    assert ctx.language == "en"
    assert ctx.terms["ex"].prefix is True
    assert ctx.terms["ex:thing"].iri == "https://example.org/thing"
    assert ctx.terms["ex:thing"].type_mapping == "@id"
    assert ctx.terms["plain"].iri == "https://example.org/v#plain"
    assert ctx.terms["rev"].reverse and ctx.terms["rev"].iri == "https://example.org/parent"
    assert ctx.terms["list"].container == frozenset({"@list"})
    assert ctx.terms["bag"].index == "ex:key"
    assert ctx.terms["nested"].nest == "@nest"
    assert expand_iri(ctx, "ident", vocab=True) == "@id"
    assert expand_iri(ctx, "doc", base=True) == "https://example.org/base/doc"
    assert expand_iri(ctx, "@reserved", vocab=True) is None


def test_import_merges_a_context_under_the_local_one() -> None:
    ctx = apply({"@import": OB303, "Achievement": {"@id": "https://example.org/Mine"}})
    assert ctx.terms["Achievement"].iri == "https://example.org/Mine"
    assert ctx.terms["Profile"].iri == OB_VOCAB + "Profile"


def test_propagate_false_in_a_document_context() -> None:
    start = initial_context(DEFAULT_STORE)
    ctx = apply({"@propagate": False, "ex": "https://example.org/"})
    assert ctx.previous is start and ctx.revert() is start


def test_null_resets_unless_protected() -> None:
    assert apply([{"ex": "https://example.org/"}, None]).terms == {}
    assert error_code([V2, None]) == "jsonld.invalid_context_nullification"
    # a property-scoped context may reset even protected terms
    assert apply(None, apply([V2]), override_protected=True).terms == {}


def test_protected_terms() -> None:
    v2 = apply([V2])
    assert error_code({"name": "https://example.org/name"}, v2) == (
        "jsonld.protected_term_redefinition"
    )
    assert apply({"name": "https://schema.org/name"}, v2).terms["name"].protected
    redefined = apply({"name": "https://example.org/name"}, v2, override_protected=True)
    assert redefined.terms["name"].iri == "https://example.org/name"


def test_unknown_context_url() -> None:
    with pytest.raises(ContextError) as err:
        apply(["https://contexts.example/nope"])
    assert err.value.code == "jsonld.unknown_context"


def test_contexts_from_a_custom_store() -> None:
    url = "https://issuer.example/ctx.json"
    store = ContextStore(extra={url: {"@context": {"motto": "https://issuer.example/motto"}}})
    ctx, _ = process(store, initial_context(store), LocalContext([V2, url], trusted=False))
    assert ctx.terms["motto"].iri == "https://issuer.example/motto"
    with pytest.raises(ContextError):
        apply([url])


def test_context_url_cycles_are_refused() -> None:
    url = "https://issuer.example/loop.json"
    store = ContextStore(extra={url: {"@context": [url]}})
    with pytest.raises(JsonLdError) as err:
        process(store, initial_context(store), LocalContext(url, trusted=False))
    assert err.value.code == "jsonld.context_overflow"


@pytest.mark.parametrize(
    ("context", "code"),
    [
        ({"@version": 1.0}, "jsonld.invalid_version_value"),
        ({"@base": 5}, "jsonld.invalid_base_iri"),
        ({"@vocab": 5}, "jsonld.invalid_vocab_mapping"),
        ({"@language": 5}, "jsonld.invalid_default_language"),
        ({"@direction": "up"}, "jsonld.invalid_base_direction"),
        ({"@propagate": "no"}, "jsonld.invalid_propagate_value"),
        ({"@protected": False, "a": "https://example.org/a"}, "jsonld.cyclic_iri_mapping"),
        ({"@id": "https://example.org/x"}, "jsonld.keyword_redefinition"),
        ({"": "https://example.org/x"}, "jsonld.invalid_term_definition"),
        ({"a": 5}, "jsonld.invalid_term_definition"),
        ({"a": {"@id": "https://example.org/a", "@bogus": 1}}, "jsonld.invalid_term_definition"),
        ({"a": "a:b", "b": "b:a"}, "jsonld.cyclic_iri_mapping"),
        ({"a": "relative"}, "jsonld.invalid_iri_mapping"),
        ({"a": {}}, "jsonld.invalid_iri_mapping"),
        ({"a": {"@id": "https://x.example", "@type": "relative"}}, "jsonld.invalid_type_mapping"),
        (
            {"a": {"@id": "https://x.example", "@container": "@bag"}},
            "jsonld.invalid_container_mapping",
        ),
        (
            {"a": {"@id": "https://x.example", "@container": ["@list", "@set"]}},
            "jsonld.invalid_container_mapping",
        ),
        (
            {"a": {"@reverse": "https://x.example", "@id": "https://y"}},
            "jsonld.invalid_reverse_property",
        ),
        (
            {"a": {"@id": "https://x.example", "@context": {"b": 5}}},
            "jsonld.invalid_scoped_context",
        ),
        ({"a": "@context"}, "jsonld.invalid_keyword_alias"),
        (5, "jsonld.invalid_local_context"),
        ([[V2]], "jsonld.invalid_local_context"),
    ],
)
def test_invalid_contexts_have_stable_codes(context: Any, code: str) -> None:
    assert error_code(context) == code


@pytest.mark.peer
def test_the_peer_refuses_the_same_invalid_contexts() -> None:
    """jsonld.js rejects every context above too (one process for all of them)."""
    mark = next(
        m for m in test_invalid_contexts_have_stable_codes.pytestmark if m.name == "parametrize"
    )
    cases = mark.args[1]
    docs = [{"@context": c, "@id": "https://x.example", "https://x.example/p": 1} for c, _ in cases]
    answers = peer_jsonl(["canonize"], docs)
    assert len(answers) == len(cases)
    assert [a for a in answers if isinstance(a, str)] == []
