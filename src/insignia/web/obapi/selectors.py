"""Reads for the OB 3.0 API: the signed-in learner's credentials (one page of them) and their
profile.  Everything here is scoped to one user: there is no way to name anyone else's data."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.settings import oauth2_settings

from insignia.web.accounts.models import User
from insignia.web.obapi import engine, scopes
from insignia.web.sharing.selectors import learner_profile_of, profile_url
from insignia.web.wallet.models import ImportedCredential, WalletItem


@dataclass(frozen=True, slots=True)
class ApiCredential:
    """One credential as the API hands it over: JSON with its embedded proof, or a VC-JWT."""

    key: str
    issued: datetime
    document: dict[str, Any] | None = None
    jws: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialPage:
    items: list[ApiCredential]
    total: int


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _parse_issued(text: str) -> datetime | None:
    try:
        return _aware(datetime.fromisoformat(text.strip()))
    except ValueError:
        return None


def _issued_here(user: User) -> list[ApiCredential]:
    rows = WalletItem.objects.filter(user=user).values_list(
        "credential_id", "credential__issued_at", "credential__document"
    )
    return [
        ApiCredential(key=f"urn:uuid:{pk}", issued=_aware(issued), document=json.loads(document))
        for pk, issued, document in rows
    ]


def imported_api_credential(row: ImportedCredential) -> ApiCredential | None:
    issued = _parse_issued(row.issued) or _aware(row.imported_at)
    key = row.credential_id or f"imported:{row.pk}"
    if row.format.endswith("jwt"):
        jws = engine.compact_jws(bytes(row.original), row.media)
        return ApiCredential(key=key, issued=issued, jws=jws) if jws is not None else None
    if isinstance(row.credential, dict):
        return ApiCredential(key=key, issued=issued, document=row.credential)
    return None


def _imported(user: User) -> list[ApiCredential]:
    rows = ImportedCredential.objects.filter(user=user, format__startswith="ob3")
    return [found for row in rows if (found := imported_api_credential(row)) is not None]


def learner_credentials(
    *, user: User, limit: int, offset: int = 0, since: datetime | None = None
) -> CredentialPage:
    """One page of the OB 3.0 credentials in ``user``'s wallet, newest issuance first.

    Both the credentials issued here (in the wallet) and the OB 3.0 badges the learner
    imported; OB 2.0 imports are left out (the API carries OB 3.0 credentials only).
    ``since`` keeps those issued strictly after it.  A learner's wallet is small, so the two
    sources are merged in memory.
    """
    everything = _issued_here(user) + _imported(user)
    if since is not None:
        everything = [c for c in everything if c.issued > since]
    everything.sort(key=lambda c: (c.issued, c.key), reverse=True)
    return CredentialPage(items=everything[offset : offset + limit], total=len(everything))


def learner_credential_by_id(*, user: User, credential_id: str) -> ApiCredential | None:
    """The credential with this ``id`` among ``user``'s (issued here or imported), if any."""
    if not credential_id:
        return None
    if credential_id.startswith("urn:uuid:"):
        try:
            pk = uuid.UUID(credential_id.removeprefix("urn:uuid:"))
        except ValueError:
            pk = None
        row = (
            WalletItem.objects.filter(user=user, credential_id=pk)
            .values_list("credential__issued_at", "credential__document")
            .first()
            if pk is not None
            else None
        )
        if row is not None:
            return ApiCredential(
                key=f"urn:uuid:{pk}", issued=_aware(row[0]), document=json.loads(row[1])
            )
    imported = ImportedCredential.objects.filter(
        user=user, credential_id=credential_id[:500]
    ).first()
    return imported_api_credential(imported) if imported is not None else None


def profile_id(user: User) -> str:
    """A stable identifier for the person that reveals nothing (no sequential id): a keyed
    hash of the account, the same for every client."""
    digest = salted_hmac("insignia.obapi.profile", str(user.pk), algorithm="sha256").digest()
    return uuid.UUID(bytes=digest[:16], version=4).urn


def learner_profile(*, user: User) -> dict[str, Any]:
    """The learner as an OB 3.0 ``Profile``: name, email, and what their profile page says."""
    profile: dict[str, Any] = {"id": profile_id(user), "type": ["Profile"]}
    if user.name:
        profile["name"] = user.name
    profile["email"] = user.email
    page = learner_profile_of(user=user)
    if page is not None and page.headline:
        profile["description"] = page.headline
    if page is not None and page.is_public:
        profile["url"] = profile_url(page)
    return profile


def site_url(path: str) -> str:
    """An absolute URL on this site (``INSIGNIA_BASE_URL``)."""
    return f"{settings.INSIGNIA_BASE_URL}{path}"


@dataclass(frozen=True, slots=True)
class Connection:
    """A client the learner allowed and that can still act for them."""

    client_id: str
    name: str
    client_uri: str
    scope_words: list[str]
    since: datetime


def connected_clients(*, user: User, now: datetime) -> list[Connection]:
    """The clients holding a live access token or a usable refresh token of ``user``'s."""
    refresh_life = timedelta(seconds=oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS or 0)
    live_access = AccessToken.objects.filter(user=user, expires__gt=now)
    live_refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    if oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS:
        live_refresh = live_refresh.filter(created__gt=now - refresh_life)
    found: dict[int, tuple[set[str], datetime]] = {}
    for app_id, scope, created in live_access.values_list("application_id", "scope", "created"):
        scopes_seen, since = found.get(app_id, (set(), created))
        found[app_id] = (scopes_seen | set(scope.split()), min(since, created))
    for app_id, created, access_scope in live_refresh.values_list(
        "application_id", "created", "access_token__scope"
    ):
        scopes_seen, since = found.get(app_id, (set(), created))
        found[app_id] = (scopes_seen | set((access_scope or "").split()), min(since, created))
    applications = Application.objects.filter(pk__in=found).select_related("ob_registration")
    connections = []
    for application in applications:
        granted, since = found[application.pk]
        registered = getattr(application, "ob_registration", None)
        connections.append(
            Connection(
                client_id=application.client_id,
                name=application.name or application.client_id,
                client_uri=registered.client_uri if registered is not None else "",
                scope_words=[scopes.PLAIN_WORDS.get(s, s) for s in scopes.ALL if s in granted],
                since=since,
            )
        )
    return sorted(connections, key=lambda c: c.name.lower())
