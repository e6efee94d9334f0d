"""Fetching documents from the web, safely, and pretending to when we must stay offline.

The engine never opens a socket by itself: resolvers, status checks and URL verification are
handed a :class:`Fetcher`.  :class:`HttpFetcher` (:mod:`.httpclient`) is the one real
implementation, hardened against SSRF, DNS rebinding and oversized or slow answers;
:class:`CachingFetcher` and :class:`MappingFetcher` (:mod:`.memory`) answer from memory.
:mod:`.base` holds the protocol and :class:`FetchedDocument`.  Import them all from here.
"""

from __future__ import annotations

from insignia.core.fetch.base import FetchedDocument, Fetcher
from insignia.core.fetch.httpclient import HttpFetcher, IpAddress, is_forbidden_address
from insignia.core.fetch.memory import CachingFetcher, MappingFetcher

__all__ = [
    "CachingFetcher",
    "FetchedDocument",
    "Fetcher",
    "HttpFetcher",
    "IpAddress",
    "MappingFetcher",
    "is_forbidden_address",
]
