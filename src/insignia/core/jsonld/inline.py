"""A JSON-LD document as JSON text pyoxigraph can parse without a document loader.

pyoxigraph 0.5's JSON-LD parser has no document-loader hook, so every ``@context`` URL is
replaced by the pinned copy from a :class:`ContextStore` first ("inlining"), recursively
through scoped contexts and ``@import``; an unknown URL is a :class:`ContextError` and
nothing is ever fetched.  The body is copied with its numbers read as JavaScript reads them
(:mod:`insignia.core.jsonld.literals`).

Adjustments that keep our bytes equal to the JavaScript reference stack's:

* ``@direction`` inside a context is refused, since pyoxigraph silently drops a direction
  that has no language;
* a context object wrapped as ``{"@context": {...}}`` is unwrapped, as jsonld.js does;
* ``@base`` inside a remote context is dropped when inlining, as JSON-LD ignores it there.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

from insignia.core.errors import ContextError, InputError, JsonLdError
from insignia.core.jsonld.literals import direction_only, read_literal, read_number
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore

#: Deepest chain of contexts that include other contexts.
MAX_CONTEXT_DEPTH: Final = 16
_CACHE_SIZE: Final = 256

_Cached = tuple[str, frozenset[str]]
_Inlined = tuple[_Cached, bool]  # (inlined_context's answer, faithful)
_CACHES: WeakKeyDictionary[ContextStore, OrderedDict[Any, _Inlined]] = WeakKeyDictionary()


def expanded_json_text(
    doc: Mapping[str, Any],
    *,
    store: ContextStore = DEFAULT_STORE,
    doubles: set[float] | None = None,
) -> str:
    """Return ``doc`` as JSON text with every context URL replaced by the pinned context.

    Only ``@context`` entries (top level and in node objects) are rewritten; values of terms
    typed ``@json`` are literals and stay as they are, apart from reading numbers as doubles.
    Numbers that become ``xsd:double`` literals are added to ``doubles``.
    """
    if not isinstance(doc, Mapping):
        raise InputError("A JSON-LD document must be a JSON object.", code="input.not_object")
    ctx_text, json_terms = ("", frozenset[str]())
    if "@context" in doc:
        ctx_text, json_terms = inlined_context(doc["@context"], store=store)
    body = _Body(store, set() if doubles is None else doubles).rewrite(
        {k: v for k, v in doc.items() if k != "@context"}, json_terms
    )
    body_text = dumps_json(body)
    if not ctx_text:
        return body_text
    return '{"@context":' + ctx_text + ("}" if body_text == "{}" else "," + body_text[1:])


def inlined_context(context: Any, *, store: ContextStore = DEFAULT_STORE) -> _Cached:
    """Return ``context`` as JSON text with all URLs inlined, and the terms typed ``@json``.

    Cached per store and context value: a batch of credentials sharing their contexts pays
    for inlining (and serializing ~30 KB of context) once.
    """
    return _inline(context, store)[0]


def inlines_faithfully(context: Any, *, store: ContextStore = DEFAULT_STORE) -> bool:
    """True when inlining ``context`` changed nothing our own context processor would read
    differently: no ``@base`` dropped from a remote context, no wrapped context unwrapped,
    no relative context reference resolved.

    Only then may our expansion stand in for pyoxigraph's parse of the inlined text.

    :raises ContextError, JsonLdError: as :func:`inlined_context`.
    """
    return _inline(context, store)[1]


def _inline(context: Any, store: ContextStore) -> _Inlined:
    key = _cache_key(context)
    cache = _CACHES.setdefault(store, OrderedDict())
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    inliner = _Inliner(store)
    text = dumps_json(inliner.context(context, (), None, remote=False))
    result = ((text, frozenset(inliner.json_terms)), inliner.faithful)
    cache[key] = result
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return result


def _cache_key(context: Any) -> Any:
    """The context as a dictionary key: the usual URL or list of URLs as is (cheap), anything
    else as canonical JSON text.  Equal keys always mean equal JSON values: the three forms
    (a string, a tuple of strings, ``None`` and a string) never equal one another."""
    if isinstance(context, str):
        return context
    if type(context) is list and all(type(c) is str for c in context):
        return tuple(context)
    return (None, dumps_json(context, sort_keys=True))


def embedded_contexts(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE
) -> tuple[set[int], bool]:
    """The objects below the top of ``doc`` whose ``@context`` :func:`expanded_json_text`
    inlines (by ``id``), and whether all of those contexts inline faithfully.

    The same walk as the body copy (value objects and values of ``@json`` terms are left
    alone), without the copy.

    :raises ContextError, JsonLdError, InputError: as inlining these contexts does.
    """
    found: set[int] = set()
    faithful = True

    def walk(value: Any, json_terms: frozenset[str]) -> None:
        nonlocal faithful
        if isinstance(value, list):
            for item in value:
                walk(item, json_terms)
            return
        if not isinstance(value, Mapping) or "@value" in value:
            return
        if "@context" in value:
            (_, extra), ok = _inline(value["@context"], store)
            found.add(id(value))
            faithful = faithful and ok
            json_terms = json_terms | extra
        for key, item in value.items():
            if key != "@context" and key not in json_terms:
                walk(item, json_terms)

    top_terms = inlined_context(doc["@context"], store=store)[1] if "@context" in doc else None
    walk({k: v for k, v in doc.items() if k != "@context"}, top_terms or frozenset())
    return found, faithful


# --- context inlining --------------------------------------------------------------------


class _Inliner:
    """Replaces context URLs by their pinned documents, noting terms typed ``@json``."""

    def __init__(self, store: ContextStore) -> None:
        self.store = store
        self.json_terms: set[str] = set()
        #: see :func:`inlines_faithfully`
        self.faithful = True

    def context(self, ctx: Any, chain: tuple[str, ...], base: str | None, *, remote: bool) -> Any:
        if ctx is None:
            return None
        if isinstance(ctx, str):
            url = self._resolve(ctx, base)
            return self.context(self._load(url, chain), (*chain, url), url, remote=True)
        if isinstance(ctx, list):
            return [self.context(c, chain, base, remote=remote) for c in ctx]
        if isinstance(ctx, Mapping):
            if "@context" in ctx:  # jsonld.js unwraps {"@context": {...}} given as a context
                self.faithful = False
                ctx = ctx["@context"]
                if not isinstance(ctx, Mapping):
                    raise _invalid_context("A wrapped context must be one object.")
            return self._object(ctx, chain, base, remote)
        raise _invalid_context(f"A @context cannot be {type(ctx).__name__}.")

    def _object(
        self, ctx: Mapping[str, Any], chain: tuple[str, ...], base: str | None, remote: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        imported: dict[str, Any] = {}
        for key, value in ctx.items():
            if key == "@base" and remote:
                self.faithful = False
                continue  # JSON-LD 1.1: @base in a remote context is ignored
            if key == "@direction" or (isinstance(value, Mapping) and "@direction" in value):
                raise JsonLdError(
                    "Contexts that set a base direction are not supported.",
                    code="jsonld.unsupported_direction",
                )
            if key == "@import":
                imported = self._import(value, chain, base)
            elif isinstance(value, Mapping) and not key.startswith("@"):
                out[key] = self._term(key, value, chain, base, remote)
            else:
                out[key] = value
        # @import merges, the importing context's entries winning (context processing 5.6.7).
        return {**imported, **out} if imported else out

    def _term(
        self,
        term: str,
        definition: Mapping[str, Any],
        chain: tuple[str, ...],
        base: str | None,
        remote: bool,
    ) -> dict[str, Any]:
        if definition.get("@type") == "@json":
            self.json_terms.add(term)
        out = dict(definition)
        if "@context" in definition:
            out["@context"] = self.context(definition["@context"], chain, base, remote=remote)
        return out

    def _import(self, value: Any, chain: tuple[str, ...], base: str | None) -> dict[str, Any]:
        if not isinstance(value, str):
            raise _invalid_context("@import must name a context URL.")
        url = self._resolve(value, base)
        loaded = self._load(url, chain)
        if not isinstance(loaded, Mapping) or "@import" in loaded:
            raise _invalid_context(f"{url} cannot be imported: it must be one object, no @import.")
        return self._object(loaded, (*chain, url), url, True)

    def _resolve(self, ref: str, base: str | None) -> str:
        if urlsplit(ref).scheme:
            return ref
        if base is None:
            raise ContextError(f"The relative context reference {ref!r} has no base.", url=ref)
        self.faithful = False
        return urljoin(base, ref)

    def _load(self, url: str, chain: tuple[str, ...]) -> Any:
        if url in chain:
            raise JsonLdError(f"The context {url} includes itself.", code="jsonld.context_cycle")
        if len(chain) >= MAX_CONTEXT_DEPTH:
            raise JsonLdError("Contexts nest too deeply.", code="jsonld.context_overflow")
        document = self.store.get(url)  # ContextError for unknown URLs: never fetched
        if "@context" not in document:
            raise JsonLdError(
                f"The context document {url} has no @context entry.",
                code="jsonld.invalid_remote_context",
                url=url,
            )
        return document["@context"]


def _invalid_context(message: str) -> JsonLdError:
    return JsonLdError(message, code="jsonld.invalid_context")


class _Body:
    """Copies the document body: embedded contexts inlined, numbers read as JavaScript does."""

    def __init__(self, store: ContextStore, doubles: set[float]) -> None:
        self.store = store
        self.doubles = doubles

    def rewrite(self, value: Any, json_terms: frozenset[str]) -> Any:
        if isinstance(value, list):
            return [self.rewrite(v, json_terms) for v in value]
        if not isinstance(value, Mapping):
            return read_number(value, self.doubles)
        if "@value" in value:
            if "@direction" in value:
                return direction_only(value, self.doubles)
            return read_literal(value, self.doubles)
        out: dict[str, Any] = {}
        if "@context" in value:
            ctx_text, extra = inlined_context(value["@context"], store=self.store)
            out["@context"] = json.loads(ctx_text)
            json_terms = json_terms | extra
        for key, item in value.items():
            if key != "@context":
                out[key] = (
                    read_literal(item, self.doubles)
                    if key in json_terms
                    else self.rewrite(item, json_terms)
                )
        return out


def dumps_json(value: Any, *, sort_keys: bool = False) -> str:
    """Compact JSON text, as pyoxigraph is given it (non-JSON values are input errors)."""
    try:
        return json.dumps(
            value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), sort_keys=sort_keys
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"The document is not JSON: {exc}", code="input.not_json") from None
