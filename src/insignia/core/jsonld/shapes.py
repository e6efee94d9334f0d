"""Canonical N-Quads by credential *shape*: expand once per shape, substitute per recipient.

A cohort's credentials differ only in their string values (ids, names, dates, hashes), and
JSON-LD gives a string the same treatment wherever its key, the contexts and the types
around it are the same.  So the general pipeline (:func:`~.canonical.canonicalize_checked`)
runs once per *shape* on a copy of the document whose strings are replaced by unique
sentinels; where each sentinel lands in the quads is the template.  Each later document of
that shape gets its own values written into the template (with pyoxigraph's own N-Quads
escaping) and only RDFC-1.0 runs.

The fast path answers only when it is sure; otherwise :func:`canonical` returns None and
the caller takes the general path.  What it takes as proof:

* the shape: every key, array length, number (by type and ``repr``), boolean and null is
  the same; values of keywords and of their aliases (``type``, ``@language``…), and every
  ``@context`` (URLs of the store only, no inline contexts), are the same exactly;
* each string is in the same class as when the shape was compiled: an absolute IRI of the
  same scheme (strictly ASCII, no dot segments, valid for pyoxigraph) or anything else;
* each sentinel came out of the general pipeline whole, as one IRI or as the whole value of
  a literal (never expanded against a prefix, inside a JSON literal, relative, or lost);
* when a shape is compiled, the template filled with that document's own values gives the
  general path's bytes (a self-check; a shape that fails it is never used).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import pyoxigraph as ox

from insignia.core.jsonld.canonical import canonicalize_checked
from insignia.core.jsonld.loader import ContextStore
from insignia.core.jsonld.rdfc import canonicalize_parts
from insignia.core.jsonld.toquads import checked_quads

#: How many shapes are kept per process (a platform has a few per badge).
MAX_SHAPES: Final = 512
#: The mark of a sentinel; documents containing it are never templated.
MARK: Final = "insignia-slot-7fq2-"
_IRI: Final = re.compile(r"([a-z][a-z0-9+.\-]*):[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*\Z")
_BAD_IRI: Final = re.compile(r"%(?![0-9A-Fa-f]{2})|(?:^|/)\.\.?(?:[/?#]|\Z)")
#: Keywords whose values (and those of their aliases) are part of the shape, not slots.
_SUBSTITUTABLE_KEYWORDS: Final = frozenset({"@id", "@value"})

_Part = str | int  # fixed N-Quads text, or the index of a slot


class _Unfit(Exception):
    """The document is outside what the fast path handles."""


@dataclass(frozen=True, slots=True)
class Template:
    """The quads of one shape, with slots where its strings go.

    :param ground: quads without blank nodes, each as a ``str.format`` pattern (slots are
        ``{n}``).
    :param linked: the other quads, as (subject, predicate, object, graph) parts.
    :param render: how each slot's value becomes N-Quads text (an IRI or a literal).
    """

    ground: tuple[str, ...]
    linked: tuple[tuple[_Part, _Part, _Part, _Part], ...]
    render: tuple[Callable[[str], str], ...]

    def canonical(self, values: list[str]) -> str:
        """The canonical N-Quads with ``values`` in the slots.

        :raises ValueError: a value pyoxigraph refuses as an IRI.
        """
        texts = [render(value) for render, value in zip(self.render, values, strict=True)]
        ground = [pattern.format(*texts) for pattern in self.ground]
        linked = [
            (_fill(s, texts), _fill(p, texts), _fill(o, texts), _fill(g, texts))
            for s, p, o, g in self.linked
        ]
        return canonicalize_parts(ground, linked)


def _fill(part: _Part, texts: list[str]) -> str:
    return part if isinstance(part, str) else texts[part]


_UNFIT: Final = object()
_templates: dict[tuple[ContextStore, Hashable], Template | object] = {}


def canonical(doc: Mapping[str, Any], store: ContextStore) -> str | None:
    """The RDFC-1.0 canonical N-Quads of ``doc`` from its shape's template, or None when
    the general path must decide (new shape that fails to compile, or anything unusual).

    Never raises for the document's content: every error is the general path's to give.
    """
    try:
        key, values = shape_of(doc, store)
    except (_Unfit, TypeError, ValueError, RecursionError):
        return None
    template = _templates.get((store, key))
    if template is None:
        template = _compile(doc, key, values, store)
    if not isinstance(template, Template):
        return None
    try:
        return template.canonical(values)
    except ValueError:
        return None


def shape_of(doc: Mapping[str, Any], store: ContextStore) -> tuple[Hashable, list[str]]:
    """The shape key of ``doc`` and its string values in document order.

    :raises _Unfit: inline or unknown contexts, non-JSON values, or the sentinel mark.
    """
    values: list[str] = []
    key = _walk(doc, _exact_keys(store), store, values)
    if any(MARK in value for value in values):
        raise _Unfit
    return key, values


def _walk(value: Any, exact: frozenset[str], store: ContextStore, values: list[str]) -> Hashable:
    kind = type(value)
    if kind is str:
        values.append(value)
        return string_class(value)
    if kind is dict:
        parts: list[Hashable] = ["{"]
        for key, item in value.items():
            if key in exact or (key[:1] == "@" and key not in _SUBSTITUTABLE_KEYWORDS):
                parts.append((key, _frozen(key, item, store)))
            else:
                parts.append((key, _walk(item, exact, store, values)))
        return tuple(parts)
    if kind is list:
        return ("[", *(_walk(item, exact, store, values) for item in value))
    if kind is int or kind is bool or value is None:
        return (kind.__name__, value)
    if kind is float:
        return ("float", repr(value))
    raise _Unfit


def _frozen(key: str, value: Any, store: ContextStore) -> str:
    """An exact value as part of the shape; a ``@context`` must name store URLs only."""
    if key == "@context":
        urls = [value] if isinstance(value, str) else value
        if not isinstance(urls, list) or not all(isinstance(u, str) and u in store for u in urls):
            raise _Unfit
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    if MARK in text:
        raise _Unfit
    return text


def string_class(value: str) -> str:
    """``scheme:`` for a plain absolute IRI, ``""`` for any other string."""
    match = _IRI.match(value)
    if match is None or _BAD_IRI.search(value, len(match.group(1)) + 1):
        return ""
    return match.group(1) + ":"


@lru_cache(maxsize=8)
def _exact_keys(store: ContextStore) -> frozenset[str]:
    """Every term some context of ``store`` makes an alias of a keyword other than
    ``@id``/``@value`` (``type`` for ``@type``…): their values are part of the shape."""
    found: set[str] = set()

    def scan(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, item in node.items():
                target = item.get("@id") if isinstance(item, Mapping) else item
                if (
                    isinstance(target, str)
                    and target.startswith("@")
                    and target not in _SUBSTITUTABLE_KEYWORDS
                ):
                    found.add(key)
                scan(item)
        elif isinstance(node, list):
            for item in node:
                scan(item)

    for url in store.urls():
        scan(store.get(url))
    return frozenset(found)


def _compile(
    doc: Mapping[str, Any], key: Hashable, values: list[str], store: ContextStore
) -> Template | object:
    """Compile and self-check the template of ``doc``'s shape (or remember it is unfit)."""
    if len(_templates) >= MAX_SHAPES:
        _templates.clear()
    sentinels = [f"{cls}{MARK}{i}x" for i, cls in enumerate(map(string_class, values))]
    result: Template | object = _UNFIT
    try:
        quads = checked_quads(_substitute(doc, _exact_keys(store), iter(sentinels)), store=store)
        template = _template(quads, {s: i for i, s in enumerate(sentinels)})
        if template is not None and _agrees(template, doc, values, store):
            result = template
    except Exception:  # anything unexpected: this shape is not templated
        result = _UNFIT
    _templates[(store, key)] = result
    return result


def _agrees(
    template: Template, doc: Mapping[str, Any], values: list[str], store: ContextStore
) -> bool:
    return template.canonical(values) == canonicalize_checked(doc, store=store)


def _substitute(value: Any, exact: frozenset[str], sentinels: Any) -> Any:
    """A copy of ``value`` with its strings replaced by ``sentinels``, as :func:`_walk`
    visits them."""
    kind = type(value)
    if kind is str:
        return next(sentinels)
    if kind is dict:
        return {
            k: v
            if k in exact or (k[:1] == "@" and k not in _SUBSTITUTABLE_KEYWORDS)
            else _substitute(v, exact, sentinels)
            for k, v in value.items()
        }
    if kind is list:
        return [_substitute(v, exact, sentinels) for v in value]
    return value


def _template(quads: list[ox.Quad], slots: Mapping[str, int]) -> Template | None:
    """Find every sentinel in ``quads``; None when one is missing or not whole."""
    render: dict[int, Callable[[str], str]] = {}
    ground: list[str] = []
    linked: list[tuple[_Part, _Part, _Part, _Part]] = []
    for quad in quads:
        graph = quad.graph_name
        terms = (quad.subject, quad.predicate, quad.object)
        found = [_part(term, slots, render) for term in terms]
        found.append("" if isinstance(graph, ox.DefaultGraph) else _part(graph, slots, render))
        parts = [p for p in found if p is not None]
        if len(parts) != 4 or isinstance(parts[1], int):
            return None
        if any(isinstance(t, ox.BlankNode) for t in (*terms, graph)):
            linked.append((parts[0], parts[1], parts[2], parts[3]))
        else:
            text = " ".join(_pattern(p) for p in parts if p != "")
            ground.append(text + " .\n")
    if len(render) != len(slots):
        return None
    return Template(tuple(ground), tuple(linked), tuple(render[i] for i in range(len(slots))))


def _pattern(part: _Part) -> str:
    return f"{{{part}}}" if isinstance(part, int) else part.replace("{", "{{").replace("}", "}}")


def _part(
    term: Any, slots: Mapping[str, int], render: dict[int, Callable[[str], str]]
) -> _Part | None:
    """The text of ``term``, or its slot; None when a sentinel sits in it other than whole."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    text = str(term)
    if MARK not in text:
        return text
    slot = slots.get(term.value)
    if slot is None:
        return None
    if isinstance(term, ox.NamedNode):
        renderer: Callable[[str], str] = _render_iri
    elif MARK in term.datatype.value or term.direction is not None:
        return None
    elif term.language is not None:
        renderer = _literal_renderer(None, term.language)
    else:
        renderer = _literal_renderer(term.datatype, None)
    if render.setdefault(slot, renderer) is not renderer:
        return None  # one string, two kinds of term: not a plain substitution
    return slot


def _render_iri(value: str) -> str:
    return str(ox.NamedNode(value))


@lru_cache(maxsize=256)
def _literal_renderer(datatype: ox.NamedNode | None, language: str | None) -> Callable[[str], str]:
    if language is not None:
        return lambda value: str(ox.Literal(value, language=language))
    return lambda value: str(ox.Literal(value, datatype=datatype))
