"""JSON-LD safe mode: refuse documents whose meaning would not be fully signed.

A Data Integrity signature covers the RDF a JSON-LD document expands to, not its JSON.
Python JSON-LD processors silently drop keys and types that no context defines, so such data
would travel with a credential without being covered by its signature: a verifier would show
it, yet anybody could have changed it.  jsonld.js has a "safe mode" that makes every such
loss an error; this module is ours, built to agree with it (it runs the same context
processing and expansion steps and looks at the same events).

:func:`find_undefined` lists every loss with its JSON path; :func:`check` raises
:class:`~insignia.core.errors.SafeModeError` if there is any.  The proof code calls
:func:`check` before signing and when verifying.

Covered jsonld.js safe-mode events: ``invalid property``, ``relative @type reference``,
``relative @id reference``, ``reserved @id value``, ``invalid @language value``,
``null @value value``, ``empty object``, ``object with only @id``, ``object with only
@value``, ``object with only @list``, ``object with only @language``, ``free-floating
scalar``, ``relative object reference``, ``relative predicate reference``, ``blank node
predicate``, ``reserved term``, ``reserved @reverse value``, ``relative @vocab reference``
(``relative subject/graph reference`` are always preceded by ``relative @id reference``;
``rdfDirection not set`` cannot happen: the suites use ``i18n-datatype``).  One stricter
check of our own, where jsonld.js drops data without an event: a keyword key that carries
no data in a node (``"@none": …``, or ``@set``/``@list`` beside ``@type``), reported as
``dropped keyword``.  Like jsonld.js we accept an empty reference (``"issuer": ""``), which
expansion drops but which carries nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from insignia.core.errors import InputError, JsonLdError, SafeModeError
from insignia.core.jsonld.expansion import Event, Expander
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.jsonld.maps import Path

#: How many terms the message of :class:`SafeModeError` names (all are in ``detail``).
MESSAGE_TERMS: Final = 5


@dataclass(frozen=True, slots=True)
class UndefinedTerm:
    """One piece of a document that would not be covered by a signature.

    :param path: where it is, as a JSON path (``credentialSubject.achievement.fooBar``,
        ``type[1]``; ``""`` for the document itself).
    :param term: the key, type, identifier or language tag at fault.
    :param kind: ``property``, ``type``, ``id``, ``reference`` (value of an ``@id``/``@vocab``
        property), ``language``, ``value``, ``object`` or ``context``.
    :param reason: a sentence for people.
    :param event: the jsonld.js event code (``"invalid property"``…) this corresponds to.
    """

    path: str
    term: str
    kind: str
    reason: str
    event: str

    def to_dict(self) -> dict[str, str]:
        """The JSON shape used in error details and API responses."""
        return {
            "path": self.path,
            "term": self.term,
            "kind": self.kind,
            "reason": self.reason,
            "event": self.event,
        }


def find_undefined(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE
) -> list[UndefinedTerm]:
    """Return everything in ``doc`` that JSON-LD expansion would lose.

    Findings come in the order jsonld.js meets them (depth first, keys sorted), each once.

    :raises ContextError: a ``@context`` URL the store does not hold.
    :raises JsonLdError: ``doc`` is not valid JSON-LD (e.g. ``jsonld.invalid_id_value``,
        ``jsonld.protected_term_redefinition``).
    :raises InputError: ``doc`` is not a JSON object or is nested too deeply.
    """
    return _findings(_expand(doc, store)[0])


def check(doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE) -> None:
    """Raise unless every key, type and identifier of ``doc`` survives JSON-LD expansion.

    :raises SafeModeError: (code ``jsonld.undefined_term``) naming the first few terms; the
        full list is in ``err.detail["terms"]`` and ``err.detail["findings"]``.
    :raises ContextError, JsonLdError, InputError: as :func:`find_undefined`.
    """
    checked_expansion(doc, store=store)


def checked_expansion(
    doc: Mapping[str, Any], *, store: ContextStore = DEFAULT_STORE
) -> tuple[Expander, list[Any]]:
    """:func:`check` ``doc``; return the expander that ran and the expanded document.

    Signing and verifying need both the check and the expanded form; one expansion serves
    both (it is most of the cost of JSON-LD processing).

    :raises SafeModeError, ContextError, JsonLdError, InputError: as :func:`check`.
    """
    expander, expanded = _expand(doc, store)
    _refuse(_findings(expander))
    return expander, expanded


def _expand(doc: Mapping[str, Any], store: ContextStore) -> tuple[Expander, list[Any]]:
    if not isinstance(doc, Mapping):
        raise InputError("A JSON-LD document must be a JSON object.", code="input.not_object")
    expander = Expander(store)
    try:
        expanded = expander.run(doc)
    except JsonLdError:
        raise
    except RecursionError as exc:
        raise InputError("The document is nested too deeply.", code="input.too_deep") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise JsonLdError(
            "The document is not JSON data that JSON-LD can read.", code="jsonld.invalid_json"
        ) from exc
    return expander, expanded


def _findings(expander: Expander) -> list[UndefinedTerm]:
    return _unique([_to_term(e) for e in expander.events])


def _refuse(found: list[UndefinedTerm]) -> None:
    if not found:
        return
    shown = ", ".join(f"{f.term!r} at {f.path or '(top)'}" for f in found[:MESSAGE_TERMS])
    more = f" and {len(found) - MESSAGE_TERMS} more" if len(found) > MESSAGE_TERMS else ""
    raise SafeModeError(
        f"JSON-LD safe mode: {shown}{more} would not be covered by a signature "
        "(no context defines them).",
        code="jsonld.undefined_term",
        terms=[f.term for f in found],
        findings=[f.to_dict() for f in found],
    )


def format_path(path: Path) -> str:
    """Render a linked path as ``a.b[0].c``."""
    parts: list[str | int] = []
    while path is not None:
        path, part = path
        parts.append(part)
    out = ""
    for part in reversed(parts):
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _to_term(event: Event) -> UndefinedTerm:
    return UndefinedTerm(
        path=format_path(event.path),
        term=event.term,
        kind=event.kind,
        reason=event.reason,
        event=event.code,
    )


def _unique(found: list[UndefinedTerm]) -> list[UndefinedTerm]:
    """Drop repeats (a context's events are replayed each time the context is applied)."""
    return list(dict.fromkeys(found))
