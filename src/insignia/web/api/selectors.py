"""Reads about API tokens, and the token-scoped lookups of the issuer API.

Every object the API answers for is looked up *within the token's organisation*: the token's
creator may also be staff elsewhere, but a token never reaches another organisation's data
(404, as for an unknown id).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.api.errors import InvalidToken
from insignia.web.api.models import ApiToken
from insignia.web.awards.models import Credential
from insignia.web.bulk.models import BulkJob
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles

TOKEN_PREFIX = "ins_"  # noqa: S105 - a marker, not a secret


def token_hash(secret: str) -> str:
    """SHA-256 of a token secret (tokens are long random strings: no salt or stretching needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def organisation_api_tokens(*, organisation: Organisation) -> QuerySet[ApiToken]:
    """Every token of an organisation, newest first (revoked ones too: the list is a record)."""
    return ApiToken.objects.filter(organisation=organisation).select_related("created_by")


def access_api_token(*, user: User | Any, token_id: uuid.UUID | str) -> ApiToken:
    """A token, to the owners of its organisation.  :raises NotFound: otherwise."""
    token = ApiToken.objects.filter(pk=token_id).select_related("organisation").first()
    if token is None or not has_role(
        user_roles(user=user, organisation=token.organisation), Role.OWNER
    ):
        raise NotFound()
    return token


def api_token_authenticate(*, secret: str, now: datetime) -> ApiToken:
    """The live token whose secret this is.

    :raises InvalidToken: for unknown, revoked and expired tokens (each with its own code).
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise InvalidToken("The API token is not valid.", code="token.invalid")
    token = (
        ApiToken.objects.filter(token_hash=token_hash(secret))
        .select_related("organisation", "created_by")
        .first()
    )
    if token is None:
        raise InvalidToken("The API token is not valid.", code="token.invalid")
    if token.revoked_at is not None:
        raise InvalidToken("The API token has been revoked.", code="token.revoked")
    if token.expires_at is not None and now >= token.expires_at:
        raise InvalidToken("The API token has expired.", code="token.expired")
    return token


# --- lookups within the token's organisation ---------------------------------------------


def api_achievement(*, organisation: Organisation, achievement_id: uuid.UUID) -> Achievement:
    achievement = (
        Achievement.objects.filter(pk=achievement_id, organisation=organisation)
        .select_related("organisation", "current_version", "current_version__image")
        .first()
    )
    if achievement is None:
        raise NotFound()
    return achievement


def api_achievements(*, organisation: Organisation, state: str = "") -> QuerySet[Achievement]:
    rows = Achievement.objects.filter(organisation=organisation).select_related(
        "current_version", "current_version__image"
    )
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "pk")


def api_credential(*, organisation: Organisation, credential_id: uuid.UUID) -> Credential:
    credential = (
        Credential.objects.filter(pk=credential_id, organisation=organisation)
        .select_related("organisation", "achievement", "version", "status_list")
        .first()
    )
    if credential is None:
        raise NotFound()
    return credential


def api_credentials(
    *,
    organisation: Organisation,
    achievement_id: uuid.UUID | None = None,
    recipient_email: str = "",
    status: str = "",
    issued_after: datetime | None = None,
    issued_before: datetime | None = None,
) -> QuerySet[Credential]:
    """Credentials of the organisation, newest first, filtered.

    ``status``: ``revoked``, ``suspended`` or ``active`` (neither revoked nor suspended).
    """
    rows = Credential.objects.filter(organisation=organisation).select_related(
        "achievement", "version", "status_list"
    )
    if achievement_id is not None:
        rows = rows.filter(achievement_id=achievement_id)
    if recipient_email:
        rows = rows.filter(recipient_email__iexact=recipient_email.strip())
    if status == "revoked":
        rows = rows.filter(revoked_at__isnull=False)
    elif status == "suspended":
        rows = rows.filter(suspended_at__isnull=False, revoked_at__isnull=True)
    elif status == "active":
        rows = rows.filter(suspended_at__isnull=True, revoked_at__isnull=True)
    if issued_after is not None:
        rows = rows.filter(issued_at__gte=issued_after)
    if issued_before is not None:
        rows = rows.filter(issued_at__lt=issued_before)
    return rows.order_by("-issued_at", "pk")


def api_bulk_job(*, organisation: Organisation, job_id: uuid.UUID) -> BulkJob:
    job = (
        BulkJob.objects.filter(pk=job_id, organisation=organisation)
        .select_related("organisation", "achievement")
        .first()
    )
    if job is None:
        raise NotFound()
    return job
