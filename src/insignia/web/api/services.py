"""Writes about API tokens: create (the secret is returned once), revoke, note their use."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.api.models import ApiToken
from insignia.web.api.scopes import Scope
from insignia.web.api.selectors import TOKEN_PREFIX, access_api_token, token_hash
from insignia.web.common.errors import ApplicationError
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation
from insignia.web.issuers.services import audit_record

#: Length of the identifying prefix kept in clear (``ins_`` + 8 characters of the secret).
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
#: ``last_used_at`` is written at most this often per token (not one write per request).
TOUCH_EVERY = timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for an organisation (owners only).

    :returns: the token and its secret — the only time the secret exists outside the caller
        (only its SHA-256 is stored).
    :raises ApplicationError: without a name or a scope, or with an expiry in the past.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    now = now or timezone.now()
    name = " ".join(name.split())[:100]
    if not name:
        raise ApplicationError("Give the token a name.", field="name")
    chosen = [s.value for s in Scope if s.value in set(scopes)]
    unknown = set(scopes) - set(chosen)
    if unknown:
        raise ApplicationError(f"Unknown scope: {', '.join(sorted(unknown))}.", field="scopes")
    if not chosen:
        raise ApplicationError("Choose at least one scope.", field="scopes")
    if expires_at is not None and expires_at <= now:
        raise ApplicationError("The expiry must be in the future.", field="expires_at")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=token_hash(secret),
        scopes=chosen,
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="api_token.created",
        obj=token,
        now=now,
        name=token.name,
        prefix=token.prefix,
        scopes=chosen,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: uuid.UUID, now: datetime | None = None) -> ApiToken:
    """Revoke a token at once (owners only).  :raises ApplicationError: if already revoked."""
    token = access_api_token(user=actor, token_id=token_id)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ApplicationError("This token has already been revoked.")
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        organisation=token.organisation,
        actor=actor,
        action="api_token.revoked",
        obj=token,
        now=token.revoked_at,
        name=token.name,
        prefix=token.prefix,
    )
    return token


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Record that the token was used (at most once a minute, one conditional update)."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
