"""The wallet app's door into the credential engine: reading and verifying badges that people
bring from elsewhere (OB 3.0 or OB 2.0; JSON, JWT, baked PNG/SVG, or a URL).

Badges from other sites name URLs of their own (issuer profiles, keys, status lists, hosted
assertions).  The server fetches them only through :class:`ImportFetcher`: this site's own
documents come from the database, everything else goes through the engine's
:class:`~insignia.core.fetch.HttpFetcher` — HTTPS only, never to loopback, private or other
non-public addresses, with time and size limits.  Tests hand in a fake fetcher instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from insignia.core.errors import InsigniaError, ResolutionError
from insignia.core.fetch import FetchedDocument, Fetcher, HttpFetcher
from insignia.core.inputs import InputKind, sniff
from insignia.core.ob2.recipient import recipient_matches
from insignia.core.report import Check, VerificationReport
from insignia.core.verify import Recipient, VerifyOptions, is_ob2, verify_bytes
from insignia.core.verify.recipient import identity_matches
from insignia.web.awards.fetcher import SiteFetcher

ACCEPT = (
    "application/vc+ld+json, application/ld+json, application/json, image/png, image/svg+xml, "
    "text/plain;q=0.5"
)
#: Failures that do not stop an import: an expired badge is still a record of an achievement.
EXPIRY_CHECKS = frozenset({"dates.valid_until", "ob2.expiry"})

__all__ = [
    "Fetcher",
    "ImportFetcher",
    "ReadBadge",
    "UnreadableBadge",
    "import_fetcher",
    "read_badge",
]


class ImportFetcher(SiteFetcher):
    """This site's documents from the database; other sites' over hardened HTTPS."""

    def __init__(self, outside: Fetcher | None = None) -> None:
        super().__init__(outside if outside is not None else HttpFetcher())


def import_fetcher() -> Fetcher:
    """The fetcher imports use (tests replace this function)."""
    return ImportFetcher()


class _Recording:
    """Passes fetches through and remembers what came back (for describing the badge later
    without fetching anything twice)."""

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.seen: dict[str, bytes] = {}

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchedDocument:
        document = self._inner.fetch(url, accept=accept)
        if 200 <= document.status < 300:
            self.seen[url.split("#", 1)[0]] = document.body
        return document


class UnreadableBadge(Exception):
    """What was handed over is not a badge we can read (``message`` is for the person)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Description:
    """What the wallet shows about an imported badge (read from the badge, never trusted more
    than the verification report)."""

    credential_id: str = ""
    name: str = ""
    description: str = ""
    issuer_name: str = ""
    issuer_url: str = ""
    issued: str = ""
    expires: str = ""
    image: str = ""


@dataclass(frozen=True, slots=True)
class ReadBadge:
    original: bytes
    media: str  # json · jwt · png · svg
    report: VerificationReport
    description: Description
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    ob2_recipient: dict[str, Any] | None = None

    @property
    def blocking_failures(self) -> list[Check]:
        """Failed checks that forbid keeping the badge (anything but expiry)."""
        return [c for c in self.report.failures if c.code not in EXPIRY_CHECKS]

    def issued_to(self, emails: Iterable[str]) -> bool:
        """Whether the badge names one of ``emails`` as its recipient (hashed or plain)."""
        for email in emails:
            if self.ob2_recipient is not None and recipient_matches(self.ob2_recipient, email):
                return True
            if any(identity_matches(entry, Recipient(email)) for entry in self.identifiers):
                return True
        return False


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("name", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return ""


def _image(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def _first(value: object) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _linked(value: object, seen: Mapping[str, bytes]) -> dict[str, Any]:
    """An embedded OB 2.0 object, or the one its URL returned during verification."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value in seen:
        try:
            loaded = json.loads(seen[value])
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _describe(credential: dict[str, Any], ob2: bool, seen: Mapping[str, bytes]) -> Description:
    if ob2:
        badge = _linked(credential.get("badge"), seen)
        issuer = _linked(badge.get("issuer"), seen)
        return Description(
            credential_id=_text(credential.get("id")),
            name=_text(badge.get("name")),
            description=_text(badge.get("description")),
            issuer_name=_text(issuer.get("name")),
            issuer_url=_text(issuer.get("url")),
            issued=_text(credential.get("issuedOn")),
            expires=_text(credential.get("expires")),
            image=_image(credential.get("image")) or _image(badge.get("image")),
        )
    first = _first(credential.get("credentialSubject"))
    subject: dict[str, Any] = first if isinstance(first, dict) else {}
    found = subject.get("achievement")
    achievement: dict[str, Any] = found if isinstance(found, dict) else {}
    profile = credential.get("issuer")
    return Description(
        credential_id=_text(credential.get("id")),
        name=_text(achievement.get("name")) or _text(credential.get("name")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        issuer_name=_text(profile) if isinstance(profile, dict) else "",
        issuer_url=_text(profile.get("url")) if isinstance(profile, dict) else _text(profile),
        issued=_text(credential.get("validFrom")) or _text(credential.get("issuanceDate")),
        expires=_text(credential.get("validUntil")) or _text(credential.get("expirationDate")),
        image=_image(achievement.get("image")) or _image(credential.get("image")),
    )


def _bytes_of_url(url: str, fetcher: Fetcher) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UnreadableBadge("Give a web address starting with https://.")
    try:
        document = fetcher.fetch(url, accept=ACCEPT)
    except ResolutionError as exc:
        raise UnreadableBadge(f"The badge could not be fetched: {exc.message}") from exc
    if document.status == 410:
        raise UnreadableBadge("The issuer says this badge is gone (HTTP 410).")
    if document.status >= 400:
        raise UnreadableBadge(f"The address answered HTTP {document.status}.")
    return document.body


def read_badge(
    *, data: bytes | None = None, url: str = "", now: datetime, fetcher: Fetcher
) -> ReadBadge:
    """Read and verify a badge from bytes (a file or pasted text) or from a URL.

    :raises UnreadableBadge: when it is not a badge in any form the engine reads.
    """
    recording = _Recording(fetcher)
    if url:
        data = _bytes_of_url(url, recording)
    if not data:
        raise UnreadableBadge("Choose a file, or paste a badge or its web address.")
    try:
        sniffed = sniff(data)
        if sniffed.kind is InputKind.URL:
            assert sniffed.text is not None
            data = _bytes_of_url(sniffed.text.strip(), recording)
            sniffed = sniff(data)
            if sniffed.kind is InputKind.URL:
                raise UnreadableBadge("That address leads to another address, not to a badge.")
        report = verify_bytes(data, VerifyOptions(now=now, fetcher=recording))
    except UnreadableBadge:
        raise
    except InsigniaError as exc:
        raise UnreadableBadge(f"This is not a badge we can read: {exc.message}") from exc
    credential = report.credential
    if not isinstance(credential, dict):
        reasons = " ".join(c.message for c in report.failures) or "It could not be read."
        raise UnreadableBadge(f"This is not a badge we can read. {reasons}")
    ob2 = report.format.startswith("ob2") or is_ob2(credential)
    subject = _first(credential.get("credentialSubject"))
    identifiers = (
        [e for e in subject.get("identifier") or [] if isinstance(e, dict)]
        if isinstance(subject, dict) and isinstance(subject.get("identifier"), list)
        else []
    )
    if isinstance(subject, dict) and isinstance(subject.get("identifier"), dict):
        identifiers = [subject["identifier"]]
    recipient = credential.get("recipient")
    return ReadBadge(
        original=bytes(data),
        media=sniffed.kind.value,
        report=report,
        description=_describe(credential, ob2, recording.seen),
        identifiers=identifiers,
        ob2_recipient=recipient if ob2 and isinstance(recipient, dict) else None,
    )
