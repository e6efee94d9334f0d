"""Writes of the OB 3.0 API: registering a client, putting a credential into the learner's
wallet, updating the learner's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from insignia.web.accounts.models import User, normalise_email
from insignia.web.accounts.selectors import user_verified_emails
from insignia.web.common.errors import ApplicationError
from insignia.web.obapi import selectors
from insignia.web.obapi.models import RegisteredClient
from insignia.web.obapi.registration import ClientMetadata
from insignia.web.sharing.selectors import learner_profile_of
from insignia.web.sharing.services import learner_profile_update
from insignia.web.wallet import engine as wallet_engine
from insignia.web.wallet.services import imported_credential_create

NAME_MAX = 150
DESCRIPTION_MAX = 120


@transaction.atomic
def client_register(
    *, metadata: ClientMetadata, now: datetime | None = None
) -> tuple[RegisteredClient, str]:
    """Create a confidential authorization-code client and its OB 3.0 registration.

    Returns the registration and the client secret in clear: the only time it exists in
    clear, since django-oauth-toolkit stores a hash of it.
    """
    application = Application(
        name=metadata.client_name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(metadata.redirect_uris),
        skip_authorization=False,
        registration_source=Application.RegistrationSource.DCR,
    )
    secret = str(application.client_secret)
    application.save()
    client = RegisteredClient.objects.create(
        application=application,
        client_uri=metadata.client_uri,
        logo_uri=metadata.logo_uri,
        tos_uri=metadata.tos_uri,
        policy_uri=metadata.policy_uri,
        software_id=metadata.software_id,
        software_version=metadata.software_version,
        scope=" ".join(metadata.scope),
        contacts=list(metadata.contacts),
        registered_at=now or timezone.now(),
    )
    return client, secret


@dataclass(frozen=True, slots=True)
class Upserted:
    """The credential the learner now holds, and whether this request added it."""

    credential: selectors.ApiCredential
    created: bool


def credential_upsert(
    *, user: User, data: bytes, now: datetime | None = None, fetcher: Any = None
) -> Upserted:
    """Put an OB 3.0 credential (JSON with a proof, or a VC-JWT) into the learner's wallet.

    It is verified by the engine first (everything but expiry must pass, as for any import).
    A credential whose ``id`` the learner already holds — issued here into their wallet, or
    imported before — is left as it is (``created`` False); otherwise it is kept through the
    wallet's import service as an imported badge.

    :raises ApplicationError: when it is not an OB 3.0 credential or does not verify.
    """
    now = now or timezone.now()
    fetcher = fetcher or wallet_engine.import_fetcher()
    try:
        read = wallet_engine.read_badge(data=data, now=now, fetcher=fetcher)
    except wallet_engine.UnreadableBadge as exc:
        raise ApplicationError(exc.message) from exc
    if not read.report.format.startswith("ob3"):
        raise ApplicationError("Only Open Badges 3.0 credentials can be added through this API.")
    if read.blocking_failures:
        reasons = " ".join(c.message for c in read.blocking_failures)
        raise ApplicationError(f"The credential did not verify. {reasons}")
    credential_id = read.description.credential_id
    existing = selectors.learner_credential_by_id(user=user, credential_id=credential_id)
    if existing is not None:
        return Upserted(existing, created=False)
    try:
        imported = imported_credential_create(user=user, data=data, now=now, fetcher=fetcher)
    except IntegrityError:  # the same credential, added by a concurrent request
        existing = selectors.learner_credential_by_id(user=user, credential_id=credential_id)
        if existing is None:
            raise
        return Upserted(existing, created=False)
    added = selectors.imported_api_credential(imported)
    if added is None:  # pragma: no cover - an OB 3.0 import always has its credential
        raise ApplicationError("The credential could not be read back.")
    return Upserted(added, created=True)


def _text(data: dict[str, Any], name: str, limit: int) -> str | None:
    if name not in data:
        return None
    value = data[name]
    if not isinstance(value, str):
        raise ApplicationError(f"{name} must be a string.", field=name)
    value = value.strip()
    if len(value) > limit:
        raise ApplicationError(f"{name} is longer than {limit} characters.", field=name)
    return value


@transaction.atomic
def profile_update(*, user: User, data: Any, now: datetime | None = None) -> dict[str, Any]:
    """Apply an OB 3.0 ``Profile`` to the learner's account and return the profile as stored.

    ``name`` (the account's full name) and ``description`` (the public profile's headline)
    are editable; fields left out are unchanged.  ``id`` and ``email`` may be sent back as
    they are, but not changed: an email address changes only on the site, where it is
    verified.  Other Profile fields have nowhere to live here and are ignored.

    :raises ApplicationError: for a body that is not a Profile or changes what cannot change.
    """
    if not isinstance(data, dict):
        raise ApplicationError("The body must be an OB 3.0 Profile (a JSON object).")
    if "id" in data and data["id"] != selectors.profile_id(user):
        raise ApplicationError("The profile id cannot be changed.", field="id")
    if "email" in data:
        email = data["email"]
        mine = {normalise_email(user.email), *user_verified_emails(user=user)}
        if not isinstance(email, str) or normalise_email(email) not in mine:
            raise ApplicationError(
                "The email address is changed on the site, where it is verified.", field="email"
            )
    name = _text(data, "name", NAME_MAX)
    description = _text(data, "description", DESCRIPTION_MAX)
    if name is not None and name != user.name:
        user.name = name
        user.save(update_fields=["name"])
    if description is not None:
        page = learner_profile_of(user=user)
        if page is None or page.headline != description:
            learner_profile_update(
                user=user,
                is_public=page.is_public if page is not None else False,
                headline=description,
                now=now,
            )
    return selectors.learner_profile(user=user)


@transaction.atomic
def connection_revoke(*, user: User, client_id: str) -> int:
    """Take back everything ``user`` allowed the client: its access and refresh tokens and
    any unused authorization codes.  Returns how many tokens were revoked (0 when the client
    holds none, e.g. an unknown id: the answer is the same either way)."""
    application = Application.objects.filter(client_id=client_id).first()
    if application is None:
        return 0
    count = 0
    for refresh in RefreshToken.objects.filter(
        user=user, application=application, revoked__isnull=True
    ):
        refresh.revoke()
        count += 1
    for access in AccessToken.objects.filter(user=user, application=application):
        access.revoke()
        count += 1
    Grant.objects.filter(user=user, application=application).delete()
    return count
