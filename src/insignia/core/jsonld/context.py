"""Processed JSON-LD contexts: immutable term definitions and active contexts.

This is the data a JSON-LD processor derives from ``@context`` (JSON-LD 1.1 §4.1): for each
term, the IRI it expands to, its type mapping, container, scoped context, whether it is
protected and whether it is a reverse property.  Objects here are immutable once built, so a
processed context can be shared by every document and thread; they are built by
:mod:`insignia.core.jsonld.processing` and memoised there.

The representation follows jsonld.js closely (the reference verifiers use it) so that what we
call "defined" is exactly what they call defined.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from insignia.core.errors import JsonLdError
from insignia.core.jsonld.iri import KEYWORDS, has_keyword_form, is_absolute, resolve


@dataclass(frozen=True, slots=True, eq=False)
class LocalContext:
    """A ``@context`` value exactly as written (URL, object, ``null`` or array of those).

    :param value: the raw JSON value.
    :param trusted: it comes from the pinned context store, so what it produces may be
        memoised for the life of the process (document contexts are never memoised globally).
    :param base: URL that relative context references inside it resolve against (the URL of
        the context document it came from), or ``None``.
    """

    value: Any
    trusted: bool
    base: str | None = None


@dataclass(frozen=True, slots=True)
class TermDefinition:
    """What one term means in an active context (JSON-LD 1.1 "term definition").

    ``iri`` is the absolute IRI, blank node label or keyword the term expands to, or ``None``
    for a term explicitly mapped to ``null`` (its use is then a dropped property).  Fields
    that a context may set to ``null`` (``language``, ``direction``) have a ``has_*`` flag,
    because "set to null" and "not set" mean different things.  ``prefix`` is ``None`` when
    the definition never decided it (which matters when a protected term is redefined).
    """

    iri: str | None
    reverse: bool = False
    type_mapping: str | None = None
    container: frozenset[str] | None = None
    has_language: bool = False
    language: str | None = None
    has_direction: bool = False
    direction: str | None = None
    context: LocalContext | None = None
    index: str | None = None
    nest: str | None = None
    prefix: bool | None = None
    protected: bool = False
    term_has_colon: bool = False
    #: derived: ``iri`` is a keyword or an absolute IRI, so a key using the term is kept
    expands: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        expands = self.iri is not None and (self.iri in KEYWORDS or is_absolute(self.iri))
        object.__setattr__(self, "expands", expands)

    def same_meaning(self, other: TermDefinition) -> bool:
        """Return whether redefining ``self`` as ``other`` changes nothing (protection check)."""
        return (
            self.iri == other.iri
            and self.reverse == other.reverse
            and self.type_mapping == other.type_mapping
            and self.container == other.container
            and (self.has_language, self.language) == (other.has_language, other.language)
            and (self.has_direction, self.direction) == (other.has_direction, other.direction)
            and _same_json(
                None if self.context is None else self.context.value,
                None if other.context is None else other.context.value,
            )
            and (self.context is None) == (other.context is None)
            and self.index == other.index
            and self.nest == other.nest
            and self.prefix == other.prefix
            and self.term_has_colon == other.term_has_colon
        )


def _same_json(a: Any, b: Any) -> bool:
    """Strict JSON equality (``True`` is not ``1``), as a JavaScript deep comparison sees it."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@dataclass(frozen=True, slots=True)
class ContextEvent:
    """A lossy condition met while processing a context (kept with the processed context
    and reported each time the context is used, as jsonld.js replays cached events)."""

    code: str
    term: str
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class ActiveContext:
    """The state of context processing at one point of a document (JSON-LD 1.1 §4.1).

    ``previous`` is the context to return to when leaving a node whose type-scoped context
    does not propagate.  ``trusted`` contexts were built only from pinned store contexts.
    ``memo`` caches contexts derived from this one; it is the only mutable part and is an
    implementation detail of :mod:`insignia.core.jsonld.processing`.
    """

    terms: Mapping[str, TermDefinition]
    vocab: str | None = None
    base: str | None = None
    language: str | None = None
    direction: str | None = None
    previous: ActiveContext | None = None
    has_protected: bool = False
    trusted: bool = True
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def term(self, name: object) -> TermDefinition | None:
        """Return the definition of ``name``, or ``None`` when it is not a term here."""
        return self.terms.get(name) if isinstance(name, str) else None

    def revert(self) -> ActiveContext:
        """Return the context without any non-propagated (type-scoped) context."""
        return self.previous if self.previous is not None else self

    def with_previous(self, previous: ActiveContext) -> ActiveContext:
        """Return a copy that reverts to ``previous`` when leaving the current node."""
        return ActiveContext(
            terms=self.terms,
            vocab=self.vocab,
            base=self.base,
            language=self.language,
            direction=self.direction,
            previous=previous,
            has_protected=self.has_protected,
            trusted=self.trusted,
        )

    def container(self, name: object) -> frozenset[str]:
        """Return the container mapping of term ``name`` (empty when it has none)."""
        td = self.term(name)
        return td.container if td is not None and td.container is not None else frozenset()

    def type_mapping(self, name: object) -> str | None:
        """Return the type mapping of term ``name`` (``@id``, ``@vocab``, ``@json``, an IRI…)."""
        td = self.term(name)
        return td.type_mapping if td is not None else None

    def language_of(self, name: object) -> str | None:
        """Return the language a plain string value of ``name`` gets (term, then default)."""
        td = self.term(name)
        if td is not None and td.has_language:
            return td.language
        return self.language

    def direction_of(self, name: object) -> str | None:
        """Return the base direction a plain string value of ``name`` gets."""
        td = self.term(name)
        if td is not None and td.has_direction:
            return td.direction
        return self.direction

    def scoped_context(self, name: object) -> LocalContext | None:
        """Return the scoped context term ``name`` carries, or ``None``."""
        td = self.term(name)
        return td.context if td is not None else None


def vocab_iri(ctx: ActiveContext, key: str) -> Any:
    """``expand_iri(ctx, key, vocab=True)`` with a fast path for terms (the common case)."""
    td = ctx.terms.get(key)
    return td.iri if td is not None else expand_iri(ctx, key, vocab=True)


def expand_iri(ctx: ActiveContext, value: Any, *, vocab: bool = False, base: bool = False) -> Any:
    """Expand a key, ``@type`` value or ``@id`` value against ``ctx`` (IRI Expansion, §5.2).

    Returns the keyword, an IRI (absolute or, when nothing defines it, still relative),
    ``None`` for reserved ``@``-forms and null-mapped terms, or ``value`` unchanged when it is
    not a string.  ``vocab`` treats ``value`` as a term or vocabulary-relative IRI (keys and
    types); ``base`` resolves it against ``@base`` (identifiers).
    """
    if not isinstance(value, str) or value in KEYWORDS:
        return value
    if value[:1] == "@" and has_keyword_form(value):
        return None
    if vocab:
        td = ctx.terms.get(value)
        if td is not None:
            return td.iri
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        ptd = ctx.terms.get(prefix)
        if ptd is not None and ptd.prefix and ptd.iri is not None:
            return ptd.iri + suffix
        if is_absolute(value):
            return value
    if vocab and ctx.vocab is not None:
        return ctx.vocab + value
    if base and ctx.base:
        return resolve(ctx.base, value)
    return value


def jsonld_error(spec_code: str, message: str, **detail: Any) -> JsonLdError:
    """Build the error for a JSON-LD syntax error, with a stable code derived from the
    JSON-LD 1.1 error code (``"invalid @id value"`` → ``"jsonld.invalid_id_value"``)."""
    slug = spec_code.replace("@", "").replace(" ", "_").lower()
    return JsonLdError(f"Invalid JSON-LD: {message}", code=f"jsonld.{slug}", **detail)


def js_falsy(value: Any) -> bool:
    """JavaScript falsiness of a JSON value (``[]`` and ``{}`` are truthy there).

    jsonld.js sometimes tests a value's truthiness rather than its presence; mirroring that
    keeps our verdict equal to the reference verifiers' on odd inputs.
    """
    if value is None or value is False or value == "":
        return True
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0
