"""JSON-LD → RDF quads with pyoxigraph, refusing what the reference stack would not sign.

pyoxigraph parses the document with its contexts inlined (:mod:`.inline`); every literal is
then given the reference stack's lexical form (:mod:`.literals`), and relative IRIs, which
JSON-LD processors silently drop from the data, are refused instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pyoxigraph as ox

from insignia.core.errors import JsonLdError
from insignia.core.jsonld.inline import expanded_json_text
from insignia.core.jsonld.literals import fix_literal
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.jsonld.rdfc import too_complex

#: Most quads a document may produce (a full OB 3.0 credential gives a few hundred).
MAX_QUADS: Final = 20_000
#: Base IRI given to the parser so that relative references surface instead of vanishing.
SENTINEL_BASE: Final = "https://relative-reference.insignia.invalid/"


def to_quads(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> list[ox.Quad]:
    """Parse ``doc`` as JSON-LD (contexts inlined from ``store``) into RDF quads."""
    doubles: set[float] = set()
    return parse_quads(expanded_json_text(doc, store=store, doubles=doubles), doubles)


def parse_quads(text: str, doubles: set[float]) -> list[ox.Quad]:
    """Parse JSON-LD text that needs no document loader; check and fix every quad.

    :param doubles: the numbers of the document read as ``xsd:double`` (see
        :func:`~insignia.core.jsonld.literals.fix_literal`).
    """
    try:
        parsed = ox.parse(text, ox.RdfFormat.JSON_LD, base_iri=SENTINEL_BASE)
        quads = [fix_literal(no_relative(q), doubles) for q in parsed]
    except SyntaxError as exc:
        raise JsonLdError(
            f"The document is not valid JSON-LD: {exc}", code="jsonld.invalid", reason=str(exc)
        ) from None
    if len(quads) > MAX_QUADS:
        raise too_complex(f"it has {len(quads):,} statements (limit {MAX_QUADS:,})")
    return quads


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
