"""OB 2.0 objects: reading the input, fetching linked objects, checking required properties.

OB 2.0 links objects by URL (assertion → BadgeClass → issuer Profile → CryptographicKey);
any of them may instead be embedded.  OB 1.0/1.1 assertions differ mostly in names
(``verify`` for ``verification``, ``uid``, a ``verify.url`` for the hosted copy), so we read
those too; OB 0.5 (recipient as a bare string) is out of scope and fails data validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from insignia.core import jose
from insignia.core.errors import InputError, InsigniaError, ResolutionError
from insignia.core.fetch import FetchedDocument, Fetcher
from insignia.core.jsonio import parse_json_object

ACCEPT = "application/ld+json, application/json;q=0.9"
HOSTED_TYPES = frozenset({"hosted", "HostedBadge"})
SIGNED_TYPES = frozenset({"signed", "SignedBadge"})
#: JWS algorithms a signed OB 2.0 badge may use: RS256 (what OB 2.0 recommends), and ES256 and
#: EdDSA, which our key types verify.  Stated here rather than borrowed from VC-JWT's defaults.
ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})
#: How input that is meant to be a compact JWS looks (three non-empty base64url segments).
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class Input:
    """What the caller handed us: an assertion object, a JWS (with its payload), or a URL."""

    assertion: dict[str, Any] | None
    jws: jose.Jws | None = None
    url: str | None = None


def read_input(data: object) -> Input:
    """Recognise a JSON assertion (text or dict), a compact JWS, or a hosted-assertion URL.

    :raises InputError: when it is none of them or does not parse.
    """
    if isinstance(data, dict):
        return Input(dict(data))
    if not isinstance(data, str):
        raise InputError("An OB 2.0 assertion is JSON text, a dict, a JWS or a URL.")
    text = data.strip()
    if text.startswith("{"):
        return Input(parse_json_object(text))
    if COMPACT_JWS.fullmatch(text):
        return read_signed(text)
    if _URL.fullmatch(text):
        return Input(None, url=text)
    raise InputError("The text is neither OB 2.0 JSON, a compact JWS nor a URL.")


def read_signed(token: str) -> Input:
    """Decode a signed badge's compact JWS (not yet verified); its payload is the assertion.

    The header is judged now, with :func:`insignia.core.jose.check_header` (``none``, HMAC,
    unknown algorithms and ``crit`` are refused), so a token no key could ever verify fails
    as unreadable input rather than as a bad signature.

    :raises InputError: ``input.bad_jws`` (detail ``reason``: the JOSE code), or the JSON
        error code of a payload that is not a JSON object.
    """
    try:
        jws = jose.decode_jws(token)
        jose.check_header(jws.header, algorithms=ALGORITHMS)
    except InsigniaError as exc:
        raise InputError(exc.message, code="input.bad_jws", reason=exc.code) from exc
    return Input(parse_json_object(jws.payload), jws=jws)


def as_list(value: object) -> list[Any]:
    """A JSON-LD value as a list (absent → empty)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def verification_of(assertion: dict[str, Any]) -> dict[str, Any]:
    """The VerificationObject (``verification``, or its OB 1.0 alias ``verify``)."""
    value = assertion.get("verification", assertion.get("verify"))
    return value if isinstance(value, dict) else {}


def hosted_url(assertion: dict[str, Any]) -> str | None:
    """Where the hosted copy lives: the ``id`` (OB 2.0), else ``verify.url`` (OB 1.0)."""
    for candidate in (assertion.get("id"), verification_of(assertion).get("url")):
        if isinstance(candidate, str) and _URL.fullmatch(candidate):
            return candidate
    return None


def parse_date(value: object) -> datetime | None:
    """Read ``issuedOn``/``expires``: ISO 8601 (date or date-time) or a Unix timestamp."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**35:
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not 4 <= len(value) <= 40:
        return None
    if value.isdigit():
        return parse_date(int(value))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _types(value: object) -> list[str]:
    return [t for t in as_list(value) if isinstance(t, str)]


def _is_v2(doc: dict[str, Any]) -> bool:
    return any(isinstance(c, str) and "openbadges/v2" in c for c in as_list(doc.get("@context")))


def _type_problems(doc: dict[str, Any], *accepted: str) -> list[str]:
    """OB 2.0 requires ``type``; OB 1.x had none, so it is only demanded of typed or v2 data."""
    types = _types(doc.get("type"))
    if (types or _is_v2(doc)) and not set(accepted) & set(types):
        return [f"type must include {' or '.join(repr(name) for name in accepted)}"]
    return []


def assertion_problems(assertion: dict[str, Any]) -> list[str]:
    """Required properties and value types of an Assertion (empty list when valid)."""
    problems = _type_problems(assertion, "Assertion")
    if not isinstance(assertion.get("id"), str) and hosted_url(assertion) is None:
        problems.append("id is missing")
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict):
        problems.append("recipient must be an IdentityObject (OB 0.5 is not supported)")
    elif not isinstance(recipient.get("identity"), str) or not isinstance(
        recipient.get("type"), str
    ):
        problems.append("recipient needs identity and type")
    if not isinstance(assertion.get("badge"), str | dict):
        problems.append("badge is missing")
    if not set(_types(verification_of(assertion).get("type"))) & (HOSTED_TYPES | SIGNED_TYPES):
        problems.append("verification.type must be HostedBadge or SignedBadge")
    if parse_date(assertion.get("issuedOn")) is None:
        problems.append("issuedOn is missing or not a date")
    if "expires" in assertion and parse_date(assertion.get("expires")) is None:
        problems.append("expires is not a date")
    return problems


def badge_problems(badge: dict[str, Any]) -> list[str]:
    """Required properties of a BadgeClass."""
    problems = [
        f"{name} is missing"
        for name in ("name", "description", "image", "criteria")
        if name not in badge
    ]
    if not isinstance(badge.get("issuer"), str | dict):
        problems.append("issuer is missing")
    return problems + _type_problems(badge, "BadgeClass")


def issuer_problems(issuer: dict[str, Any]) -> list[str]:
    """Required properties of an issuer Profile (``email`` is reported separately)."""
    problems = [
        f"{name} is missing" for name in ("name", "url") if not isinstance(issuer.get(name), str)
    ]
    return problems + _type_problems(issuer, "Issuer", "Profile")


def fetch(fetcher: Fetcher | None, url: str) -> FetchedDocument:
    """GET ``url`` through the injected fetcher.

    :raises ResolutionError: ``resolve.offline`` without a fetcher, or the fetcher's error.
    """
    if fetcher is None:
        raise ResolutionError(f"{url} was not fetched: running offline.", code="resolve.offline")
    return fetcher.fetch(url, accept=ACCEPT)


def fetch_object(fetcher: Fetcher | None, url: str) -> dict[str, Any]:
    """GET a JSON object; any HTTP error status is a :class:`ResolutionError`."""
    document = fetch(fetcher, url)
    if document.status >= 400:
        raise ResolutionError(
            f"{url} answered HTTP {document.status}.",
            code="resolve.http_status",
            status=document.status,
        )
    return document.json()


def resolve(value: object, fetcher: Fetcher | None) -> dict[str, Any]:
    """An embedded object as is, or the object a URL points to."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and _URL.fullmatch(value):
        return fetch_object(fetcher, value)
    raise ResolutionError(f"{value!r} is neither an object nor a URL.", code="resolve.bad_link")


def host_of(url: object) -> str | None:
    """Lower-case ``host[:port]`` of an http(s) URL."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None
