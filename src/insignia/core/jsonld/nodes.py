"""The keys of one JSON object during expansion (JSON-LD 1.1 API §5.1.2 steps 13-14).

This is jsonld.js's ``_expandObject``: where a key that no context defines is found.  Such
a key does not expand to an absolute IRI or a keyword, and jsonld.js drops it with an
"invalid property" event; so do we, recording where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insignia.core.jsonld.context import ActiveContext, expand_iri, jsonld_error
from insignia.core.jsonld.iri import KEYWORDS, is_absolute, is_bcp47
from insignia.core.jsonld.maps import (
    ExpansionBase,
    Path,
    add_value,
    as_list,
    is_list,
    is_subject,
    is_value,
)

_NO_CONTAINER: frozenset[str] = frozenset()

#: Keywords with a meaning in a node object.  Another keyword used as a key there is kept by
#: expansion but never reaches RDF; jsonld.js drops it without an event, we report it.
_NODE_KEYWORDS = frozenset(
    {"@id", "@type", "@graph", "@included", "@reverse", "@nest", "@index", "@value"}
    | {"@language", "@direction", "@list", "@set", "@context"}
)


@dataclass(frozen=True, slots=True)
class Frame:
    """What the keys of one JSON object are expanded against.

    ``ctx`` is the active context once property-scoped, embedded and type-scoped contexts
    apply; ``type_scoped`` is the context before the type-scoped ones, which is where the
    object's own ``@type`` values are looked up (JSON-LD 1.1 §5.1.2 step 11).
    """

    ctx: ActiveContext
    type_scoped: ActiveContext
    active_property: str | None
    expanded_active: Any
    type_key: str | None


class NodeExpansion(ExpansionBase):
    """Key-by-key expansion of node objects."""

    # -- the keys of one object ------------------------------------------------------------

    def expand_keys(
        self,
        frame: Frame,
        element: Mapping[str, Any],
        rval: dict[str, Any],
        path: Path,
        keys: list[str] | None = None,
    ) -> None:
        """Expand every key of ``element`` (``keys``: sorted, if known) into ``rval``, then
        its ``@nest`` objects."""
        ctx = frame.ctx
        nests: list[str] = []
        raw_value: Any = None
        json_type = _is_json_type(ctx, element, frame.type_key)
        terms = ctx.terms
        for key in sorted(element) if keys is None else keys:
            if key == "@context":
                continue
            value = element[key]
            kpath = (path, key)
            td = terms.get(key)
            if td is not None:
                prop: Any = td.iri
                keyword = prop in KEYWORDS
                defined = td.expands
            else:
                prop = expand_iri(ctx, key, vocab=True)
                keyword = prop in KEYWORDS
                defined = keyword or is_absolute(prop)
            if not defined:
                self.note(
                    "invalid property",
                    "property",
                    key,
                    kpath,
                    "no context defines it, so it would not be signed",
                )
                continue
            if keyword:
                if frame.expanded_active == "@reverse":
                    raise jsonld_error("invalid reverse property map", "a keyword under @reverse")
                if prop in rval and prop not in ("@included", "@type"):
                    raise jsonld_error("colliding keywords", f"{prop} is given twice")
                if prop == "@nest":
                    nests.append(key)
                    continue
                if prop == "@value":
                    raw_value = value
                    if json_type:
                        rval["@value"] = value
                    else:
                        add_value(rval, "@value", value)
                    continue
                if self._keyword(frame, key, prop, value, rval=rval, path=kpath):
                    continue
            self._property(frame, key, prop, value, rval=rval, path=kpath)
        if (
            "@value" in rval
            and rval.get("@type") != "@json"
            and isinstance(raw_value, Mapping | list)
        ):
            raise jsonld_error("invalid value object value", "@value must be a scalar")
        for key in nests:
            for nested in as_list(element[key]):
                if not isinstance(nested, Mapping) or any(
                    expand_iri(ctx, k, vocab=True) == "@value" for k in nested
                ):
                    raise jsonld_error("invalid @nest value", "@nest must hold node objects")
                self.expand_keys(frame, nested, rval, (path, key))

    def _keyword(
        self, frame: Frame, key: str, prop: str, value: Any, *, rval: dict[str, Any], path: Path
    ) -> bool:
        """Handle a keyword key; ``False`` when it is an ordinary entry (``@graph``…)."""
        if prop == "@id":
            if not isinstance(value, str):
                raise jsonld_error("invalid @id value", "@id must be a string")
            iri = expand_iri(frame.ctx, value, base=True)
            if iri is None:
                self.note("reserved @id value", "id", value, path, "it looks like a keyword")
            elif not is_absolute(iri):
                self.note("relative @id reference", "id", value, path, "it is not an absolute IRI")
            rval["@id"] = iri
        elif prop == "@type":
            self._type(frame.type_scoped, value, rval, path)
        elif prop == "@included":
            included = as_list(self.expand(frame.ctx, frame.active_property, value, path))
            if not all(is_subject(v) for v in included):
                raise jsonld_error("invalid @included value", "@included must hold node objects")
            add_value(rval, "@included", included, as_array=True)
        elif prop == "@language":
            self._language(value, rval, path)
        elif prop == "@direction":
            if value not in ("ltr", "rtl"):
                raise jsonld_error("invalid base direction", "@direction must be ltr or rtl")
            rval["@direction"] = value
        elif prop == "@index":
            if not isinstance(value, str):
                raise jsonld_error("invalid @index value", "@index must be a string")
            rval["@index"] = value
        elif prop == "@reverse":
            self._reverse(frame.ctx, value, rval, path)
        elif prop == "@graph" and not isinstance(value, Mapping | list):
            raise jsonld_error("invalid @graph value", "@graph must be an object or array")
        else:
            if prop not in _NODE_KEYWORDS:
                self.note("dropped keyword", "property", key, path, f"{prop} carries no data here")
            return False
        return True

    def _type(
        self, type_scoped: ActiveContext, value: Any, rval: dict[str, Any], path: Path
    ) -> None:
        is_list_ = isinstance(value, list)
        if not (isinstance(value, str) or (is_list_ and all(isinstance(v, str) for v in value))):
            raise jsonld_error("invalid type value", "@type must be a string or array of strings")
        terms = type_scoped.terms
        for i, type_ in enumerate(as_list(value)):
            td = terms.get(type_)
            if td is not None:
                iri, defined = td.iri, td.expands
            else:
                iri = expand_iri(type_scoped, type_, vocab=True, base=True)
                defined = is_absolute(iri)
            if not defined and iri != "@json":
                self.note(
                    "relative @type reference",
                    "type",
                    type_,
                    (path, i) if is_list_ else path,
                    "no context defines this type, so it would not be signed",
                )
            add_value(rval, "@type", iri)

    def _language(self, value: Any, rval: dict[str, Any], path: Path) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise jsonld_error("invalid language-tagged string", "@language must be a string")
        if not is_bcp47(value):
            self.note("invalid @language value", "language", value, path, "not a BCP 47 tag")
        rval["@language"] = value.lower()

    def _reverse(self, ctx: ActiveContext, value: Any, rval: dict[str, Any], path: Path) -> None:
        if not isinstance(value, Mapping):
            raise jsonld_error("invalid @reverse value", "@reverse must be an object")
        expanded = self.expand(ctx, "@reverse", value, path)
        if not isinstance(expanded, Mapping):
            return
        for prop, items in expanded.get("@reverse", {}).items():
            add_value(rval, prop, items, as_array=True)
        for prop, items in expanded.items():
            if prop == "@reverse":
                continue
            reverse_map = rval.setdefault("@reverse", {})
            add_value(reverse_map, prop, [], as_array=True)
            for item in items:
                if is_value(item) or is_list(item):
                    raise jsonld_error("invalid reverse property value", "reverse of a value")
                add_value(reverse_map, prop, item, as_array=True)

    def _property(
        self, frame: Frame, key: str, prop: str, value: Any, *, rval: dict[str, Any], path: Path
    ) -> None:
        """An ordinary entry (or ``@graph``/``@list``/``@set``): expand and add its value."""
        ctx = frame.ctx
        td = ctx.terms.get(key)
        term_ctx = ctx
        if td is not None and td.context is not None:
            term_ctx = self.apply(ctx, td.context, path, propagate=True, override_protected=True)
        container = td.container if td is not None and td.container else _NO_CONTAINER
        expanded = self._property_value(
            frame, term_ctx, key, prop, value, container=container, path=path
        )
        if expanded is None:
            return
        if prop != "@list" and "@list" in container and not is_list(expanded):
            expanded = {"@list": as_list(expanded)}
        if "@graph" in container and "@id" not in container and "@index" not in container:
            kept = [v for v in as_list(expanded) if self.drop_unsafe(v, _size(v), path) is not None]
            if not kept:
                return
            expanded = [{"@graph": as_list(v)} for v in kept]
        if prop.startswith("_:") and as_list(expanded):
            self.note("blank node predicate", "property", key, path, "a blank node is no predicate")
        term = td if term_ctx is ctx else term_ctx.terms.get(key)
        if term is not None and term.reverse:
            reverse_map = rval.setdefault("@reverse", {})
            for item in as_list(expanded):
                if is_value(item) or is_list(item):
                    raise jsonld_error("invalid reverse property value", "reverse of a value")
                add_value(reverse_map, prop, item, as_array=True)
            return
        add_value(rval, prop, expanded, as_array=True)

    def _property_value(
        self,
        frame: Frame,
        term_ctx: ActiveContext,
        key: str,
        prop: str,
        value: Any,
        *,
        container: frozenset[str],
        path: Path,
    ) -> Any:
        if container and isinstance(value, Mapping):
            as_graph = "@graph" in container
            if "@language" in container:
                return self.language_map(term_ctx, value, term_ctx.direction_of(key), path)
            if "@index" in container:
                td = term_ctx.term(key)
                index_key = td.index if td is not None and td.index else "@index"
                by = None if index_key == "@index" else expand_iri(frame.ctx, index_key, vocab=True)
                return self.index_map(
                    term_ctx, key, value, path, as_graph=as_graph, index_key=index_key, by=by
                )
            if "@id" in container:
                return self.index_map(
                    term_ctx, key, value, path, as_graph=as_graph, index_key="@id", by=None
                )
            if "@type" in container:
                return self.index_map(
                    term_ctx.revert(), key, value, path, as_graph=False, index_key="@type", by=None
                )
        if prop in ("@list", "@set"):
            inside_list = prop == "@list"
            next_property = frame.active_property
            if inside_list and frame.expanded_active == "@graph":
                next_property = None
            return self.expand(term_ctx, next_property, value, path, inside_list=inside_list)
        td = frame.ctx.terms.get(key)
        if td is not None and td.type_mapping == "@json":
            return {"@type": "@json", "@value": value}
        return self.expand(term_ctx, key, value, path)


def _is_json_type(ctx: ActiveContext, element: Mapping[str, Any], type_key: str | None) -> bool:
    """Whether the object's own ``@type`` is ``@json`` (its ``@value`` is then any JSON)."""
    if type_key is None:
        return False
    value = element.get(type_key)
    first = value[0] if isinstance(value, list) and value else value
    return bool(value) and expand_iri(ctx, first, vocab=True) == "@json"


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Mapping | list) else 0
