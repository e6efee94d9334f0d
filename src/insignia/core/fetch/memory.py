"""Fetchers that answer from memory: a TTL cache in front of another fetcher, and fixed documents.

:class:`CachingFetcher` keeps recent answers for a TTL on an injected clock (the engine has no
clock of its own); :class:`MappingFetcher` serves documents from memory for tests and offline
folders.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from insignia.core.fetch.base import FetchedDocument, Fetcher, fetch_error


class CachingFetcher:
    """Remembers successful fetches for ``ttl_seconds`` (by URL and Accept), LRU-bounded.

    Verifying a batch of badges from one issuer asks for the same DID document and status list
    again and again; a short TTL keeps that cheap without pinning stale revocation data.
    Thread-safe, because the web app shares one fetcher between requests.
    """

    def __init__(
        self,
        inner: Fetcher,
        ttl_seconds: float,
        clock: Callable[[], float],
        *,
        max_entries: int = 256,
        max_total_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self._inner = inner
        self._ttl = ttl_seconds
        self._clock = clock
        self._max_entries = max_entries
        self._max_bytes = max_total_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[float, FetchedDocument]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        key = (url, accept)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] > self._clock():
                self._entries.move_to_end(key)
                return hit[1]
        document = self._inner.fetch(url, accept=accept)
        if 200 <= document.status < 300 and len(document.body) <= self._max_bytes:
            with self._lock:
                self._store(key, document)
        return document

    def _store(self, key: tuple[str, str], document: FetchedDocument) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1].body)
        self._entries[key] = (self._clock() + self._ttl, document)
        self._bytes += len(document.body)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)

    def clear(self) -> None:
        """Forget everything (e.g. after an issuer rotates keys)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class MappingFetcher:
    """Serves documents from memory: URL → bytes or a JSON-ready dict.  Unknown URLs fail.

    A fragment in the URL is ignored, as an HTTP client would never send it.
    """

    def __init__(self, documents: Mapping[str, bytes | Mapping[str, Any]]) -> None:
        self._documents = dict(documents)

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        value = self._documents.get(url)
        if value is None:
            value = self._documents.get(url.split("#", 1)[0])
        if value is None:
            raise fetch_error(
                f"{url} is not among the local documents.", "resolve.not_found", url, status=404
            )
        body = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
        return FetchedDocument(url.split("#", 1)[0], 200, "application/json", body)
