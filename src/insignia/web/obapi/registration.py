"""RFC 7591 client metadata as OB 3.0 profiles it (§7 API security): what a client must send,
and the checks that make the consent page trustworthy.

* ``client_name``, ``client_uri``, ``logo_uri``, ``tos_uri``, ``policy_uri``, ``software_id``,
  ``software_version``, ``redirect_uris`` and ``scope`` are required.
* Every URI is an absolute ``https`` URL; ``logo_uri``, ``tos_uri`` and ``policy_uri`` are on
  the ``client_uri``'s host, so a client cannot borrow another site's name and terms.
* Redirect URIs are ``https`` (no fragment) — or ``http`` on a loopback address for native
  apps (RFC 8252 §7.3); a non-loopback redirect URI is on the ``client_uri``'s host too.
* Only the authorization code grant (with refresh tokens), ``response_types: ["code"]`` and
  ``client_secret_basic`` are offered; scopes must be OB 3.0 scopes.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from insignia.web.obapi import scopes

LOOPBACK_HOSTS = frozenset({"localhost"})
REQUIRED_TEXT = ("client_name", "software_id", "software_version")
REQUIRED_URIS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")


class RegistrationError(Exception):
    """Refused metadata: ``error`` is the RFC 7591 code, ``description`` says why."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True, slots=True)
class ClientMetadata:
    client_name: str
    client_uri: str
    logo_uri: str
    tos_uri: str
    policy_uri: str
    software_id: str
    software_version: str
    redirect_uris: tuple[str, ...]
    scope: tuple[str, ...]
    contacts: tuple[str, ...] = field(default=())


def _bad(description: str) -> RegistrationError:
    return RegistrationError("invalid_client_metadata", description)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _https_url(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{name} is required.")
    value = value.strip()
    if len(value) > 2000:
        raise _bad(f"{name} is longer than 2000 characters.")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise _bad(f"{name} must be an absolute https URL.")
    return value


def _redirect_uri(value: object, client_host: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RegistrationError("invalid_redirect_uri", "Each redirect URI must be a URL.")
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise RegistrationError("invalid_redirect_uri", f"{value} is not a valid URL.") from exc
    host = (parts.hostname or "").lower()
    if not host or parts.fragment or len(value) > 2000:
        raise RegistrationError(
            "invalid_redirect_uri", f"{value} must be an absolute URL without a fragment."
        )
    if _is_loopback(host):
        if parts.scheme not in {"http", "https"}:
            raise RegistrationError("invalid_redirect_uri", f"{value} must use http or https.")
        return value
    if parts.scheme != "https":
        raise RegistrationError(
            "invalid_redirect_uri",
            f"{value} must use https (http is allowed only on a loopback address).",
        )
    if host != client_host:
        raise RegistrationError(
            "invalid_redirect_uri", f"{value} must be on the client_uri's host ({client_host})."
        )
    return value


def _strings(name: str, value: object, default: list[str]) -> list[str]:
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{name} must be an array of strings.")
    return value


def parse_metadata(data: Any) -> ClientMetadata:
    """Check a registration request's JSON body.

    :raises RegistrationError: ``invalid_client_metadata`` or ``invalid_redirect_uri``.
    """
    if not isinstance(data, dict):
        raise _bad("The request body must be a JSON object.")
    text: dict[str, str] = {}
    for name in REQUIRED_TEXT:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _bad(f"{name} is required.")
        if len(value) > 200:
            raise _bad(f"{name} is longer than 200 characters.")
        text[name] = value.strip()
    uris = {name: _https_url(name, data.get(name)) for name in REQUIRED_URIS}
    client_host = (urlsplit(uris["client_uri"]).hostname or "").lower()
    for name in ("logo_uri", "tos_uri", "policy_uri"):
        if (urlsplit(uris[name]).hostname or "").lower() != client_host:
            raise _bad(f"{name} must be on the client_uri's host ({client_host}).")

    redirects = data.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects:
        raise RegistrationError("invalid_redirect_uri", "redirect_uris must list at least one URI.")
    if len(redirects) > 10:
        raise RegistrationError("invalid_redirect_uri", "At most 10 redirect URIs.")
    redirect_uris = tuple(_redirect_uri(uri, client_host) for uri in redirects)

    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if method != "client_secret_basic":
        raise _bad("token_endpoint_auth_method must be client_secret_basic.")
    grants = _strings("grant_types", data.get("grant_types"), ["authorization_code"])
    if "authorization_code" not in grants or not set(grants) <= {
        "authorization_code",
        "refresh_token",
    }:
        raise _bad("grant_types may be authorization_code and refresh_token only.")
    if _strings("response_types", data.get("response_types"), ["code"]) != ["code"]:
        raise _bad('response_types must be ["code"].')

    scope = data.get("scope")
    if not isinstance(scope, str) or not scope.split():
        raise _bad("scope is required: the OB 3.0 scopes the client needs, space-separated.")
    unknown = [s for s in scope.split() if s not in scopes.ALL]
    if unknown:
        raise _bad(f"Unknown scope: {' '.join(unknown)}.")
    contacts = _strings("contacts", data.get("contacts"), [])
    return ClientMetadata(
        client_name=text["client_name"],
        client_uri=uris["client_uri"],
        logo_uri=uris["logo_uri"],
        tos_uri=uris["tos_uri"],
        policy_uri=uris["policy_uri"],
        software_id=text["software_id"],
        software_version=text["software_version"],
        redirect_uris=redirect_uris,
        scope=tuple(dict.fromkeys(scope.split())),
        contacts=tuple(c[:254] for c in contacts[:5]),
    )
