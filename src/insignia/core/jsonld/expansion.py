"""JSON-LD expansion that records what would be lost (the safe-mode events of jsonld.js).

:class:`Expander` runs the JSON-LD 1.1 Expansion algorithm the way jsonld.js does (the
reference verifiers use it) and builds the expanded document, but instead of silently dropping
a key that no context defines, a relative ``@type`` and so on, it records an :class:`Event`
with the JSON path where it happened and carries on, so one pass reports every problem.
The few conditions that jsonld.js only meets later, when turning the expanded document into
RDF (a relative IRI in the object position, a blank-node predicate), are recorded where the
value is produced, since they always end in a dropped triple.

Invalid JSON-LD (an ``@id`` that is not a string, a protected term redefined…) is not an
event but a :class:`~insignia.core.errors.JsonLdError`, raised at once, as jsonld.js does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insignia.core.jsonld.context import (
    ActiveContext,
    LocalContext,
    expand_iri,
    jsonld_error,
    vocab_iri,
)
from insignia.core.jsonld.iri import has_keyword_form, is_absolute, is_keyword
from insignia.core.jsonld.loader import ContextStore
from insignia.core.jsonld.maps import Path, as_list
from insignia.core.jsonld.nodes import Frame, NodeExpansion
from insignia.core.jsonld.processing import initial_context, process


@dataclass(frozen=True, slots=True)
class Event:
    """One lossy condition: jsonld.js's event ``code``, our ``kind``, the offending ``term``."""

    code: str
    kind: str
    term: str
    path: Path
    reason: str


class Expander(NodeExpansion):
    """Expands one document against the contexts of ``store``, collecting :attr:`events`."""

    def __init__(self, store: ContextStore) -> None:
        self.store = store
        self.events: list[Event] = []
        #: The objects below the top level whose own ``@context`` was applied.
        self.embedded: list[Mapping[str, Any]] = []

    def run(self, document: Mapping[str, Any]) -> list[Any]:
        """Expand ``document`` from the initial context; return its expanded form.

        The result is what ``jsonld.expand`` returns (an array of node objects, a lone
        top-level ``@graph`` unwrapped), minus whatever was recorded as lost.
        """
        expanded = self.expand(initial_context(self.store), None, document, None)
        if isinstance(expanded, dict) and len(expanded) == 1 and "@graph" in expanded:
            expanded = expanded["@graph"]
        if expanded is None:
            return []
        return expanded if isinstance(expanded, list) else [expanded]

    # -- recording -------------------------------------------------------------------------

    def note(self, code: str, kind: str, term: str, path: Path, reason: str) -> None:
        """Record one lossy condition."""
        self.events.append(Event(code, kind, term, path, reason))

    def apply(
        self, ctx: ActiveContext, local: LocalContext, path: Path, **flags: bool
    ) -> ActiveContext:
        """Process a context, recording the events it raises at ``path``."""
        new, found = process(self.store, ctx, local, **flags)
        for event in found:
            self.note(event.code, "context", event.term, path, event.reason)
        return new

    # -- the algorithm ---------------------------------------------------------------------

    def expand(
        self,
        ctx: ActiveContext,
        active_property: str | None,
        element: Any,
        path: Path,
        *,
        inside_list: bool = False,
        inside_index: bool = False,
    ) -> Any:
        """Expand one JSON value (Expansion Algorithm, JSON-LD 1.1 API §5.1.2)."""
        if element is None:
            return None
        kind = type(element)
        if kind is dict or (kind is not list and isinstance(element, Mapping)):
            return self._expand_object(
                ctx,
                active_property,
                element,
                path,
                inside_list=inside_list,
                inside_index=inside_index,
            )
        if kind is list or kind is tuple:
            return self._expand_array(
                ctx,
                active_property,
                element,
                path,
                inside_list=inside_list,
                inside_index=inside_index,
            )
        if not inside_list and (
            active_property is None or vocab_iri(ctx, active_property) == "@graph"
        ):
            self.note(
                "free-floating scalar",
                "value",
                _short(element),
                path,
                "a value outside any property",
            )
            return None
        return self.expand_value(ctx, active_property, element, path)

    def _expand_array(
        self,
        ctx: ActiveContext,
        active_property: str | None,
        element: list[Any] | tuple[Any, ...],
        path: Path,
        *,
        inside_list: bool,
        inside_index: bool,
    ) -> list[Any]:
        out: list[Any] = []
        inside_list = inside_list or "@list" in ctx.container(active_property)
        for i, item in enumerate(element):
            expanded = self.expand(ctx, active_property, item, (path, i), inside_index=inside_index)
            if inside_list and isinstance(expanded, list):
                expanded = {"@list": expanded}
            if expanded is None:
                continue
            if isinstance(expanded, list):
                out.extend(expanded)
            else:
                out.append(expanded)
        return out

    def _expand_object(
        self,
        ctx: ActiveContext,
        active_property: str | None,
        element: Mapping[str, Any],
        path: Path,
        *,
        inside_list: bool,
        inside_index: bool,
    ) -> Any:
        td = ctx.terms.get(active_property) if active_property is not None else None
        expanded_active = td.iri if td is not None else expand_iri(ctx, active_property, vocab=True)
        property_scoped = td.context if td is not None else None
        ctx = self._revert_type_scope(ctx, element, inside_index)
        if property_scoped is not None:
            ctx = self.apply(ctx, property_scoped, path, propagate=True, override_protected=True)
        if "@context" in element:
            if path is not None:
                self.embedded.append(element)
            local = LocalContext(element["@context"], trusted=False)
            ctx = self.apply(ctx, local, (path, "@context"))
        type_scoped = ctx
        type_key = None
        keys = sorted(element)
        for key in keys:
            if vocab_iri(ctx, key) != "@type":
                continue
            type_key = type_key or key
            for type_ in _sorted_types(element[key]):
                scoped = type_scoped.scoped_context(type_)
                if scoped is not None:
                    ctx = self.apply(ctx, scoped, (path, key), propagate=False)
        rval: dict[str, Any] = {}
        frame = Frame(ctx, type_scoped, active_property, expanded_active, type_key)
        self.expand_keys(frame, element, rval, path, keys)
        result, count = self._finish_object(ctx, rval, path)
        in_graph = (
            active_property is None
            or expanded_active == "@graph"
            or "@graph" in ctx.container(active_property)
        )
        if isinstance(result, dict) and not inside_list and in_graph:
            return self.drop_unsafe(result, count, path)
        return result

    def _revert_type_scope(
        self, ctx: ActiveContext, element: Mapping[str, Any], inside_index: bool
    ) -> ActiveContext:
        """Leave a type-scoped context, except for values and bare references (§5.1.2 7)."""
        if inside_index:
            return ctx
        type_scoped = ctx if ctx.previous is not None else None
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = expand_iri(type_scoped, key, vocab=True)
                if expanded == "@value":
                    return type_scoped
                if expanded == "@id" and len(element) == 1:
                    return ctx
        return ctx.revert()

    def _finish_object(
        self, ctx: ActiveContext, rval: dict[str, Any], path: Path
    ) -> tuple[Any, int]:
        """Validate value, list and set objects; drop the ones that carry nothing."""
        count = len(rval)
        if "@value" in rval:
            return self._finish_value(rval, count, path), count
        if "@json" in as_list(rval.get("@type", [])):
            # only a value can have the type @json; as a node type it is no IRI
            self.note("relative object reference", "type", "@json", path, "@json is not a class")
        if "@type" in rval and not isinstance(rval["@type"], list):
            rval["@type"] = [rval["@type"]]
            for key in ("@set", "@list"):
                if key in rval:
                    # jsonld.js skips its check here: the contents silently never reach RDF
                    self.note("dropped keyword", "property", key, path, "ignored beside @type")
        elif "@set" in rval or "@list" in rval:
            if count > 1 and not (count == 2 and "@index" in rval):
                raise jsonld_error("invalid set or list object", "@set/@list allow only @index")
            if "@set" in rval:
                inner = rval["@set"]
                return inner, len(inner)
        elif count == 1 and "@language" in rval:
            self.note(
                "object with only @language", "object", rval["@language"], path, "nothing to tag"
            )
            return None, count
        return rval, count

    def _finish_value(self, rval: dict[str, Any], count: int, path: Path) -> Any:
        if "@type" in rval and ("@language" in rval or "@direction" in rval):
            raise jsonld_error("invalid value object", "a typed value cannot have a language")
        extra = count - 1 - sum(k in rval for k in ("@type", "@index", "@language", "@direction"))
        if extra:
            raise jsonld_error("invalid value object", "a value object has other properties")
        values = [] if rval["@value"] is None else as_list(rval["@value"])
        types = as_list(rval.get("@type") or [])
        if types == ["@json"]:
            return rval
        if not values:
            self.note("null @value value", "value", "@value", path, "a value object without value")
            return None
        if "@language" in rval and not all(isinstance(v, str) or v == {} for v in values):
            raise jsonld_error("invalid language-tagged value", "only strings take a language")
        # A relative @type was reported already (an event); a blank node one is an error.
        if any(isinstance(t, str) and t.startswith("_:") for t in types):
            raise jsonld_error("invalid typed value", "a value's @type cannot be a blank node")
        return rval

    def drop_unsafe(self, value: Any, count: int, path: Path) -> Any:
        """Drop a node that would make no triple (empty, bare ``@id``, free value or list)."""
        if not isinstance(value, Mapping):
            return value
        if count == 0:
            code, term = "empty object", "{}"
        elif "@value" in value:
            code, term = "object with only @value", _short(value["@value"])
        elif "@list" in value:
            code, term = "object with only @list", "@list"
        elif count == 1 and "@id" in value:
            code, term = "object with only @id", str(value["@id"])
        else:
            return value
        self.note(code, "object", term, path, "it makes no statement, so it would vanish")
        return None

    def expand_value(
        self, ctx: ActiveContext, active_property: str | None, value: Any, path: Path
    ) -> Any:
        """Value Expansion (§5.3.2) of a scalar, reporting IRIs that stay relative."""
        td = ctx.terms.get(active_property) if active_property is not None else None
        if td is not None:
            expanded_property, type_mapping = td.iri, td.type_mapping
        else:
            expanded_property = expand_iri(ctx, active_property, vocab=True)
            type_mapping = None
        if expanded_property == "@id":
            return expand_iri(ctx, value, base=True)
        if expanded_property == "@type":
            return expand_iri(ctx, value, vocab=True, base=True)
        if isinstance(value, str) and (type_mapping == "@id" or expanded_property == "@graph"):
            iri = expand_iri(ctx, value, base=True)
            self.check_reference(iri, value, path)
            return {"@id": iri}
        if isinstance(value, str) and type_mapping == "@vocab":
            iri = expand_iri(ctx, value, vocab=True, base=True)
            self.check_reference(iri, value, path)
            return {"@id": iri}
        if is_keyword(expanded_property):
            return value
        rval: dict[str, Any] = {}
        if type_mapping not in (None, "@id", "@vocab", "@none"):
            rval["@type"] = type_mapping
        elif isinstance(value, str):
            language = td.language if td is not None and td.has_language else ctx.language
            if language is not None:
                rval["@language"] = language
            direction = td.direction if td is not None and td.has_direction else ctx.direction
            if direction is not None:
                rval["@direction"] = direction
        rval["@value"] = value
        return rval

    def check_reference(self, iri: Any, value: str, path: Path) -> None:
        """Report a node reference that would not survive as an RDF IRI."""
        if iri is None and has_keyword_form(value):
            self.note("reserved @id value", "reference", value, path, "it looks like a keyword")
        elif iri != "" and not is_absolute(iri):  # jsonld.js drops "" without a word
            self.note(
                "relative object reference", "reference", value, path, "no context makes it an IRI"
            )


def _sorted_types(value: Any) -> list[str]:
    """The string types of a ``@type`` value, in the order jsonld.js applies their contexts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        types = [t for t in value if isinstance(t, str)]
        return sorted(types, key=_utf16) if len(types) > 1 else types
    return []


def _utf16(text: str) -> bytes:
    """Sort key equal to JavaScript's default string order (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


def _short(value: Any) -> str:
    """A short, printable rendering of a JSON value for messages."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)[:80]
    return text if len(text) <= 80 else text[:77] + "..."
