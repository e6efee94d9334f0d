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
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from insignia.core.errors import InsigniaError
from insignia.core.fetch import CachingFetcher, FetchedDocument, Fetcher, HttpFetcher
from insignia.core.report import VerificationReport
from insignia.core.resolver import DefaultResolver
from insignia.core.verify import Recipient, VerifyOptions, verify_bytes
from insignia.web.awards.fetcher import PlatformFetcher
from insignia.web.common.errors import NotFound

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


def _own_authorities() -> set[str]:
    return {urlsplit(settings.INSIGNIA_BASE_URL).netloc.lower(), settings.INSIGNIA_DID_HOST.lower()}


def _own_public_credential(path: str) -> bytes | None:
    """A public badge of this site, by its page or JSON address (else None)."""
    from insignia.web.wallet.selectors import public_wallet_item

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name not in {"public:credential", "public:credential_json"}:
        return None
    try:
        item = public_wallet_item(credential_id=uuid.UUID(str(match.kwargs["credential_id"])))
    except (NotFound, ValueError):
        return None
    return item.credential.document.encode("utf-8")


class VerifierFetcher:
    """This site's documents from the database, in front of another fetcher for the rest."""

    def __init__(self, outside: Fetcher) -> None:
        self._platform = PlatformFetcher()
        self._outside = outside

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc.lower() in _own_authorities():
            own = _own_public_credential(parts.path)
            if own is not None:
                return FetchedDocument(url, 200, "application/ld+json", own)
            return self._platform.fetch(url, accept=accept)
        return self._outside.fetch(url, accept=accept)


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
