"""RDFC-1.0 canonical N-Quads of a JSON-LD document: the exact bytes a Data Integrity proof hashes.

The pipeline lives in smaller modules; this one is the entry point the proof code uses and
keeps their public names importable from one place:

* :mod:`.inline` — contexts inlined from the pinned store, since pyoxigraph 0.5 has no
  document loader (nothing is ever fetched);
* :mod:`.literals` — numbers, doubles and base direction written as the JavaScript
  reference stack writes them;
* :mod:`.toquads` — JSON-LD → RDF: our own expansion (shared with safe mode) turned into
  quads by pyoxigraph, or pyoxigraph's own parse of the inlined document;
* :mod:`.rdfc` — our own RDFC-1.0, with the reference stack's work budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.jsonld.inline import MAX_CONTEXT_DEPTH, expanded_json_text, inlined_context
from insignia.core.jsonld.literals import I18N, exact_double
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.jsonld.rdfc import MAX_BLANK_NODES, MAX_PERMUTATIONS, canonicalize_quads
from insignia.core.jsonld.toquads import MAX_QUADS, checked_quads, to_quads

__all__ = [
    "I18N",
    "MAX_BLANK_NODES",
    "MAX_CONTEXT_DEPTH",
    "MAX_PERMUTATIONS",
    "MAX_QUADS",
    "canonicalize",
    "canonicalize_checked",
    "canonicalize_quads",
    "exact_double",
    "expanded_json_text",
    "inlined_context",
    "to_quads",
]


def canonicalize(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE, utf16_order: bool = False
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of ``doc``: sorted lines, each ending in ``\\n``.

    :param utf16_order: sort N-Quads by UTF-16 code units, as rdf-canonize (JavaScript)
        does, instead of the code points RDFC-1.0 prescribes; the two differ only when
        lines first differ at a character above U+FFFF versus one in U+E000–U+FFFF.
    :raises ContextError: a context URL the store does not hold (never fetched).
    :raises JsonLdError: invalid JSON-LD (e.g. a protected term redefined), a number
        JSON-LD processors disagree on (``jsonld.ambiguous_number``), or a document too
        large or too ambiguous to canonicalize safely (``jsonld.too_complex``).
    :raises InputError: the document holds values JSON cannot represent.
    """
    return canonicalize_quads(to_quads(doc, store=store), utf16_order=utf16_order)


def canonicalize_checked(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE, utf16_order: bool = False
) -> str:
    """JSON-LD safe mode, then :func:`canonicalize`, sharing one expansion of ``doc``.

    What signing and verifying need: the same result and errors as
    ``safemode.check(doc)`` followed by ``canonicalize(doc)``, for about half the work.

    :raises SafeModeError: terms no context defines (they would not be signed).
    :raises ContextError, JsonLdError, InputError: as :func:`canonicalize`.
    """
    return canonicalize_quads(checked_quads(doc, store=store), utf16_order=utf16_order)
