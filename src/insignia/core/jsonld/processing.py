"""Context Processing (JSON-LD 1.1 API §4.1.2), memoised, against the pinned context store.

``process(store, ctx, local)`` returns the active context after applying a ``@context`` value
and the lossy events that doing so raised.  Context URLs come only from the
:class:`~insignia.core.jsonld.loader.ContextStore` (an unknown URL is a
:class:`~insignia.core.errors.ContextError`); nothing is fetched.

Results are memoised on the (immutable) active context they were derived from, so the
contexts of a typical credential — two URLs and a handful of type-scoped contexts — are
processed once per process and then cost a dictionary lookup.  Only results built from
pinned contexts are kept on long-lived contexts: a document's own inline context is
processed afresh each time, so hostile documents cannot grow the cache.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from insignia.core.errors import ContextError, JsonLdError
from insignia.core.jsonld.context import (
    ActiveContext,
    ContextEvent,
    LocalContext,
    js_falsy,
    jsonld_error,
)
from insignia.core.jsonld.iri import is_absolute, is_bcp47, resolve
from insignia.core.jsonld.loader import ContextStore
from insignia.core.jsonld.termdef import Builder, TermDefiner

#: jsonld.js refuses more context URLs than this in one resolution (and any cycle).
MAX_CONTEXT_URLS: Final = 10
#: Memo entries kept on pinned contexts before the whole per-store cache is started afresh.
#: A typical verifier needs a few dozen; the bound stops documents that chain the same URLs
#: in ever new orders from growing the cache (each entry holds a processed context).
MEMO_BUDGET: Final = 2_000

_CONTEXT_KEYWORDS = ("@version", "@base", "@vocab", "@language", "@direction", "@propagate")

Processed = tuple[ActiveContext, tuple[ContextEvent, ...]]


@dataclass(frozen=True, slots=True, eq=False)
class _Entry:
    """One context object to apply, with its provenance (``stable``: cached per URL)."""

    document: Any
    trusted: bool
    base: str | None
    stable: bool = False


class _StoreState:
    """Per-store caches: the initial context and each URL's resolved context objects."""

    def __init__(self) -> None:
        self.initial = ActiveContext(terms={})
        self.urls: dict[str, tuple[_Entry | None, ...]] = {}
        self.memo_entries = 0


_STATES: weakref.WeakKeyDictionary[ContextStore, _StoreState] = weakref.WeakKeyDictionary()


def _state(store: ContextStore) -> _StoreState:
    state = _STATES.get(store)
    if state is None:
        state = _STATES[store] = _StoreState()
    return state


def initial_context(store: ContextStore) -> ActiveContext:
    """Return the empty active context every document starts from (one per store)."""
    return _state(store).initial


def process(
    store: ContextStore,
    ctx: ActiveContext,
    local: LocalContext,
    *,
    propagate: bool = True,
    override_protected: bool = False,
) -> Processed:
    """Apply ``local`` to ``ctx``; return the new active context and the events raised.

    :param propagate: ``False`` for type-scoped contexts, which end with their node.
    :param override_protected: ``True`` for property-scoped contexts, which may redefine
        protected terms (JSON-LD 1.1 §4.1.11).
    :raises ContextError: a context URL the store does not hold.
    :raises JsonLdError: an invalid context (``jsonld.protected_term_redefinition``…).
    """
    return _Run(store).process(
        ctx, local, propagate=propagate, override_protected=override_protected
    )


class _Run:
    """One use of the processor on one store (the store is not kept by any context)."""

    def __init__(self, store: ContextStore) -> None:
        self.store = store
        self.state = _state(store)

    def process(
        self,
        ctx: ActiveContext,
        local: LocalContext,
        *,
        propagate: bool,
        override_protected: bool,
        cycles: frozenset[str] = frozenset(),
    ) -> Processed:
        memo_ok = local.trusted or not ctx.trusted
        key = ("local", id(local), propagate, override_protected)
        if memo_ok:
            hit = ctx.memo.get(key)
            if hit is not None and hit[0] is local:
                return hit[1], hit[2]
        result = self._process(ctx, local, propagate, override_protected, cycles)
        if memo_ok:
            self._remember(ctx, key, (local, *result))
        return result

    def _remember(self, ctx: ActiveContext, key: Any, value: Any) -> None:
        if ctx.trusted:
            self.state.memo_entries += 1
            if self.state.memo_entries > MEMO_BUDGET:
                _STATES[self.store] = self.state = _StoreState()
                return
        ctx.memo[key] = value

    def _process(
        self,
        ctx: ActiveContext,
        local: LocalContext,
        propagate: bool,
        override_protected: bool,
        cycles: frozenset[str],
    ) -> Processed:
        entries = self._resolve(local, frozenset())
        if not entries:
            return ctx, ()
        first = entries[0]
        if first is not None and isinstance(first.document, Mapping):
            flag = first.document.get("@propagate")
            if isinstance(flag, bool):
                propagate = flag
        events: list[ContextEvent] = []
        rval = ctx
        if not propagate and rval.previous is None:
            rval = rval.with_previous(ctx)
        for entry in entries:
            if entry is None:
                if not override_protected and rval.has_protected:
                    raise jsonld_error(
                        "invalid context nullification",
                        "a context with protected terms cannot be reset with null here",
                    )
                rval = self.state.initial
                continue
            rval = self._apply_memo(rval, entry, override_protected, cycles, events)
        return rval, tuple(events)

    def _resolve(self, local: LocalContext, urls_seen: frozenset[str]) -> list[_Entry | None]:
        """Flatten a ``@context`` value into context objects, loading URLs from the store."""
        value = local.value
        if isinstance(value, Mapping) and not js_falsy(value.get("@context")):
            value = value["@context"]
        out: list[_Entry | None] = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                url = item if local.base is None else resolve(local.base, item)
                out.extend(self._load(url, urls_seen))
            elif item is None:
                out.append(None)
            elif isinstance(item, Mapping):
                out.append(_Entry(item, local.trusted, local.base))
            else:
                raise jsonld_error("invalid local context", "@context must be an object or URL")
        return out

    def _load(self, url: str, urls_seen: frozenset[str]) -> tuple[_Entry | None, ...]:
        cached = self.state.urls.get(url)
        if cached is not None:
            return cached
        if url in urls_seen or len(urls_seen) > MAX_CONTEXT_URLS:
            raise JsonLdError(
                f"The context {url} includes itself or too many other contexts.",
                code="jsonld.context_overflow",
                url=url,
            )
        document = self.store.get(url)
        if not isinstance(document, Mapping):
            raise ContextError(f"The context {url} is not a JSON object.", url=url)
        local = LocalContext({"@context": document.get("@context", {})}, trusted=True, base=url)
        entries = tuple(
            None if e is None else _Entry(e.document, e.trusted, e.base, stable=True)
            for e in self._resolve(local, urls_seen | {url})
        )
        self.state.urls[url] = entries
        return entries

    def _apply_memo(
        self,
        ctx: ActiveContext,
        entry: _Entry,
        override_protected: bool,
        cycles: frozenset[str],
        events: list[ContextEvent],
    ) -> ActiveContext:
        key = ("entry", id(entry), override_protected)
        if entry.stable:
            hit = ctx.memo.get(key)
            if hit is not None and hit[0] is entry:
                events.extend(hit[2])
                return hit[1]  # type: ignore[no-any-return]
        new_events: list[ContextEvent] = []
        result = self._apply(ctx, entry, override_protected, cycles, new_events)
        if entry.stable:
            self._remember(ctx, key, (entry, result, tuple(new_events)))
        events.extend(new_events)
        return result

    def _apply(
        self,
        ctx: ActiveContext,
        entry: _Entry,
        override_protected: bool,
        cycles: frozenset[str],
        events: list[ContextEvent],
    ) -> ActiveContext:
        """Apply one context object: keywords, then every term, then its scoped contexts."""
        doc = entry.document
        if isinstance(doc, Mapping) and "@context" in doc:
            doc = doc["@context"]
        if not isinstance(doc, Mapping):
            raise jsonld_error("invalid local context", "@context must be an object")
        builder = Builder(ctx, entry.trusted)
        origin = LocalContext(None, entry.trusted, entry.base)
        definer = TermDefiner(builder, doc, origin, events)
        _apply_keywords(definer, doc, events)
        # Keywords count as defined only if the context itself has them (not its @import),
        # and a falsy "@protected" stays undefined: jsonld.js then reports a cycle, as we do.
        defined = {name: True for name in _CONTEXT_KEYWORDS if name in doc}
        if "@import" in doc:
            defined["@import"] = True
            doc = self._import(doc)
        defined["@protected"] = not js_falsy(doc.get("@protected"))
        definer.local = doc
        definer.protected_default = doc.get("@protected") is True
        definer.defined.update(defined)
        for term, value in doc.items():
            definer.define(term, override_protected=override_protected)
            if isinstance(value, Mapping) and "@context" in value:
                scoped = LocalContext(value["@context"], entry.trusted, entry.base)
                self._validate_scoped(builder, term, scoped, cycles, events)
        return builder.freeze()

    def _import(self, doc: Mapping[str, Any]) -> Mapping[str, Any]:
        """Merge the context named by ``@import`` under ``doc`` (``doc`` wins on conflicts)."""
        url = doc["@import"]
        if not isinstance(url, str):
            raise jsonld_error("invalid @import value", "@import must be a URL")
        entries = self._resolve(LocalContext(url, trusted=True), frozenset())
        if len(entries) != 1 or entries[0] is None or not isinstance(entries[0].document, Mapping):
            raise jsonld_error("invalid remote context", f"@import {url} is not a single context")
        imported = entries[0].document
        if "@import" in imported:
            raise jsonld_error("invalid context entry", "an imported context cannot @import")
        merged = dict(doc)
        for key, value in imported.items():
            merged.setdefault(key, value)
        return merged

    def _validate_scoped(
        self,
        builder: Builder,
        term: str,
        scoped: LocalContext,
        cycles: frozenset[str],
        events: list[ContextEvent],
    ) -> None:
        """Process a term's scoped context now, to surface its errors (as jsonld.js does)."""
        if isinstance(scoped.value, str):
            url = scoped.value if scoped.base is None else resolve(scoped.base, scoped.value)
            if url in cycles:
                return
            cycles = cycles | {url}
        try:
            _, found = self.process(
                builder.freeze(), scoped, propagate=True, override_protected=True, cycles=cycles
            )
        except ContextError:
            raise
        except JsonLdError as exc:
            raise jsonld_error(
                "invalid scoped context", f"scoped context of {term!r}: {exc.message}", term=term
            ) from exc
        events.extend(found)


def _apply_keywords(
    definer: TermDefiner, doc: Mapping[str, Any], events: list[ContextEvent]
) -> None:
    """``@version``, ``@base``, ``@vocab``, ``@language``, ``@direction``, ``@propagate``."""
    b = definer.b
    if "@version" in doc:
        version = doc["@version"]
        if not (isinstance(version, float) and version == 1.1):
            raise JsonLdError(
                f"Unsupported JSON-LD @version {version!r}.", code="jsonld.invalid_version_value"
            )
    if "@base" in doc:
        base = doc["@base"]
        if base is None or is_absolute(base):
            b.base = base
        elif isinstance(base, str):
            b.base = resolve(b.base or "", base)
        else:
            raise jsonld_error("invalid base IRI", "@base must be an IRI or null")
    if "@vocab" in doc:
        _apply_vocab(definer, doc["@vocab"], events)
    if "@language" in doc:
        language = doc["@language"]
        if language is not None and not isinstance(language, str):
            raise jsonld_error("invalid default language", "@language must be a string or null")
        if language is not None and not is_bcp47(language):
            events.append(
                ContextEvent("invalid @language value", "@language", f"{language!r} is not BCP47")
            )
        b.language = None if language is None else language.lower()
    if "@direction" in doc:
        direction = doc["@direction"]
        if direction not in (None, "ltr", "rtl"):
            raise jsonld_error("invalid base direction", "@direction must be ltr, rtl or null")
        b.direction = direction
    if "@propagate" in doc and not isinstance(doc["@propagate"], bool):
        raise jsonld_error("invalid @propagate value", "@propagate must be true or false")


def _apply_vocab(definer: TermDefiner, value: Any, events: list[ContextEvent]) -> None:
    if value is None:
        definer.b.vocab = None
        return
    if not isinstance(value, str):
        raise jsonld_error("invalid vocab mapping", "@vocab must be a string or null")
    vocab = definer.expand(value, None, vocab=True, base=True)
    if not is_absolute(vocab):
        events.append(
            ContextEvent("relative @vocab reference", "@vocab", f"@vocab {value!r} is relative")
        )
    definer.b.vocab = vocab if isinstance(vocab, str) else None
