"""Offline JSON-LD context store, pinned by SHA-256.

Every context a signature depends on ships inside the package (``insignia/core/contexts``) and
is checked against the hash recorded in ``index.json`` when first read.  Nothing is ever
fetched: an unknown context URL is an error, because a verifier that fetched contexts would
let whoever serves the context change what a signature means (context substitution).

Callers that accept further contexts (an issuer's own extension context, say) build a
:class:`ContextStore` with ``extra`` documents; the default store is :data:`DEFAULT_STORE`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from insignia.core.errors import ContextError

_PACKAGE = "insignia.core.contexts"


def _read_index() -> dict[str, dict[str, str]]:
    raw = resources.files(_PACKAGE).joinpath("index.json").read_bytes()
    index: dict[str, dict[str, str]] = json.loads(raw)
    return index


class ContextStore:
    """A read-only map from context URL to its parsed JSON document.

    :param extra: additional ``url -> document`` entries (already parsed; trusted by the caller).
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._index = _read_index()
        self._cache: dict[str, Mapping[str, Any]] = {}
        self._bytes: dict[str, bytes] = {}
        self._extra = dict(extra or {})

    def urls(self) -> list[str]:
        """Return every context URL this store can answer, sorted."""
        return sorted({*self._index, *self._extra})

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and (url in self._index or url in self._extra)

    def raw(self, url: str) -> bytes:
        """Return the pinned bytes of a shipped context (hash-checked).

        :raises ContextError: unknown URL or hash mismatch.
        """
        if url in self._bytes:
            return self._bytes[url]
        entry = self._index.get(url)
        if entry is None:
            raise ContextError(
                f"The JSON-LD context {url} is not one Insignia knows; it is never fetched.",
                url=url,
            )
        data = resources.files(_PACKAGE).joinpath(entry["file"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise ContextError(
                f"The shipped copy of {url} does not match its pinned hash.",
                code="jsonld.context_hash_mismatch",
                url=url,
            )
        self._bytes[url] = data
        return data

    def get(self, url: str) -> Mapping[str, Any]:
        """Return the parsed context document for ``url`` (whole document, ``@context`` included).

        :raises ContextError: when the URL is unknown or the shipped copy was altered.
        """
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        if url in self._extra:
            doc: Mapping[str, Any] = self._extra[url]
        else:
            doc = json.loads(self.raw(url))
        frozen = MappingProxyType(dict(doc))
        self._cache[url] = frozen
        return frozen

    def document(self, url: str) -> dict[str, Any]:
        """Return a fresh, mutable deep copy of the context document (for libraries that mutate)."""
        copied: dict[str, Any] = json.loads(json.dumps(dict(self.get(url))))
        return copied


#: The store of contexts shipped with Insignia.
DEFAULT_STORE = ContextStore()
