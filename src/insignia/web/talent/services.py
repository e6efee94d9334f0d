"""Writes of the talent app (``<noun>_<verb>``, keyword-only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.awards.models import Credential
from insignia.web.common.errors import ApplicationError
from insignia.web.talent import engine
from insignia.web.talent.models import (
    BadgeSkill,
    ContactRequest,
    DiscoverableBadge,
    Skill,
    SkillSynonym,
    TalentProfile,
)
from insignia.web.talent.skills import code_alias, normalise
from insignia.web.wallet.models import WalletItem

#: A recruiting organisation may write to the same candidate once per this period.
CONTACT_INTERVAL = timedelta(days=7)


def skill_resolve(*, name: str, framework: str = "", code: str = "") -> Skill | None:
    """The canonical skill of an alignment, created (with its wordings as synonyms) if new."""
    key = normalise(name)
    if not key:
        return None
    aliases = [a for a in (key, code_alias(framework, code)) if a]
    found = SkillSynonym.objects.filter(alias__in=aliases).select_related("skill").first()
    skill = found.skill if found else Skill.objects.filter(key=key).first()
    if skill is None:
        skill, _ = Skill.objects.get_or_create(key=key, defaults={"name": name.strip()[:200]})
    for alias in aliases:
        SkillSynonym.objects.get_or_create(alias=alias, defaults={"skill": skill})
    return skill


def _credential_skills(credential: Credential) -> list[Skill]:
    found: dict[int, Skill] = {}
    for a in credential.version.alignments.all():
        skill = skill_resolve(name=a.target_name, framework=a.target_framework, code=a.target_code)
        if skill is not None:
            found[skill.pk] = skill
    return list(found.values())


def _usable(credential: Credential, now: datetime) -> bool:
    if credential.revoked_at is not None:
        return False
    if credential.valid_until is not None and credential.valid_until <= now:
        return False
    return not engine.is_revoked(bytes(credential.status_list.bits), credential.status_index)


def _index(profile: TalentProfile, item: WalletItem, now: datetime) -> None:
    credential = item.credential
    badge = DiscoverableBadge.objects.create(
        profile=profile, wallet_item=item, credential=credential, created_at=now
    )
    BadgeSkill.objects.bulk_create(
        BadgeSkill(
            badge=badge,
            skill=skill,
            profile=profile,
            credential=credential,
            organisation_id=credential.organisation_id,
            issued_at=credential.issued_at,
            valid_until=credential.valid_until,
        )
        for skill in _credential_skills(credential)
    )


@transaction.atomic
def talent_profile_update(
    *,
    user: User,
    is_discoverable: bool,
    show_name: bool,
    show_contact: bool,
    show_location: bool,
    location: str = "",
    headline: str = "",
    wallet_item_ids: Iterable[uuid.UUID | str] = (),
    now: datetime | None = None,
) -> TalentProfile:
    """Opt in (or out) and choose what employers see and which badges they find you by.

    Only the learner's own, unrevoked, unexpired badges issued here can be chosen.  Opting out
    removes every badge from the search index in the same transaction.
    """
    now = now or timezone.now()
    profile, _ = TalentProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"updated_at": now}
    )
    profile.is_discoverable = is_discoverable
    profile.show_name = show_name
    profile.show_contact = show_contact
    profile.show_location = show_location
    profile.location = location.strip()[:120]
    profile.headline = headline.strip()[:160]
    profile.updated_at = now
    profile.save()
    if not is_discoverable:
        DiscoverableBadge.objects.filter(profile=profile).delete()
        return profile
    wanted = {str(i) for i in wallet_item_ids}
    items = list(
        WalletItem.objects.filter(user=user, pk__in=wanted).select_related(
            "credential__status_list", "credential__version"
        )
    )
    if len(items) != len(wanted):
        raise ApplicationError("Choose among your own badges.", field="badges")
    DiscoverableBadge.objects.filter(profile=profile).exclude(wallet_item__in=items).delete()
    kept = set(
        DiscoverableBadge.objects.filter(profile=profile).values_list("wallet_item_id", flat=True)
    )
    for item in items:
        if item.pk not in kept and _usable(item.credential, now):
            _index(profile, item, now)
    return profile


@transaction.atomic
def talent_profile_withdraw(*, user: User, now: datetime | None = None) -> None:
    """Leave talent search now: every badge leaves the index in this transaction."""
    now = now or timezone.now()
    TalentProfile.objects.filter(user=user).update(is_discoverable=False, updated_at=now)
    DiscoverableBadge.objects.filter(profile__user=user).delete()


def contact_request_create(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    profile_id: uuid.UUID,
    subject: str,
    message: str,
    now: datetime | None = None,
) -> ContactRequest:
    """Relay a recruiter's message to a candidate by email; the reply goes to the recruiter,
    so the candidate's address stays private until they choose to answer."""
    from insignia.web.talent.selectors import access_candidate, access_recruiter_organisation

    now = now or timezone.now()
    organisation = access_recruiter_organisation(user=actor, organisation_id=organisation_id)
    profile = access_candidate(user=actor, organisation_id=organisation_id, profile_id=profile_id)
    with transaction.atomic():
        TalentProfile.objects.select_for_update().filter(pk=profile.pk).first()
        recent = ContactRequest.objects.filter(
            organisation=organisation, profile=profile, created_at__gte=now - CONTACT_INTERVAL
        ).exists()
        if recent:
            raise ApplicationError(
                "Your organisation wrote to this candidate less than a week ago; wait for "
                "their answer."
            )
        request = ContactRequest.objects.create(
            organisation=organisation,
            sender=actor,
            profile=profile,
            subject=subject.strip()[:150],
            message=message.strip()[:4000],
            created_at=now,
        )
        recipient = profile.user.email
        body = render_to_string(
            "talent/email/contact.txt",
            {"request": request, "organisation": organisation, "sender": actor},
        )

        def send() -> None:
            EmailMessage(
                subject=f"[Insignia] {organisation.name}: {request.subject}",
                body=body,
                to=[recipient],
                reply_to=[actor.email],
            ).send()

        transaction.on_commit(send)
    return request
