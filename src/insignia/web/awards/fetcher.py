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
from insignia.core.fetch import FetchedDocument
from insignia.web.awards.selectors import status_list_public_get
from insignia.web.common.errors import NotFound
from insignia.web.issuers.selectors import organisation_did_document, organisation_public_get


def _own_authorities() -> set[str]:
    return {urlsplit(settings.INSIGNIA_BASE_URL).netloc.lower(), settings.INSIGNIA_DID_HOST.lower()}


class PlatformFetcher:
    """Implements :class:`insignia.core.fetch.Fetcher` over this site's database."""

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or parts.netloc.lower() not in _own_authorities():
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
