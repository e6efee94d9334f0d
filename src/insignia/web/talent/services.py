"""Writes of the talent app (``<noun>_<verb>``, keyword-only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, DateTimeField, Max, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import AchievementVersion
from insignia.web.awards.models import Credential
from insignia.web.common.errors import ApplicationError
from insignia.web.talent import engine
from insignia.web.talent.models import (
    FOREVER,
    BadgeSkill,
    ContactRequest,
    DiscoverableBadge,
    ProfileSkill,
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
    aliases = [a for a in (code_alias(framework, code), key) if a]
    # A framework code names a concept more precisely than a wording: it wins when both are
    # known (and site staff can move either between groups).
    owners = {
        s.alias: s.skill
        for s in SkillSynonym.objects.filter(alias__in=aliases).select_related("skill")
    }
    found = next((owners[a] for a in aliases if a in owners), None)
    skill = found or Skill.objects.filter(key=key).first()
    if skill is None:
        skill, _ = Skill.objects.get_or_create(key=key, defaults={"name": name.strip()[:200]})
    for alias in aliases:
        SkillSynonym.objects.get_or_create(alias=alias, defaults={"skill": skill})
    return skill


def _credential_skills(credential: Credential) -> list[Skill]:
    return _version_skills(credential.version)


def _version_skills(version: AchievementVersion) -> list[Skill]:
    found: dict[int, Skill] = {}
    for a in version.alignments.all():
        skill = skill_resolve(name=a.target_name, framework=a.target_framework, code=a.target_code)
        if skill is not None:
            found[skill.pk] = skill
    return list(found.values())


def _findable(credential: Credential) -> bool:
    """Neither revoked nor suspended (expiry is the search's own test, at query time)."""
    return credential.revoked_at is None and credential.suspended_at is None


def _usable(credential: Credential, now: datetime) -> bool:
    """Whether a badge can be chosen: not revoked, not expired (a suspended one can: it counts
    once reinstated)."""
    if credential.revoked_at is not None:
        return False
    if credential.valid_until is not None and credential.valid_until <= now:
        return False
    return not engine.is_revoked(bytes(credential.status_list.bits), credential.status_index)


def summary_refresh(*, profile_ids: Iterable[uuid.UUID]) -> None:
    """Make the search summary of these candidates the aggregate of their badge index again.

    Called, inside the caller's transaction, after every change of :class:`BadgeSkill`; a
    candidate has a few rows, so rebuilding theirs is cheaper and safer than patching them.
    """
    wanted = list(set(profile_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        ProfileSkill.objects.filter(profile_id__in=chunk).delete()
        ProfileSkill.objects.bulk_create(
            ProfileSkill(
                profile_id=row["profile_id"],
                skill_id=row["skill_id"],
                latest_issued_at=row["latest"],
                valid_until=row["until"],
                badges=row["n"],
            )
            for row in BadgeSkill.objects.filter(profile_id__in=chunk)
            .values("profile_id", "skill_id")
            .annotate(
                latest=Max("issued_at"),
                until=Max(Coalesce("valid_until", Value(FOREVER, output_field=DateTimeField()))),
                n=Count("id"),
            )
            .order_by()
        )


def _index_skills(badge: DiscoverableBadge) -> None:
    """The badge's rows in the index (the caller refreshes the summary)."""
    credential = badge.credential
    profile = badge.profile
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


def _index(profile: TalentProfile, item: WalletItem, now: datetime) -> None:
    badge = DiscoverableBadge.objects.create(
        profile=profile, wallet_item=item, credential=item.credential, created_at=now
    )
    if _findable(item.credential):
        _index_skills(badge)


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
        ProfileSkill.objects.filter(profile=profile).delete()
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
    summary_refresh(profile_ids=[profile.pk])
    return profile


@transaction.atomic
def talent_profile_withdraw(*, user: User, now: datetime | None = None) -> None:
    """Leave talent search now: every badge leaves the index in this transaction."""
    now = now or timezone.now()
    TalentProfile.objects.filter(user=user).update(is_discoverable=False, updated_at=now)
    DiscoverableBadge.objects.filter(profile__user=user).delete()
    ProfileSkill.objects.filter(profile__user=user).delete()


# --- what happens to the badges themselves (domain events, inside the sender's transaction) --


def credentials_unlist(*, credential_ids: Iterable[uuid.UUID]) -> None:
    """Revoked badges leave talent search for good: the learner's choice of them goes too."""
    badges = DiscoverableBadge.objects.filter(credential_id__in=list(credential_ids))
    profiles = set(badges.values_list("profile_id", flat=True))
    if profiles:
        badges.delete()
        summary_refresh(profile_ids=profiles)


def credential_hide(*, credential_id: uuid.UUID) -> None:
    """A suspended badge stops counting; the learner's choice of it is kept for reinstatement."""
    rows = BadgeSkill.objects.filter(credential_id=credential_id)
    profiles = set(rows.values_list("profile_id", flat=True))
    if profiles:
        rows.delete()
        summary_refresh(profile_ids=profiles)


def credential_show(*, credential_id: uuid.UUID) -> None:
    """A reinstated badge counts again, if its learner still lets employers find them by it."""
    badge = (
        DiscoverableBadge.objects.filter(credential_id=credential_id, profile__is_discoverable=True)
        .select_related("credential__version", "profile")
        .first()
    )
    if badge is None or not _findable(badge.credential):
        return
    BadgeSkill.objects.filter(badge=badge).delete()
    _index_skills(badge)
    summary_refresh(profile_ids=[badge.profile_id])


def wallet_summary_refresh(*, user: User) -> None:
    """A badge entered or left the learner's wallet: their summary is rebuilt from their index
    (badges leaving a wallet take their index rows with them by cascade)."""
    profile_ids = list(TalentProfile.objects.filter(user=user).values_list("pk", flat=True))
    if profile_ids:
        summary_refresh(profile_ids=profile_ids)


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


# --- synonym groups, edited by site staff -------------------------------------------------


def _reindex_skills(skill_ids: set[int]) -> None:
    """Resolve again the skills of every findable badge now indexed under ``skill_ids`` (after
    wordings moved between groups), one achievement version at a time: badges of a version
    declare the same alignments."""
    badges = DiscoverableBadge.objects.filter(
        pk__in=BadgeSkill.objects.filter(skill_id__in=skill_ids).values("badge_id")
    )
    version_ids = set(badges.values_list("credential__version_id", flat=True))
    profiles: set[uuid.UUID] = set()
    for version in AchievementVersion.objects.filter(pk__in=version_ids).prefetch_related(
        "alignments"
    ):
        skills = [s.pk for s in _version_skills(version)]
        rows = list(
            badges.filter(credential__version=version).values_list(
                "pk",
                "profile_id",
                "credential_id",
                "credential__organisation_id",
                "credential__issued_at",
                "credential__valid_until",
            )
        )
        BadgeSkill.objects.filter(badge_id__in=[r[0] for r in rows]).delete()
        BadgeSkill.objects.bulk_create(
            (
                BadgeSkill(
                    badge_id=badge,
                    skill_id=skill,
                    profile_id=profile,
                    credential_id=credential,
                    organisation_id=organisation,
                    issued_at=issued,
                    valid_until=until,
                )
                for badge, profile, credential, organisation, issued, until in rows
                for skill in skills
            ),
            batch_size=2000,
        )
        profiles.update(r[1] for r in rows)
    summary_refresh(profile_ids=profiles)


def _drop_if_empty(skill_ids: set[int]) -> None:
    """Skills left without any wording or badge are removed (they could not be found)."""
    Skill.objects.filter(pk__in=skill_ids, synonyms__isnull=True).exclude(
        pk__in=BadgeSkill.objects.filter(skill_id__in=skill_ids).values("skill_id")
    ).delete()


@transaction.atomic
def skill_group_update(*, actor: User, key: str, name: str, aliases: Iterable[str]) -> Skill:
    """Rename a skill and set the wordings that mean it (its own key always stays one).

    A wording taken from another group moves here; a wording removed becomes a skill of its
    own when a badge next declares it.  Badges indexed under the groups that changed are
    resolved again in this transaction, so search follows at once.
    """
    from insignia.web.talent.selectors import access_skill

    skill = access_skill(user=actor, key=key)
    Skill.objects.select_for_update().filter(pk=skill.pk).first()
    wanted = {normalise(a) for a in aliases if normalise(a)} | {skill.key}
    current = set(skill.synonyms.values_list("alias", flat=True))
    added, removed = wanted - current, current - wanted
    taken = SkillSynonym.objects.filter(alias__in=added)
    owners = set(taken.values_list("skill_id", flat=True))
    moved = set(taken.values_list("alias", flat=True))
    SkillSynonym.objects.filter(skill=skill, alias__in=removed).delete()
    taken.update(skill=skill)
    SkillSynonym.objects.bulk_create(SkillSynonym(alias=a, skill=skill) for a in added - moved)
    name = " ".join(name.split())[:200]
    if name and name != skill.name:
        skill.name = name
        skill.save(update_fields=["name"])
    affected = owners | ({skill.pk} if removed else set())
    if affected:
        _reindex_skills(affected)
    _drop_if_empty(owners - {skill.pk})
    return skill


@transaction.atomic
def skill_group_merge(*, actor: User, key: str, into: str) -> Skill:
    """Merge a skill into another: its wordings and badges count as the other from now on."""
    from insignia.web.talent.selectors import access_skill, skills_lookup

    skill = access_skill(user=actor, key=key)
    found, _ = skills_lookup([into])
    target = found.get(into)
    if target is None:
        raise ApplicationError("No skill is called that.", field="into")
    if target.pk == skill.pk:
        raise ApplicationError("Choose another skill to merge into.", field="into")
    SkillSynonym.objects.filter(skill=skill).update(skill=target)
    SkillSynonym.objects.get_or_create(alias=skill.key, defaults={"skill": target})
    rows = BadgeSkill.objects.filter(skill=skill)
    profiles = set(rows.values_list("profile_id", flat=True))
    rows.filter(badge_id__in=BadgeSkill.objects.filter(skill=target).values("badge_id")).delete()
    rows.update(skill=target)
    skill.delete()
    summary_refresh(profile_ids=profiles)
    return target
