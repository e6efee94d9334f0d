"""``@context`` rules the VC data model tests exercise, without a full JSON-LD processor.

The full undefined-term check (JSON-LD safe mode) lives in :mod:`insignia.core.jsonld`.  Here
we only look at the *top-level* term definitions — enough to reject what the W3C VCDM 2.0
suite rejects: a context item that is neither a URL nor an object, a term mapped to something
that is not an IRI, a protected term (``VerifiableCredential``…) redefined by a later context,
and a ``type`` that no context defines.  Contexts we do not ship are treated as "may define
anything", so this never rejects a credential merely for using an unknown context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from insignia.core.errors import ContextError
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.vcdm._problem import Problem, join_path
from insignia.core.vcdm._values import is_url

#: Keywords that may appear as keys of a context definition rather than as terms.
_CONTEXT_KEYWORDS = frozenset(
    {
        "@base",
        "@direction",
        "@import",
        "@language",
        "@propagate",
        "@protected",
        "@type",
        "@version",
        "@vocab",
    }
)


@dataclass(slots=True)
class ActiveTerms:
    """What the top-level context defines, as far as we can tell.

    :param terms: term → normalized definition (a dict with at least ``@id``, or None when the
        term was explicitly undefined).
    :param protected: terms that a later context may not redefine differently.
    :param vocab: the active ``@vocab``, if any (it makes every plain term an IRI).
    :param opaque: True once a context we do not ship was seen (it may define anything).
    """

    terms: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    protected: set[str] = field(default_factory=set)
    vocab: str | None = None
    opaque: bool = False

    def defines(self, value: str) -> bool:
        """True when ``value`` used as a ``type`` expands to an IRI under this context."""
        if ":" in value:
            prefix = value.split(":", 1)[0]
            return self.terms.get(prefix) is not None or is_url(value)
        if self.terms.get(value) is not None:
            return True
        return self.vocab is not None or self.opaque


def _normalize(definition: object) -> dict[str, Any] | None:
    """Bring a term definition to one shape so that equal definitions compare equal."""
    if definition is None:
        return None
    if isinstance(definition, str):
        return {"@id": definition}
    if isinstance(definition, Mapping):
        return {k: v for k, v in definition.items() if k != "@protected"}
    return {"@id": definition}


def _iri_problem(value: object, term: str, active: ActiveTerms) -> str | None:
    """Return why ``value`` is not a usable IRI mapping for ``term``, or None when it is."""
    if not isinstance(value, str):
        return f"the term {term!r} is mapped to {type(value).__name__}, not to an IRI"
    if value.startswith("@"):
        return None
    if ":" in value:
        prefix = value.split(":", 1)[0]
        if active.terms.get(prefix) is not None or is_url(value):
            return None
        return f"the term {term!r} is mapped to {value!r}, which is not an IRI"
    if active.terms.get(value) is not None or active.vocab is not None:
        return None
    return f"the term {term!r} is mapped to {value!r}, which is neither an IRI nor a known term"


class _ContextReader:
    """Apply context items one by one, recording problems."""

    def __init__(self, store: ContextStore, path: str) -> None:
        self.store = store
        self.path = path
        self.active = ActiveTerms()
        self.problems: list[Problem] = []

    def apply_url(self, url: str) -> None:
        if url not in self.store:
            self.active.opaque = True
            return
        try:
            document = self.store.get(url)
        except ContextError:
            self.active.opaque = True
            return
        for item in _as_items(document.get("@context")):
            if isinstance(item, Mapping):
                self.apply_definitions(item, self.path)
            elif isinstance(item, str):
                self.active.opaque = self.active.opaque or item not in self.store

    def apply_definitions(self, context: Mapping[str, Any], where: str) -> None:
        if "@context" in context:
            # jsonld.js and PyLD unwrap an inline {"@context": …} like a context document.
            for item in _as_items(context["@context"]):
                if isinstance(item, Mapping):
                    self.apply_definitions(item, where)
                elif isinstance(item, str) and is_url(item):
                    self.apply_url(item)
            return
        protect_all = context.get("@protected") is True
        if "@vocab" in context:
            vocab = context["@vocab"]
            self.active.vocab = vocab if isinstance(vocab, str) else None
        for term, definition in context.items():
            if not isinstance(term, str) or term in _CONTEXT_KEYWORDS:
                continue
            self._define(term, definition, protect_all, where)

    def _define(self, term: str, definition: object, protect_all: bool, where: str) -> None:
        normalized = _normalize(definition)
        if normalized is not None and "@id" in normalized:
            why = _iri_problem(normalized["@id"], term, self.active)
            if why is not None:
                self._error("vcdm.context.bad_iri", where, f"The @context is invalid: {why}.")
                return
        previous = self.active.terms.get(term)
        if term in self.active.protected and term in self.active.terms and previous != normalized:
            self._error(
                "vcdm.context.protected_redefinition",
                where,
                f"The @context redefines the protected term {term!r}; a credential may not "
                "change what the base contexts mean.",
            )
            return
        self.active.terms[term] = normalized
        protect = definition.get("@protected") if isinstance(definition, Mapping) else None
        if protect is True or (protect is None and protect_all):
            self.active.protected.add(term)

    def _error(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem(code, message, path))


def _as_items(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def read_context(
    doc: Mapping[str, Any], base_url: str, path: str = "", store: ContextStore | None = None
) -> tuple[list[Problem], ActiveTerms]:
    """Check ``doc["@context"]`` and return the problems plus the terms it defines.

    :param base_url: the context that must come first (VC 2.0 or VC 1.1 base context).
    """
    where = join_path(path, "@context")
    reader = _ContextReader(store or DEFAULT_STORE, where)
    if "@context" not in doc:
        reader._error(
            "vcdm.context.missing",
            where,
            f"The @context is missing; it must start with {base_url}.",
        )
        reader.active.opaque = True
        return reader.problems, reader.active
    items = _as_items(doc["@context"])
    if not items or items[0] != base_url:
        reader._error(
            "vcdm.context.first",
            join_path(where, 0),
            f"The first @context item must be {base_url}.",
        )
    for index, item in enumerate(items):
        here = join_path(where, index) if isinstance(doc["@context"], list) else where
        if isinstance(item, str):
            if is_url(item):
                reader.apply_url(item)
            else:
                reader._error(
                    "vcdm.context.not_url", here, f"The @context item {item!r} is not a URL."
                )
        elif isinstance(item, Mapping):
            reader.apply_definitions(item, here)
        else:
            reader._error(
                "vcdm.context.bad_item",
                here,
                "Each @context item must be a URL or an object, "
                f"not {type(item).__name__ if item is not None else 'null'}.",
            )
    return reader.problems, reader.active
