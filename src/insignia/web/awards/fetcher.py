"""A fetcher for the engine that answers for this platform's own URLs from the database.

When the site verifies one of its own badges, the engine asks for the issuer's did:web
document and the status list exactly as an outside verifier would; this fetcher serves the
same documents the public URLs serve, without a network round trip.  Other URLs are refused
(the page then reports that a document could not be fetched rather than guessing).
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from insignia.core.errors import ResolutionError
from insignia.core.fetch import FetchedDocument, Fetcher
from insignia.web.awards.selectors import status_list_public_get
from insignia.web.common.errors import NotFound
from insignia.web.issuers.selectors import organisation_did_document, organisation_public_get


def own_authorities() -> set[str]:
    """The host[:port] names under which this site publishes (its base URL and did:web host)."""
    return {urlsplit(settings.INSIGNIA_BASE_URL).netloc.lower(), settings.INSIGNIA_DID_HOST.lower()}


def public_credential_document(path: str) -> bytes | None:
    """The signed document of a public badge of this site, by its page or JSON path (else None)."""
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


class PlatformFetcher:
    """Implements :class:`insignia.core.fetch.Fetcher` over this site's database."""

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or parts.netloc.lower() not in own_authorities():
            raise ResolutionError(
                f"{url} is not a document of this site.", code="resolve.not_found", url=url
            )
        try:
            match = resolve(parts.path)
            body = self._document(match.view_name, match.kwargs)
        except (Resolver404, NotFound):
            raise ResolutionError(
                f"{url} was not found.", code="resolve.not_found", url=url, status=404
            ) from None
        return FetchedDocument(url.split("#", 1)[0], 200, "application/json", body)

    @staticmethod
    def _document(view_name: str, kwargs: dict[str, object]) -> bytes:
        if view_name == "issuer_did":
            org = organisation_public_get(organisation_id=str(kwargs["organisation_id"]))
            return json.dumps(organisation_did_document(organisation=org)).encode()
        if view_name == "awards:status_list":
            row = status_list_public_get(
                organisation_id=uuid.UUID(str(kwargs["organisation_id"])),
                list_id=uuid.UUID(str(kwargs["list_id"])),
            )
            return row.document.encode()
        raise NotFound()


class SiteFetcher:
    """This site's documents from the database, in front of another fetcher for the rest.

    Used wherever the server verifies badges it did not just issue (the public verifier,
    wallet imports): our own public badges, did:web documents and status lists never take a
    network round trip, and every other URL goes to ``outside`` (the engine's hardened
    ``HttpFetcher`` in production, a fake in tests).
    """

    def __init__(self, outside: Fetcher) -> None:
        self._platform = PlatformFetcher()
        self._outside = outside

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc.lower() in own_authorities():
            own = public_credential_document(parts.path)
            if own is not None:
                return FetchedDocument(url, 200, "application/ld+json", own)
            return self._platform.fetch(url, accept=accept)
        return self._outside.fetch(url, accept=accept)
