"""Reads about issued credentials — the staff-side access function, live status, claim links."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.accounts.selectors import user_verified_emails
from insignia.web.awards import engine
from insignia.web.awards.models import ClaimToken, Credential, StatusList
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles


def access_credential(
    *, user: User | Any, credential_id: uuid.UUID | str, role: Role | None = None
) -> Credential:
    """Return an issued credential to staff of its organisation holding ``role``.

    :raises NotFound: for unknown credentials and for people who may not see it alike.
    """
    credential = (
        Credential.objects.filter(pk=credential_id)
        .select_related("organisation", "version", "version__image", "achievement", "status_list")
        .first()
    )
    if credential is None or not has_role(
        user_roles(user=user, organisation=credential.organisation), role
    ):
        raise NotFound()
    return credential


def organisation_recent_credentials(
    *, organisation: Organisation, limit: int = 20
) -> list[Credential]:
    """The latest awards of an organisation."""
    return list(
        Credential.objects.filter(organisation=organisation)
        .select_related("version", "version__image", "recipient_user", "status_list")
        .order_by("-issued_at")[:limit]
    )


def achievement_credentials(*, achievement_id: uuid.UUID) -> QuerySet[Credential]:
    """Every award of one badge, newest first."""
    return (
        Credential.objects.filter(achievement_id=achievement_id)
        .select_related("version", "recipient_user", "status_list")
        .order_by("-issued_at")
    )


def achievement_revocable_credentials(*, achievement_id: uuid.UUID) -> list[Credential]:
    """Awards of one badge that are not revoked, newest first."""
    return list(
        Credential.objects.filter(achievement_id=achievement_id, revoked_at__isnull=True).order_by(
            "-issued_at"
        )[:1000]
    )


def credential_correction_initial(credential: Credential) -> dict[str, str]:
    """The correct-form's starting values: what was signed."""
    details = credential_award_details(credential)
    evidence = details.evidence[0] if details.evidence else {}
    doc = credential_document(credential)
    results = (doc.get("credentialSubject") or {}).get("result") or []
    value = next((str(r["value"]) for r in results if isinstance(r, dict) and r.get("value")), "")
    return {
        "recipient_name": credential.recipient_name,
        "evidence_url": evidence.get("id", ""),
        "evidence_narrative": evidence.get("narrative", ""),
        "result": value,
    }


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """What is true about a credential right now, from its status list bit and its dates."""

    code: str  # valid · revoked · suspended · expired · not-yet-valid
    label: str

    @property
    def is_valid(self) -> bool:
        return self.code == "valid"


def credential_live_status(*, credential: Credential, now: datetime | None = None) -> LiveStatus:
    """Compute the status from the published list and the dates (never from a stored flag)."""
    now = now or timezone.now()
    if engine.status_bit(bytes(credential.status_list.bits), credential.status_index):
        return LiveStatus("revoked", "Revoked")
    if credential.suspended_at is not None:
        return LiveStatus("suspended", "Suspended")
    if credential.valid_until is not None and now > credential.valid_until:
        return LiveStatus("expired", "Expired")
    if now < credential.issued_at:
        return LiveStatus("not-yet-valid", "Not yet valid")
    return LiveStatus("valid", "Valid")


def credential_document(credential: Credential) -> dict[str, Any]:
    """The signed credential as a JSON object (parsed from the stored text)."""
    data: dict[str, Any] = json.loads(credential.document)
    return data


@dataclass(frozen=True, slots=True)
class AwardDetails:
    """What the issuer wrote about this particular award, read from the signed document."""

    results: list[str]
    evidence: list[dict[str, str]]


def _result_text(result: dict[str, Any], descriptions: dict[str, Any]) -> str | None:
    """A result in words: "Practical assessment: 17 of 20", "Data cleaning: Proficient"."""
    value = result.get("value")
    description = descriptions.get(str(result.get("resultDescription")))
    if not isinstance(description, dict):
        return str(value) if value else None
    name = str(description.get("name") or "Result")
    level_id = result.get("achievedLevel")
    if level_id:
        levels = description.get("rubricCriterionLevel") or []
        level = next((lv for lv in levels if isinstance(lv, dict) and lv.get("id") == level_id), {})
        return f"{name}: {level.get('name', 'level achieved')}"
    if value:
        most = description.get("valueMax")
        return f"{name}: {value}" + (f" of {most}" if most else "")
    return None


def credential_award_details(credential: Credential) -> AwardDetails:
    """Results and evidence as signed (shown on the badge pages), results in words using the
    achievement's result descriptions."""
    doc = credential_document(credential)
    subject = doc.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    descriptions = {
        str(d.get("id")): d
        for d in achievement.get("resultDescription") or []
        if isinstance(d, dict)
    }
    results = [
        text
        for r in subject.get("result") or []
        if isinstance(r, dict) and (text := _result_text(r, descriptions))
    ]
    evidence = [
        {k: str(e[k]) for k in ("id", "name", "narrative") if e.get(k)}
        for e in doc.get("evidence") or []
        if isinstance(e, dict)
    ]
    return AwardDetails(results, evidence)


def credentials_pending_for_user(*, user: User) -> list[Credential]:
    """Badges sent to one of the user's verified addresses that they have not accepted yet."""
    emails = user_verified_emails(user=user)
    if not emails:
        return []
    return list(
        Credential.objects.filter(recipient_email__in=emails, recipient_user__isnull=True)
        .select_related("organisation", "version", "version__image")
        .order_by("-issued_at")
    )


def claim_token_get(*, token: str, now: datetime | None = None) -> ClaimToken:
    """Return a usable claim link (unused, not expired).

    :raises NotFound: for unknown, used and expired links alike.
    """
    now = now or timezone.now()
    row = (
        ClaimToken.objects.filter(token_hash=hashlib.sha256(token.encode()).hexdigest())
        .select_related(
            "credential",
            "credential__organisation",
            "credential__version",
            "credential__version__image",
        )
        .first()
    )
    if row is None or row.expires_at < now:
        raise NotFound()
    return row


def status_list_public_get(*, organisation_id: uuid.UUID, list_id: uuid.UUID) -> StatusList:
    """A published status list.

    :raises NotFound: when there is none (or it was never published).
    """
    row = StatusList.objects.filter(
        pk=list_id, organisation_id=organisation_id, published_version__gt=0
    ).first()
    if row is None:
        raise NotFound()
    return row


def status_list_url(status_list: StatusList) -> str:
    """Where the signed list credential is served (and the ``statusListCredential`` value)."""
    return settings.INSIGNIA_BASE_URL + reverse(
        "awards:status_list", args=[status_list.organisation_id, status_list.pk]
    )
