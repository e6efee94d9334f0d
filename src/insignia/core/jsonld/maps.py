"""Shared pieces of expansion: JSON-LD value predicates, ``addValue``, and the expansion of
language, index, ``@id`` and ``@type`` maps (JSON-LD 1.1 API §5.1.2 step 13.7-13.8).

Map keys are where a reference processor silently invents or loses data (an undefined type
used as a ``@type`` map key stays a relative IRI), so they are checked like any other key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.jsonld.context import ActiveContext, LocalContext, expand_iri, jsonld_error
from insignia.core.jsonld.iri import is_absolute, is_bcp47

#: A JSON path as a linked list: ``(parent, key_or_index)``, ``None`` at the root.
Path = tuple[Any, str | int] | None


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else a one-item list."""
    return value if isinstance(value, list) else [value]


def is_value(value: Any) -> bool:
    """A value object (has ``@value``)."""
    return isinstance(value, Mapping) and "@value" in value


def is_list(value: Any) -> bool:
    """A list object (has ``@list``)."""
    return isinstance(value, Mapping) and "@list" in value


def is_subject(value: Any) -> bool:
    """A node object that says something (not a value, list, set, or bare reference)."""
    if not isinstance(value, Mapping) or "@value" in value or "@set" in value or "@list" in value:
        return False
    return len(value) > 1 or "@id" not in value


def is_graph(value: Any) -> bool:
    """A graph object: ``@graph`` plus at most ``@id`` and ``@index``."""
    if not isinstance(value, Mapping) or "@graph" not in value:
        return False
    return sum(k not in ("@id", "@index") for k in value) == 1


def add_value(
    subject: dict[str, Any],
    key: str,
    value: Any,
    *,
    as_array: bool = False,
    prepend: bool = False,
) -> None:
    """Add ``value`` under ``key`` the way jsonld.js ``addValue`` does (duplicates kept)."""
    if isinstance(value, list):
        if not value and as_array and key not in subject:
            subject[key] = []
        if prepend:
            value = value + as_list(subject.get(key, []))
            subject[key] = []
        for item in value:
            add_value(subject, key, item, as_array=as_array, prepend=prepend)
    elif key in subject:
        if not isinstance(subject[key], list):
            subject[key] = [subject[key]]
        if prepend:
            subject[key].insert(0, value)
        else:
            subject[key].append(value)
    else:
        subject[key] = [value] if as_array else value


class ExpansionBase:
    """Map expansion; the element-level algorithm is provided by the subclass."""

    # -- provided by insignia.core.jsonld.expansion.Expander -------------------------------

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
        raise NotImplementedError

    def expand_value(
        self, ctx: ActiveContext, active_property: str | None, value: Any, path: Path
    ) -> Any:
        raise NotImplementedError

    def note(self, code: str, kind: str, term: str, path: Path, reason: str) -> None:
        raise NotImplementedError

    def apply(
        self, ctx: ActiveContext, local: LocalContext, path: Path, **flags: bool
    ) -> ActiveContext:
        raise NotImplementedError

    def check_reference(self, iri: Any, value: str, path: Path) -> None:
        raise NotImplementedError

    def drop_unsafe(self, value: Any, count: int, path: Path) -> Any:
        raise NotImplementedError

    # -- maps ------------------------------------------------------------------------------

    def language_map(
        self, ctx: ActiveContext, value: Mapping[str, Any], direction: str | None, path: Path
    ) -> list[dict[str, Any]]:
        """``{"en": "…", "fr": "…"}`` under a ``@language`` container."""
        out: list[dict[str, Any]] = []
        for key in sorted(value):
            expanded_key = expand_iri(ctx, key, vocab=True)
            for item in as_list(value[key]):
                if item is None:
                    continue
                if not isinstance(item, str):
                    raise jsonld_error("invalid language map value", "language maps hold strings")
                entry: dict[str, Any] = {"@value": item}
                if expanded_key != "@none":
                    if not is_bcp47(key):
                        self.note(
                            "invalid @language value", "language", key, (path, key), "not BCP 47"
                        )
                    entry["@language"] = key.lower()
                if direction:
                    entry["@direction"] = direction
                out.append(entry)
        return out

    def index_map(
        self,
        ctx: ActiveContext,
        active_property: str,
        value: Mapping[str, Any],
        path: Path,
        *,
        as_graph: bool,
        index_key: str,
        by: Any,
    ) -> list[Any]:
        """Index, ``@id`` and ``@type`` maps (§5.1.2 step 13.8.3).

        ``by`` is the IRI of the property an index map files its keys under
        (``"@index": "term"`` in the term definition), or ``None``.
        """
        out: list[Any] = []
        by = by or None
        for key in sorted(value):
            kpath = (path, key)
            if index_key == "@type":
                scoped = ctx.scoped_context(key)
                if scoped is not None:
                    ctx = self.apply(ctx, scoped, kpath, propagate=False)
            items = self.expand(ctx, active_property, as_list(value[key]), kpath, inside_index=True)
            if by is not None:
                expanded_key = (
                    "@none" if key == "@none" else self.expand_value(ctx, index_key, key, kpath)
                )
            else:
                expanded_key = expand_iri(ctx, key, vocab=True)
            index = expanded_key
            if index_key == "@id":
                index = expand_iri(ctx, key, base=True)
            elif index_key != "@type":
                index = key
            for item in items:
                out.append(
                    self._index_item(
                        item,
                        index=index,
                        expanded_key=expanded_key,
                        index_key=index_key,
                        by=by,
                        as_graph=as_graph,
                        path=kpath,
                    )
                )
        return out

    def _index_item(
        self,
        item: Any,
        *,
        index: Any,
        expanded_key: Any,
        index_key: str,
        by: Any,
        as_graph: bool,
        path: Path,
    ) -> Any:
        if as_graph and not is_graph(item):
            item = {"@graph": [item]}
        if not isinstance(item, dict):
            return item
        if index_key == "@type":
            if expanded_key != "@none":
                if not is_absolute(index):
                    self.note(
                        "relative object reference", "type", str(index), path, "undefined type"
                    )
                item["@type"] = [index, *as_list(item.get("@type") or [])]
        elif is_value(item) and index_key not in ("@language", "@type", "@index"):
            raise jsonld_error("invalid value object", f"a value cannot take {index_key}")
        elif by is not None:
            if expanded_key != "@none":
                if not is_absolute(by):
                    self.note(
                        "relative predicate reference", "property", index_key, path, "undefined"
                    )
                elif str(by).startswith("_:"):
                    self.note("blank node predicate", "property", index_key, path, "a blank node")
                add_value(item, by, expanded_key, as_array=True, prepend=True)
        elif expanded_key != "@none" and index_key not in item:
            item[index_key] = index
            if index_key == "@id" and not is_absolute(index):
                self.note("relative @id reference", "id", str(index), path, "not an absolute IRI")
        return item
