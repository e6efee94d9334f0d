"""The verification app's only door into the credential engine (``insignia.core``).

Anyone may hand the public verification page a badge from any platform.  Every URL the engine
then needs (a hosted badge, an issuer profile, a did:web document, a status list) is fetched
through :func:`verifier_fetcher`: this site's own documents come from the database
(:class:`~insignia.web.awards.fetcher.PlatformFetcher`), everything else through the engine's
:class:`~insignia.core.fetch.HttpFetcher` (HTTPS only, never loopback or private addresses,
time and size limits) behind a short :class:`~insignia.core.fetch.CachingFetcher`.
Tests hand in a fake fetcher instead; nothing here opens a socket on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from insignia.core.errors import InsigniaError
from insignia.core.fetch import CachingFetcher, FetchedDocument, Fetcher, HttpFetcher
from insignia.core.report import VerificationReport
from insignia.core.resolver import DefaultResolver
from insignia.core.verify import Recipient, VerifyOptions, verify_bytes
from insignia.web.awards.fetcher import SiteFetcher

#: How long fetched documents (keys, status lists, hosted badges) are remembered.
CACHE_SECONDS = 120.0
#: The largest document fetched from elsewhere.
MAX_FETCH_BYTES = 5 * 1024 * 1024

__all__ = [
    "Recipient",
    "Unverifiable",
    "Verified",
    "VerifierFetcher",
    "verifier_fetcher",
    "verify_input",
]


#: This site's documents first, then the outside fetcher (kept under its old name for callers).
VerifierFetcher = SiteFetcher


_shared_outside = CachingFetcher(
    HttpFetcher(max_bytes=MAX_FETCH_BYTES, total_timeout=15.0),
    CACHE_SECONDS,
    time.monotonic,
    max_entries=512,
)


def verifier_fetcher() -> Fetcher:
    """The fetcher public verification uses (tests replace this function)."""
    return VerifierFetcher(_shared_outside)


class _Recording:
    """Passes fetches through and keeps what came back, so that linked OB 2.0 badge classes
    and issuers can be described without fetching them twice."""

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.seen: dict[str, bytes] = {}

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        document = self._inner.fetch(url, accept=accept)
        if 200 <= document.status < 300:
            self.seen[url.split("#", 1)[0]] = document.body
        return document


class Unverifiable(Exception):
    """The input is not a badge the engine can read (``code`` is the engine's, stable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Verified:
    """The engine's report and the documents fetched while producing it."""

    report: VerificationReport
    checked_at: datetime
    fetched: dict[str, bytes] = field(default_factory=dict)


def verify_input(
    *, data: bytes, now: datetime, fetcher: Fetcher, recipient: Recipient | None = None
) -> Verified:
    """Verify whatever was handed over (JSON, JWT, baked PNG/SVG, or a URL) with the engine.

    :raises Unverifiable: for input that is not a credential (too large, too deep, hostile XML,
        an address that may not be fetched…); the engine's code says which.
    """
    recording = _Recording(fetcher)
    options = VerifyOptions(
        now=now,
        fetcher=recording,
        resolver=DefaultResolver(fetcher=recording),
        recipient=recipient,
    )
    try:
        report = verify_bytes(data, options)
    except InsigniaError as exc:
        raise Unverifiable(exc.code or "input.invalid", exc.message) from exc
    except RecursionError as exc:  # belt and braces: the engine bounds nesting itself
        raise Unverifiable("input.too_deep", "The input nests too deeply.") from exc
    return Verified(report=report, checked_at=now, fetched=recording.seen)
