"""pylti1p3 wired to our models: tool configuration, launch data storage, outbound HTTP.

* :class:`PlatformToolConf` answers pylti1p3's registration and deployment questions from one
  :class:`~insignia.web.lti.models.Platform` (each registration has its own URLs, so a launch
  for another issuer or client id never finds a registration here).
* :class:`DatabaseLaunchStorage` keeps nonces and validated launches in the database (so any
  web process can finish what another started); :class:`OnceSessionService` *consumes* a
  nonce when it is checked, so a replayed id_token is refused (pylti1p3 alone only checks
  that the nonce exists).
* :class:`PlatformSession` is the only way the tool talks to a platform (key sets, tokens,
  results): https only, public addresses only, no redirects, a timeout — unless
  ``INSIGNIA_LTI_ALLOW_INSECURE`` is on (development and tests).
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract

from insignia.core.fetch import is_forbidden_address
from insignia.web.issuers.keystore import decrypt_private_key
from insignia.web.lti.models import LaunchValue, Platform

#: How long a validated launch stays usable (the instructor's link form posts it back).
LAUNCH_SECONDS = 3600


def key_aad(platform: Platform) -> bytes:
    """Associated data binding an encrypted tool key to its registration and organisation."""
    return f"insignia-lti-key:{platform.organisation_id}:{platform.pk}".encode()


def tool_private_key_pem(platform: Platform) -> str:
    """The tool's private key of ``platform`` (PEM), decrypted with the key-encryption key."""
    return decrypt_private_key(
        bytes(platform.tool_private_key_encrypted),
        kek=platform.kek_id,
        associated_data=key_aad(platform),
    ).decode("ascii")


def tool_jwk(public_key_pem: str) -> dict[str, Any]:
    """The public JWK of a tool key (kid = RFC 7638 thumbprint, the kid pylti1p3 signs with)."""
    return dict(Registration.get_jwk(public_key_pem))


class PlatformToolConf(ToolConfAbstract[DjangoRequest]):
    """pylti1p3's view of one platform registration."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    # Every registration is "one issuer, many client ids" in pylti1p3's terms, so the client
    # id is always compared (and the class-level relation map is never written).
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _matches(self, iss: str, client_id: str | None) -> bool:
        # A login request may leave out client_id (it is optional there); the launch's aud
        # is then compared by pylti1p3 against the registration's client id.
        return iss == self.platform.issuer and client_id in (None, "", self.platform.client_id)

    def _registration(self) -> Registration:
        p = self.platform
        registration = (
            Registration()
            .set_issuer(p.issuer)
            .set_client_id(p.client_id)
            .set_auth_login_url(p.auth_login_url)
            .set_auth_token_url(p.access_token_url)
            .set_key_set_url(p.key_set_url or None)
            .set_key_set(p.key_set or None)
            .set_tool_private_key(tool_private_key_pem(p))
            .set_tool_public_key(p.tool_public_key_pem)
        )
        if p.auth_audience:
            registration.set_auth_audience(p.auth_audience)
        return registration

    def find_registration_by_issuer(  # type: ignore[override]
        self, iss: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        return self.find_registration_by_params(iss, "", *args, **kwargs)

    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration | None:
        return self._registration() if self._matches(iss, client_id) else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        if not self._matches(iss, client_id) or deployment_id not in self.platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """pylti1p3 launch data in :class:`LaunchValue` rows, with expiry.

    No session-id cookie: every key already carries a random value (the nonce, the OIDC state,
    the launch id), and the OIDC state itself is bound to the browser by pylti1p3's state
    cookie.
    """

    def get_session_cookie_name(self) -> None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).first()
        return row.value if row is not None else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        now = timezone.now()
        LaunchValue.objects.update_or_create(
            key=self._prepare_key(key),
            defaults={"value": value, "expires_at": now + timedelta(seconds=exp or 86400)},
        )

    def check_value(self, key: str) -> bool:
        return LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).exists()

    def consume(self, key: str) -> bool:
        """Delete ``key`` and say whether it was there (unexpired): one use only, even when
        two requests race (one DELETE wins)."""
        deleted, _ = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).delete()
        return deleted == 1

    @staticmethod
    def purge_expired() -> int:
        """Remove expired rows (done at each login, so the table stays small)."""
        deleted, _ = LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()
        return deleted


class OnceSessionService(SessionService):
    """pylti1p3's session service over :class:`DatabaseLaunchStorage`; a nonce works once."""

    def __init__(self, request: HttpRequest, storage: DatabaseLaunchStorage) -> None:
        super().__init__(DjangoRequest(request))  # type: ignore[no-untyped-call]
        self.storage = storage
        self.set_data_storage(storage)

    def check_nonce(self, nonce: str) -> bool:
        return self.storage.consume(self._get_key("nonce", nonce))


class ForbiddenPlatformURL(requests.exceptions.RequestException):
    """A platform URL that the tool must not call (scheme or address)."""


def check_platform_url(url: str) -> None:
    """Refuse URLs the tool must not call: non-https, and hosts on private, loopback or
    link-local addresses (an organisation's owner types these URLs).

    :raises ForbiddenPlatformURL:
    """
    if settings.INSIGNIA_LTI_ALLOW_INSECURE:
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ForbiddenPlatformURL(f"Only https URLs are allowed: {url}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ForbiddenPlatformURL(f"Cannot resolve {parts.hostname}") from exc
    for info in infos:
        if is_forbidden_address(ipaddress.ip_address(info[4][0])):
            raise ForbiddenPlatformURL(f"{parts.hostname} is not a public address")


class PlatformSession(requests.Session):
    """The HTTP client of every call to a platform (checked URLs, no redirects, a timeout)."""

    timeout = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = "Insignia-LTI/1.3"
        self.max_redirects = 0

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        text = url.decode() if isinstance(url, bytes) else url
        check_platform_url(text)
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False
        verb = method.decode() if isinstance(method, bytes) else method
        return super().request(verb, text, *args, **kwargs)
