"""Create Term Definition (JSON-LD 1.1 API §4.2.2), as jsonld.js runs it.

One context object is applied to a mutable :class:`Builder`; each of its keys becomes a
:class:`~insignia.core.jsonld.context.TermDefinition`.  Terms may depend on each other (a
compact IRI uses a prefix defined in the same object), so definitions are made on demand and
cycles are errors.  The order of checks follows jsonld.js, because the first error raised is
the one a peer verifier reports too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from insignia.core.jsonld.context import (
    ActiveContext,
    ContextEvent,
    LocalContext,
    TermDefinition,
    js_falsy,
    jsonld_error,
)
from insignia.core.jsonld.iri import has_keyword_form, is_absolute, is_keyword, resolve

_TERM_KEYS = frozenset(
    ("@container", "@id", "@language", "@reverse", "@type", "@context", "@direction", "@index",
     "@nest", "@prefix", "@protected")
)  # fmt: skip
_CONTAINERS = frozenset({"@list", "@set", "@index", "@language", "@graph", "@id", "@type"})
_GRAPH_CONTAINER_PARTNERS = frozenset({"@graph", "@id", "@index", "@set"})
_IRI_LIKE_TERM = re.compile(r":[^:]|/")
_PREFIX_IRI_END = re.compile(r"[:/?#\[\]@]$")


class Builder:
    """The active context while one context object is being applied (then frozen)."""

    __slots__ = (
        "base",
        "direction",
        "has_protected",
        "language",
        "previous",
        "terms",
        "trusted",
        "vocab",
    )

    def __init__(self, ctx: ActiveContext, trusted: bool) -> None:
        self.terms: dict[str, TermDefinition] = dict(ctx.terms)
        self.vocab = ctx.vocab
        self.base = ctx.base
        self.language = ctx.language
        self.direction = ctx.direction
        self.previous = ctx.previous
        self.has_protected = ctx.has_protected
        self.trusted = ctx.trusted and trusted

    def freeze(self) -> ActiveContext:
        """Return the immutable active context built so far."""
        return ActiveContext(
            terms=dict(self.terms),
            vocab=self.vocab,
            base=self.base,
            language=self.language,
            direction=self.direction,
            previous=self.previous,
            has_protected=self.has_protected,
            trusted=self.trusted,
        )


class TermDefiner:
    """Defines the terms of one local context object on a :class:`Builder`.

    :param local: the context object (keywords included).
    :param origin: where it came from: scoped contexts it carries inherit its trust and base.
    :param events: receives lossy conditions (reserved terms…), in order.
    """

    def __init__(
        self,
        builder: Builder,
        local: Mapping[str, Any],
        origin: LocalContext,
        events: list[ContextEvent],
    ) -> None:
        self.b = builder
        self.local = local
        self.origin = origin
        self.events = events
        self.defined: dict[str, bool] = {}
        self.protected_default = local.get("@protected") is True

    def define(self, term: str, *, override_protected: bool = False) -> None:
        """Define ``term`` from the local context (once; a dependency cycle is an error)."""
        self._define(term, self.defined, override_protected)

    def expand(
        self,
        value: Any,
        defined: dict[str, bool] | None,
        *,
        vocab: bool = True,
        base: bool = False,
    ) -> Any:
        """IRI expansion during context processing: terms it uses are defined first."""
        if not isinstance(value, str) or is_keyword(value):
            return value
        if has_keyword_form(value):
            return None
        if defined is not None and value in self.local and defined.get(value) is not True:
            self._define(value, defined, False)
        if vocab:
            td = self.b.terms.get(value)
            if td is not None:
                return td.iri
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            if defined is not None and prefix in self.local:
                self._define(prefix, defined, False)
            ptd = self.b.terms.get(prefix)
            if ptd is not None and ptd.prefix and ptd.iri is not None:
                return ptd.iri + suffix
            if is_absolute(value):
                return value
        if vocab and self.b.vocab is not None:
            return self.b.vocab + value
        if base and self.b.base:
            return resolve(self.b.base, value)
        return value

    # -- the algorithm ---------------------------------------------------------------------

    def _define(self, term: str, defined: dict[str, bool], override_protected: bool) -> None:
        if term in defined:
            if defined[term]:
                return
            raise jsonld_error("cyclic IRI mapping", f"the term {term!r} depends on itself")
        defined[term] = False
        value = self.local.get(term)
        if not self._check_term_name(term, value):
            return
        previous = self.b.terms.pop(term, None)
        simple = value is None or isinstance(value, str)
        if simple:
            value = {"@id": value}
        if not isinstance(value, Mapping):
            raise jsonld_error("invalid term definition", f"{term!r} is not a string or object")
        if any(k not in _TERM_KEYS for k in value):
            raise jsonld_error("invalid term definition", f"{term!r} has an unknown keyword")
        found = self._iri_mapping(term, value, simple, defined, previous)
        if found is None:
            return
        iri, reverse, prefix = found
        # jsonld.js records the IRI before the rest, so the term may already be used below.
        self.b.terms[term] = TermDefinition(iri=iri, prefix=prefix)
        protected = value.get("@protected") is True or (
            self.protected_default and value.get("@protected") is not False
        )
        if protected:
            self.b.has_protected = True
        defined[term] = True
        td = self._details(
            term=term,
            value=value,
            iri=iri,
            reverse=reverse,
            prefix=prefix,
            protected=protected,
            defined=defined,
        )
        if previous is not None and previous.protected and not override_protected:
            self.b.has_protected = True
            td = _with_protected(td)
            if not previous.same_meaning(td):
                raise jsonld_error(
                    "protected term redefinition",
                    f"the protected term {term!r} cannot be redefined",
                    term=term,
                )
        self.b.terms[term] = td

    def _check_term_name(self, term: str, value: Any) -> bool:
        """Reject keywords and empty terms; skip reserved ``@`` forms (an event)."""
        container = value.get("@container") if isinstance(value, Mapping) else None
        if (
            term == "@type"
            and isinstance(value, Mapping)
            and (js_falsy(container) or container == "@set")
        ):
            if not value or any(k not in {"@container", "@id", "@protected"} for k in value):
                raise jsonld_error("keyword redefinition", "@type may only set @container @set")
            return True
        if is_keyword(term):
            raise jsonld_error("keyword redefinition", f"the keyword {term} cannot be redefined")
        if has_keyword_form(term):
            self.events.append(
                ContextEvent("reserved term", term, "terms that look like keywords are ignored")
            )
            return False
        if term == "":
            raise jsonld_error("invalid term definition", "a term cannot be empty")
        return True

    def _iri_mapping(
        self,
        term: str,
        value: Mapping[str, Any],
        simple: bool,
        defined: dict[str, bool],
        previous: TermDefinition | None,
    ) -> tuple[str | None, bool, bool | None] | None:
        """Return (iri, reverse, prefix flag), or ``None`` when the term is dropped."""
        if "@reverse" in value:
            return self._reverse_mapping(term, value, defined, previous)
        if "@id" in value and value["@id"] != term:
            raw = value["@id"]
            if raw is None:
                return None, False, None
            if not isinstance(raw, str):
                raise jsonld_error("invalid IRI mapping", f"the @id of {term!r} is not a string")
            if not is_keyword(raw) and has_keyword_form(raw):
                self.events.append(
                    ContextEvent("reserved @id value", term, f"@id {raw!r} looks like a keyword")
                )
                self._restore(term, previous)
                return None
            iri = self.expand(raw, defined)
            if not (is_absolute(iri) or is_keyword(iri)):
                raise jsonld_error("invalid IRI mapping", f"{term!r} maps to the relative {raw!r}")
            if _IRI_LIKE_TERM.search(term) and self.expand(term, {**defined, term: True}) != iri:
                raise jsonld_error("invalid IRI mapping", f"IRI-like term {term!r} maps elsewhere")
            colon = term.find(":")
            prefix = simple and colon <= 0 and _PREFIX_IRI_END.search(iri) is not None
            return iri, False, prefix
        return self._implicit_iri(term, defined), False, None

    def _reverse_mapping(
        self,
        term: str,
        value: Mapping[str, Any],
        defined: dict[str, bool],
        previous: TermDefinition | None,
    ) -> tuple[str | None, bool, bool | None] | None:
        if "@id" in value or "@nest" in value:
            raise jsonld_error("invalid reverse property", f"{term!r}: @reverse with @id/@nest")
        raw = value["@reverse"]
        if not isinstance(raw, str):
            raise jsonld_error("invalid IRI mapping", f"the @reverse of {term!r} is not a string")
        if has_keyword_form(raw):
            self.events.append(
                ContextEvent("reserved @reverse value", term, f"@reverse {raw!r} is reserved")
            )
            self._restore(term, previous)
            return None
        iri = self.expand(raw, defined)
        if not is_absolute(iri):
            raise jsonld_error("invalid IRI mapping", f"the @reverse of {term!r} is not absolute")
        return iri, True, None

    def _implicit_iri(self, term: str, defined: dict[str, bool]) -> str:
        """The IRI of a term without ``@id``: from its prefix, itself, or ``@vocab``."""
        colon = term.find(":")
        if colon > 0:
            prefix = term[:colon]
            if prefix in self.local:
                self._define(prefix, defined, False)
            ptd = self.b.terms.get(prefix)
            if ptd is not None:
                # jsonld.js concatenates even a null mapping ("null" + suffix): never absolute
                return ("null" if ptd.iri is None else ptd.iri) + term[colon + 1 :]
            return term
        if term == "@type":
            return "@type"
        if self.b.vocab is None:
            raise jsonld_error("invalid IRI mapping", f"the term {term!r} has no @id and no @vocab")
        return self.b.vocab + term

    def _restore(self, term: str, previous: TermDefinition | None) -> None:
        if previous is not None:
            self.b.terms[term] = previous

    def _details(
        self,
        *,
        term: str,
        value: Mapping[str, Any],
        iri: str | None,
        reverse: bool,
        prefix: bool | None,
        protected: bool,
        defined: dict[str, bool],
    ) -> TermDefinition:
        """Type mapping, container, index, scoped context, language, prefix, direction, nest."""
        type_mapping = self._type_mapping(value, defined)
        container: frozenset[str] | None = None
        if "@container" in value:
            container, type_mapping = _container(value["@container"], type_mapping, reverse)
        index = None
        if "@index" in value:
            index = value["@index"]
            if container is None or "@index" not in container:
                raise jsonld_error("invalid term definition", f"{term!r}: @index without container")
            if not isinstance(index, str) or index.startswith("@"):
                raise jsonld_error("invalid term definition", f"@index of {term!r} is not a term")
        scoped = None
        if "@context" in value:
            scoped = LocalContext(value["@context"], self.origin.trusted, self.origin.base)
        has_language, language = False, None
        if "@language" in value and "@type" not in value:
            language = value["@language"]
            if language is not None and not isinstance(language, str):
                raise jsonld_error("invalid language mapping", f"the @language of {term!r}")
            language = None if language is None else language.lower()
            has_language = True
        if "@prefix" in value:
            prefix = _prefix_flag(term, iri, value["@prefix"])
        has_direction, direction = False, None
        if "@direction" in value:
            direction = value["@direction"]
            if direction not in (None, "ltr", "rtl"):
                raise jsonld_error("invalid base direction", f"the @direction of {term!r}")
            has_direction = True
        nest = None
        if "@nest" in value:
            nest = value["@nest"]
            if not isinstance(nest, str) or (nest != "@nest" and nest.startswith("@")):
                raise jsonld_error("invalid @nest value", f"the @nest of {term!r}")
        if iri in ("@context", "@preserve"):
            raise jsonld_error("invalid keyword alias", f"{iri} cannot be aliased")
        return TermDefinition(
            iri=iri,
            reverse=reverse,
            type_mapping=type_mapping,
            container=container,
            has_language=has_language,
            language=language,
            has_direction=has_direction,
            direction=direction,
            context=scoped,
            index=index,
            nest=nest,
            prefix=prefix,
            protected=protected,
            term_has_colon=term.find(":") > 0,
        )

    def _type_mapping(self, value: Mapping[str, Any], defined: dict[str, bool]) -> str | None:
        if "@type" not in value:
            return None
        raw = value["@type"]
        if not isinstance(raw, str):
            raise jsonld_error("invalid type mapping", "a term's @type must be a string")
        if raw in ("@json", "@none", "@id", "@vocab"):
            return raw
        iri = self.expand(raw, defined)
        if not is_absolute(iri):
            raise jsonld_error("invalid type mapping", f"the type {raw!r} is not an absolute IRI")
        if iri.startswith("_:"):
            raise jsonld_error("invalid type mapping", f"the type {raw!r} is a blank node")
        return str(iri)


def _container(
    raw: Any, type_mapping: str | None, reverse: bool
) -> tuple[frozenset[str], str | None]:
    """Validate a ``@container`` value; ``@type`` maps default the type mapping to ``@id``."""
    items: list[Any]
    if isinstance(raw, str):
        items = [raw]
    elif raw is None:
        items = []
    elif isinstance(raw, list):
        items = raw
    else:
        raise jsonld_error("invalid container mapping", "@container must be a string or array")
    valid = True
    has_set = "@set" in items
    if "@list" in items:
        if len(items) != 1:
            raise jsonld_error("invalid container mapping", "@list cannot be combined")
    elif "@graph" in items:
        if any(k not in _GRAPH_CONTAINER_PARTNERS for k in items):
            raise jsonld_error("invalid container mapping", "@graph goes only with @id/@index/@set")
    else:
        valid = len(items) <= (2 if has_set else 1)
    if "@type" in items:
        type_mapping = type_mapping or "@id"
        if type_mapping not in ("@id", "@vocab"):
            raise jsonld_error("invalid type mapping", "a @type container needs @type @id/@vocab")
    valid = valid and all(isinstance(c, str) and c in _CONTAINERS for c in items)
    valid = valid and not (has_set and "@list" in items)
    if not valid:
        raise jsonld_error("invalid container mapping", f"unsupported @container {raw!r}")
    if reverse and any(c not in ("@index", "@set") for c in items):
        raise jsonld_error("invalid reverse property", "a @reverse term may only use @index/@set")
    return frozenset(items), type_mapping


def _prefix_flag(term: str, iri: str | None, raw: Any) -> bool:
    if ":" in term or "/" in term:
        raise jsonld_error("invalid term definition", f"@prefix on the compact IRI {term!r}")
    if is_keyword(iri):
        raise jsonld_error("invalid term definition", "a keyword cannot be a prefix")
    if not isinstance(raw, bool):
        raise jsonld_error("invalid @prefix value", f"@prefix of {term!r} must be true or false")
    return raw


def _with_protected(td: TermDefinition) -> TermDefinition:
    return td if td.protected else replace(td, protected=True)
