"""Talent search: learners who opted in, the badges they chose to be found by, the skills those
badges declare (normalised, with synonyms across issuers' wording), and messages relayed from
recruiters.

Search reads :class:`BadgeSkill` only: one row per (discoverable badge, skill), carrying what
the filters need (issuer, dates) so that a query never scans credentials.  A learner who
withdraws has their rows deleted in the same transaction: nothing outlives the withdrawal.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models

from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation
from insignia.web.wallet.models import WalletItem


class Skill(models.Model):
    """A skill, whatever each issuer calls it: ``key`` is the normalised canonical name."""

    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SkillSynonym(models.Model):
    """Another normalised wording of a skill (an issuer's name for it, or ``framework:code``)."""

    alias = models.CharField(max_length=300, unique=True)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="synonyms")

    class Meta:
        ordering = ("alias",)

    def __str__(self) -> str:
        return f"{self.alias} → {self.skill}"


class TalentProfile(models.Model):
    """A learner's consent to be found by employers, and what employers may see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_profile"
    )
    is_discoverable = models.BooleanField(default=False)
    show_name = models.BooleanField(default=True)
    show_contact = models.BooleanField(default=False)
    show_location = models.BooleanField(default=False)
    location = models.CharField(max_length=120, blank=True)
    headline = models.CharField(max_length=160, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"talent profile of {self.user}"


class DiscoverableBadge(models.Model):
    """A badge the learner lets employers find them by."""

    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="badges")
    wallet_item = models.OneToOneField(
        WalletItem, on_delete=models.CASCADE, related_name="talent_badge"
    )
    credential = models.OneToOneField(Credential, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.profile_id} · {self.credential_id}"


class BadgeSkill(models.Model):
    """The search index: one skill of one discoverable badge, with the filters' columns."""

    badge = models.ForeignKey(DiscoverableBadge, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["badge", "skill"], name="talent_badge_skill_unique"),
        ]
        indexes = [  # noqa: RUF012
            # Covering index of the search: by skill, grouped by candidate, filtered by dates.
            models.Index(
                fields=[
                    "skill",
                    "profile",
                    "issued_at",
                    "valid_until",
                    "organisation",
                    "credential",
                ],
                name="talent_skill_search",
            ),
            # "From these issuers": one range per (skill, issuer).
            models.Index(
                fields=["skill", "organisation", "profile", "issued_at", "valid_until"],
                name="talent_skill_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id} · {self.skill_id}"


#: ``ProfileSkill.valid_until`` of skills shown by a badge that never expires (a real date keeps
#: the expiry test a plain index range, ``valid_until > now``, on every database).
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)


class ProfileSkill(models.Model):
    """The search summary: one row per (candidate, canonical skill) they can be found by.

    It is the aggregate of :class:`BadgeSkill` (kept equal to it by the services, in the same
    transaction as every change of the index), so that "all of A, B; any of C" is a handful of
    index range scans over candidates instead of a grouping over badges.  Expiry stays a query-
    time test: ``valid_until`` is the latest expiry among the badges (``FOREVER`` if one never
    expires), ``latest_issued_at`` the most recent of them (for ranking and "earned after").
    """

    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    latest_issued_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    badges = models.PositiveIntegerField()

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["profile", "skill"], name="talent_profile_skill"),
        ]
        indexes = [  # noqa: RUF012
            # Grouping by candidate within a skill, reading the index alone.
            models.Index(
                fields=["skill", "profile", "valid_until", "latest_issued_at"],
                name="talent_ps_group",
            ),
            # One skill, most recent first: the top of a page without visiting the rest.
            models.Index(
                fields=["skill", "-latest_issued_at", "valid_until", "profile"],
                name="talent_ps_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} · {self.skill_id}"


class ContactRequest(models.Model):
    """A recruiter's message to a candidate, relayed by email (the candidate's address stays
    private until they answer)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(
        TalentProfile, on_delete=models.CASCADE, related_name="contact_requests"
    )
    subject = models.CharField(max_length=150)
    message = models.TextField(max_length=4000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["organisation", "profile", "-created_at"])]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.organisation} → {self.profile_id}"
