"""JSON-LD → RDF quads with pyoxigraph, refusing what the reference stack would not sign.

There are two routes into pyoxigraph, and they give the same quads:

* **expanded** (fast): our own :class:`~insignia.core.jsonld.expansion.Expander` (the one
  safe mode runs anyway) expands the document against contexts it has processed once per
  process; pyoxigraph then only turns the context-free expanded form into RDF.  This skips
  pyoxigraph's own context processing, which re-reads the ~30 KB of inlined contexts on
  every parse and is about nine tenths of its time.
* **inlined** (reference): pyoxigraph parses the compact document with every context
  inlined (:mod:`.inline`) and expands it itself.

The expanded route is taken only when it cannot mean anything else: the expansion lost
nothing (no safe-mode event), every context — the top-level one and those of nested
objects, such as embedded credentials — inlines faithfully
(:func:`~.inline.inlines_faithfully`) and is applied by both routes at the same places,
and every value reads and parses without error.  Anything else — including every error —
goes the inlined route, which decides as it always has, so errors and edge cases keep
their codes.

Either way every literal gets the reference stack's lexical form (:mod:`.literals`), and
relative IRIs, which JSON-LD processors silently drop from the data, are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pyoxigraph as ox

from insignia.core.errors import InsigniaError, JsonLdError
from insignia.core.jsonld import safemode
from insignia.core.jsonld.expansion import Expander
from insignia.core.jsonld.inline import (
    dumps_json,
    embedded_contexts,
    expanded_json_text,
    inlines_faithfully,
)
from insignia.core.jsonld.literals import fix_literal, read_expanded
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.jsonld.rdfc import too_complex

#: Most quads a document may produce (a full OB 3.0 credential gives a few hundred).
MAX_QUADS: Final = 20_000
#: Base IRI given to the parser so that relative references surface instead of vanishing.
SENTINEL_BASE: Final = "https://relative-reference.insignia.invalid/"
_SENTINEL_BYTES: Final = SENTINEL_BASE.encode("ascii")


def to_quads(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> list[ox.Quad]:
    """Parse ``doc`` as JSON-LD (contexts from ``store``) into RDF quads."""
    if isinstance(doc, Mapping) and _faithful(doc, store):
        expander = Expander(store)
        try:
            expanded = expander.run(doc)
        except Exception:  # whatever our expander refuses, the inlined route decides
            expanded = None
        quads = None if expanded is None else _expanded_quads(doc, store, expander, expanded)
        if quads is not None:
            return quads
    return inlined_quads(doc, store=store)


def checked_quads(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> list[ox.Quad]:
    """:func:`safemode.check <insignia.core.jsonld.safemode.check>` ``doc``, then return
    :func:`to_quads`, from the one expansion.

    :raises SafeModeError: and the other errors of ``safemode.check``, before any error of
        :func:`to_quads`, as when the two are called one after the other.
    """
    expander, expanded = safemode.checked_expansion(doc, store=store)
    if _faithful(doc, store):
        quads = _expanded_quads(doc, store, expander, expanded)
        if quads is not None:
            return quads
    return inlined_quads(doc, store=store)


def inlined_quads(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> list[ox.Quad]:
    """The inlined (reference) route: pyoxigraph parses ``doc`` with its contexts inlined."""
    doubles: set[float] = set()
    return parse_quads(expanded_json_text(doc, store=store, doubles=doubles), doubles)


def _faithful(doc: Mapping[str, Any], store: ContextStore) -> bool:
    """Whether the top-level context allows the expanded route.

    Inlines it (cached) first, so its errors are raised exactly as the inlined route would.
    """
    return "@context" not in doc or inlines_faithfully(doc["@context"], store=store)


def _expanded_quads(
    doc: Mapping[str, Any], store: ContextStore, expander: Expander, expanded: list[Any]
) -> list[ox.Quad] | None:
    """The quads of our expansion, or None when the inlined route must decide."""
    if expander.events or (expander.embedded and not _same_embedded(doc, store, expander)):
        return None
    doubles: set[float] = set()
    try:
        return parse_quads(dumps_json(read_expanded(expanded, doubles)), doubles)
    except InsigniaError:
        return None


def _same_embedded(doc: Mapping[str, Any], store: ContextStore, expander: Expander) -> bool:
    """Whether the contexts of nested objects (a credential embedded in another, say) mean
    the same on both routes: every one our expander applied is inlined too, faithfully."""
    try:
        inlined, faithful = embedded_contexts(doc, store=store)
    except (InsigniaError, RecursionError):
        return False
    return faithful and all(id(element) in inlined for element in expander.embedded)


def parse_quads(text: str, doubles: set[float]) -> list[ox.Quad]:
    """Parse JSON-LD text that needs no document loader; check and fix every quad.

    :param doubles: the numbers of the document read as ``xsd:double`` (see
        :func:`~insignia.core.jsonld.literals.fix_literal`).
    """
    quads: list[ox.Quad] = []
    try:
        quads.extend(ox.parse(text, ox.RdfFormat.JSON_LD, base_iri=SENTINEL_BASE))
    except SyntaxError as exc:
        _refuse_relative(quads)  # a relative IRI met before the syntax error comes first
        raise JsonLdError(
            f"The document is not valid JSON-LD: {exc}", code="jsonld.invalid", reason=str(exc)
        ) from None
    _refuse_relative(quads)
    if doubles or "@direction" in text:  # else no literal needs fixing: skip the walk
        quads = [fix_literal(q, doubles) for q in quads]
    if len(quads) > MAX_QUADS:
        raise too_complex(f"it has {len(quads):,} statements (limit {MAX_QUADS:,})")
    return quads


def _refuse_relative(quads: list[ox.Quad]) -> None:
    """:func:`no_relative` on every quad, after one cheap look at all of them together."""
    if _SENTINEL_BYTES in (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""):
        for quad in quads:
            no_relative(quad)


def no_relative(quad: ox.Quad) -> ox.Quad:
    """Refuse relative IRIs: without a base, JSON-LD processors drop them from the data."""
    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, ox.NamedNode) and term.value.startswith(SENTINEL_BASE):
            relative = term.value[len(SENTINEL_BASE) :]
            raise JsonLdError(
                f"The document uses the relative reference {relative!r}; "
                "identifiers and types must be absolute IRIs.",
                code="jsonld.relative_iri",
                reference=relative,
            )
    return quad
