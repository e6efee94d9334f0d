"""Writes: registering platforms, linking activities to badges, awarding on completion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.awards.services import credential_create
from insignia.web.common.errors import ApplicationError
from insignia.web.issuers.keystore import decrypt_private_key, encrypt_private_key
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation, has_role, user_roles
from insignia.web.issuers.services import audit_record
from insignia.web.lti.claims import Launch
from insignia.web.lti.models import CompletionRule, LtiAward, Platform, ResourceLink
from insignia.web.lti.selectors import access_platform, linkable_achievements
from insignia.web.lti.tool import key_aad, tool_jwk


@dataclass(frozen=True)
class PlatformData:
    """What an administrator copies from the LMS's tool registration."""

    name: str
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_login_url: str
    access_token_url: str
    auth_audience: str = ""
    key_set_url: str = ""
    key_set: dict[str, Any] | None = field(default=None)


def _apply(platform: Platform, data: PlatformData) -> None:
    if not data.key_set_url and not data.key_set:
        raise ApplicationError(
            "Give the platform's key set URL or paste its public keys.", field="key_set_url"
        )
    if not data.deployment_ids:
        raise ApplicationError("Give at least one deployment id.", field="deployment_ids")
    clash = Platform.objects.filter(issuer=data.issuer, client_id=data.client_id).exclude(
        pk=platform.pk
    )
    if clash.exists():
        raise ApplicationError(
            "This issuer and client id are already registered.", field="client_id"
        )
    platform.name = data.name
    platform.issuer = data.issuer
    platform.client_id = data.client_id
    platform.deployment_ids = list(dict.fromkeys(data.deployment_ids))
    platform.auth_login_url = data.auth_login_url
    platform.access_token_url = data.access_token_url
    platform.auth_audience = data.auth_audience
    platform.key_set_url = data.key_set_url
    platform.key_set = data.key_set or None


@transaction.atomic
def platform_register(
    *,
    actor: User,
    organisation_id: uuid.UUID | str,
    data: PlatformData,
    now: datetime | None = None,
) -> Platform:
    """Register a learning platform for an organisation (issuers and owners), with a new RSA
    2048 tool key pair whose private half is stored encrypted.

    :raises NotFound: when ``actor`` may not issue for the organisation.
    :raises ApplicationError: for a missing key set or deployment, or a duplicate registration.
    """
    organisation = access_organisation(
        user=actor, organisation_id=organisation_id, role=Role.ISSUER
    )
    now = now or timezone.now()
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    platform = Platform(
        id=uuid.uuid4(),
        organisation=organisation,
        tool_public_key_pem=public_pem,
        tool_key_id=str(tool_jwk(public_pem)["kid"]),
        responsible=actor,
        created_at=now,
        updated_at=now,
    )
    _apply(platform, data)
    platform.kek_id, blob = encrypt_private_key(private_pem, associated_data=key_aad(platform))
    platform.tool_private_key_encrypted = blob
    platform.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="lti.platform_registered",
        obj=platform,
        now=now,
        issuer=platform.issuer,
        client_id=platform.client_id,
    )
    return platform


@transaction.atomic
def platform_update(
    *, actor: User, platform_id: uuid.UUID | str, data: PlatformData, now: datetime | None = None
) -> Platform:
    """Change a registration; the editor becomes the person awards are issued in the name of.

    :raises NotFound: when ``actor`` may not issue for its organisation.
    """
    platform = access_platform(user=actor, platform_id=platform_id, role=Role.ISSUER)
    now = now or timezone.now()
    _apply(platform, data)
    platform.responsible = actor
    platform.updated_at = now
    platform.save()
    audit_record(
        organisation=platform.organisation,
        actor=actor,
        action="lti.platform_updated",
        obj=platform,
        now=now,
        issuer=platform.issuer,
        client_id=platform.client_id,
    )
    return platform


@transaction.atomic
def resource_link_configure(
    *,
    platform: Platform,
    launch: Launch,
    achievement_id: uuid.UUID | str,
    rule: str,
    threshold_percent: int,
    now: datetime | None = None,
) -> ResourceLink:
    """Link the launched activity to one of the organisation's published badges.

    Called only with a validated instructor launch of ``platform`` (the view checks the role
    claim); the badge must belong to the registration's organisation.

    :raises ApplicationError: for an unknown badge, rule or threshold.
    """
    if not launch.is_instructor:
        raise ApplicationError("Only the course's instructors may link this activity.")
    if launch.is_deep_link or not launch.resource_link_id:
        raise ApplicationError("This launch is not of a course activity.")
    achievement = (
        linkable_achievements(organisation=platform.organisation).filter(pk=achievement_id).first()
    )
    if achievement is None:
        raise ApplicationError("Choose one of the organisation's published badges.", field="badge")
    if rule not in CompletionRule.values:
        raise ApplicationError("Choose a completion rule.", field="rule")
    if not 0 <= threshold_percent <= 100:
        raise ApplicationError("The threshold is a percentage from 0 to 100.", field="threshold")
    now = now or timezone.now()
    link, _ = ResourceLink.objects.update_or_create(
        platform=platform,
        deployment_id=launch.deployment_id,
        resource_link_id=launch.resource_link_id,
        defaults={
            "achievement": achievement,
            "rule": rule,
            "threshold_percent": threshold_percent,
            "context_id": launch.context_id,
            "context_title": launch.context_title,
            "title": launch.resource_title,
            "configured_by_sub": launch.sub,
            "configured_by_name": launch.name,
            "configured_at": now,
        },
    )
    audit_record(
        organisation=platform.organisation,
        actor=None,
        action="lti.link_configured",
        obj=link,
        now=now,
        lti=launch.audit_ref,
        achievement=str(achievement.pk),
        rule=rule,
        threshold=threshold_percent,
        instructor=launch.sub,
    )
    return link


#: Custom parameters our deep-linking response puts on the resource links it creates.
CUSTOM_BADGE, CUSTOM_RULE, CUSTOM_THRESHOLD = (
    "insignia_badge",
    "insignia_rule",
    "insignia_threshold",
)


def deep_link_custom(*, achievement_id: str, rule: str, threshold_percent: int) -> dict[str, str]:
    """The custom parameters of a resource link made by deep linking (the platform signs them
    back into every launch of that link)."""
    return {
        CUSTOM_BADGE: str(achievement_id),
        CUSTOM_RULE: rule,
        CUSTOM_THRESHOLD: str(threshold_percent),
    }


@transaction.atomic
def resource_link_adopt(
    *, platform: Platform, launch: Launch, now: datetime | None = None
) -> ResourceLink | None:
    """The first launch of a resource link made by deep linking: create its link from the
    custom parameters the platform signed into the launch (an instructor chose them in our
    deep-linking page; only instructors can edit custom parameters in an LMS).  Nothing
    happens when the activity is already linked or the parameters name no published badge of
    the organisation.
    """
    badge = launch.custom.get(CUSTOM_BADGE)
    if not badge or launch.is_deep_link or not launch.resource_link_id:
        return None
    if ResourceLink.objects.filter(
        platform=platform,
        deployment_id=launch.deployment_id,
        resource_link_id=launch.resource_link_id,
    ).exists():
        return None
    try:
        achievement = (
            linkable_achievements(organisation=platform.organisation).filter(pk=badge).first()
        )
        threshold = int(launch.custom.get(CUSTOM_THRESHOLD, "100"))
    except (ValueError, ValidationError):
        return None
    rule = launch.custom.get(CUSTOM_RULE, CompletionRule.SCORE)
    if achievement is None or rule not in CompletionRule.values or not 0 <= threshold <= 100:
        return None
    now = now or timezone.now()
    link, created = ResourceLink.objects.get_or_create(
        platform=platform,
        deployment_id=launch.deployment_id,
        resource_link_id=launch.resource_link_id,
        defaults={
            "achievement": achievement,
            "rule": rule,
            "threshold_percent": threshold,
            "context_id": launch.context_id,
            "context_title": launch.context_title,
            "title": launch.resource_title,
            "configured_by_sub": "",
            "configured_by_name": "Deep linking",
            "configured_at": now,
        },
    )
    if created:
        audit_record(
            organisation=platform.organisation,
            actor=None,
            action="lti.link_configured",
            obj=link,
            now=now,
            lti=launch.audit_ref,
            achievement=str(achievement.pk),
            rule=rule,
            threshold=threshold,
            instructor="deep-linking",
        )
    return link


def _issuer_for(platform: Platform, achievement: Achievement) -> User:
    person = platform.responsible
    if person is None or not has_role(
        user_roles(user=person, organisation=platform.organisation), Role.ISSUER
    ):
        raise ApplicationError(
            f"{platform.organisation.name} must confirm this platform's registration before "
            "badges can be awarded through it."
        )
    if achievement.state != Achievement.State.PUBLISHED or achievement.current_version is None:
        raise ApplicationError("This badge is not being awarded at the moment.")
    return person


@transaction.atomic
def _award_create(
    *, link: ResourceLink, launch: Launch, score_percent: Decimal | None, now: datetime
) -> LtiAward:
    achievement = link.achievement
    issued_by = _issuer_for(link.platform, achievement)
    assert achievement.current_version is not None  # checked by _issuer_for
    credential = credential_create(
        achievement=achievement,
        version=achievement.current_version,
        issued_by=issued_by,
        recipient_email=launch.email,
        recipient_name=launch.name,
        now=now,
        audit={"lti": launch.audit_ref, "lti_platform": str(link.platform_id)},
    )
    # The unique constraint (link, user) makes a concurrent second launch fail here, which
    # rolls back its credential with it.
    return LtiAward.objects.create(
        resource_link=link,
        user_sub=launch.sub,
        credential=credential,
        score_percent=score_percent,
        created_at=now,
    )


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def lti_award(
    *,
    link: ResourceLink,
    launch: Launch,
    score_percent: Decimal | None,
    now: datetime | None = None,
) -> tuple[LtiAward, bool]:
    """Award the link's badge to the launching learner once; return ``(award, created)``.

    The caller has established that the completion rule is met from the platform's result.
    The recipient is the email claim of the signed launch (a claim link is emailed; the
    learner accepts it into their wallet).

    :raises ApplicationError: without an email claim, or when the registration's responsible
        person no longer issues for the organisation.
    """
    existing = LtiAward.objects.filter(resource_link=link, user_sub=launch.sub).first()
    if existing is not None:
        return existing, False
    if not _valid_email(launch.email):
        raise ApplicationError(
            "Your learning platform did not share your email address with Insignia, so the "
            "badge cannot be sent to you. Ask your instructor to share it with this tool."
        )
    now = now or timezone.now()
    try:
        return _award_create(link=link, launch=launch, score_percent=score_percent, now=now), True
    except IntegrityError:
        award = LtiAward.objects.filter(resource_link=link, user_sub=launch.sub).first()
        if award is None:
            raise
        return award, False


def platform_keys_rewrap(*, now: datetime | None = None) -> int:
    """Re-encrypt every registration's tool private key with the current key-encryption key
    (KEK rotation, beside ``rewrap_signing_keys``); return how many.

    Each key is rewrapped and audited in its own transaction, so an interrupted run can be
    started again.
    """
    now = now or timezone.now()
    count = 0
    for platform in Platform.objects.select_related("organisation").iterator():
        old_kek = platform.kek_id
        secret = decrypt_private_key(
            bytes(platform.tool_private_key_encrypted),
            kek=old_kek,
            associated_data=key_aad(platform),
        )
        with transaction.atomic():
            platform.kek_id, blob = encrypt_private_key(secret, associated_data=key_aad(platform))
            platform.tool_private_key_encrypted = blob
            platform.save(update_fields=["kek_id", "tool_private_key_encrypted"])
            audit_record(
                organisation=platform.organisation,
                actor=None,
                action="lti.tool_key_rewrapped",
                obj=platform,
                now=now,
                from_kek=old_kek,
                to_kek=platform.kek_id,
            )
        count += 1
    return count


@transaction.atomic
def platform_delete(
    *, actor: User, platform_id: uuid.UUID | str, now: datetime | None = None
) -> None:
    """Remove a registration (owners only) with its linked activities; badges already awarded
    through it stay valid.  Launches from the platform then find no registration.

    :raises NotFound: when ``actor`` is not an owner of its organisation.
    """
    platform = access_platform(user=actor, platform_id=platform_id, role=Role.OWNER)
    audit_record(
        organisation=platform.organisation,
        actor=actor,
        action="lti.platform_deleted",
        obj=platform,
        now=now or timezone.now(),
        issuer=platform.issuer,
        client_id=platform.client_id,
        awards=LtiAward.objects.filter(resource_link__platform=platform).count(),
    )
    platform.delete()
