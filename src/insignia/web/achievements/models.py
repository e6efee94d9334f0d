"""Badge definitions.

An :class:`Achievement` is the badge as the organisation thinks of it; its signed fields live
in numbered :class:`AchievementVersion` rows.  A version is a draft until it is published;
once published it is frozen (services never change it), so every credential keeps pointing
at exactly what it was issued for.  Editing a published badge starts a new draft version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.images.models import Image
from insignia.web.issuers.models import Organisation


class AchievementType(models.TextChoices):
    """OB 3.0 ``achievementType`` values offered in the designer (the spec's enumeration)."""

    MICRO_CREDENTIAL = "MicroCredential", "Micro-credential"
    BADGE = "Badge", "Badge"
    COMPETENCY = "Competency", "Competency"
    CERTIFICATE = "Certificate", "Certificate"
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", "Certificate of completion"
    CERTIFICATION = "Certification", "Certification"
    COURSE = "Course", "Course"
    ASSESSMENT = "Assessment", "Assessment"
    AWARD = "Award", "Award"
    LEARNING_PROGRAM = "LearningProgram", "Learning programme"
    CO_CURRICULAR = "CoCurricular", "Co-curricular activity"
    COMMUNITY_SERVICE = "CommunityService", "Community service"
    LICENSE = "License", "Licence"
    MEMBERSHIP = "Membership", "Membership"
    ACHIEVEMENT = "Achievement", "Achievement"


class Achievement(models.Model):
    """A badge an organisation awards."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="achievements"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    #: The published version awarded now (None until the first publication).
    current_version = models.ForeignKey(
        "AchievementVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Where "Learn more / enrol" on public badge pages leads (tagged with UTM parameters by
    #: channel).  Marketing, not part of the signed achievement: it may change at any time.
    learn_more_url = models.URLField("learn more / enrol link", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return str(self.pk)


class AchievementVersion(models.Model):
    """The signed fields of an achievement at one point in time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField()
    criteria = models.TextField(help_text="What a learner must do to earn the badge (Markdown).")
    achievement_type = models.CharField(
        max_length=40, choices=AchievementType.choices, default=AchievementType.MICRO_CREDENTIAL
    )
    tags = models.JSONField(default=list, blank=True)
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+")
    #: None: never expires; N: credentials are valid for N months after the award.
    expiry_months = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("achievement", "-number")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["achievement", "number"], name="achievement_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Alignment(models.Model):
    """A skill or competency framework item the achievement certifies (OB 3.0 ``Alignment``)."""

    version = models.ForeignKey(
        AchievementVersion, on_delete=models.CASCADE, related_name="alignments"
    )
    position = models.PositiveSmallIntegerField(default=0)
    target_name = models.CharField(max_length=200)
    target_url = models.URLField(max_length=500)
    target_framework = models.CharField(max_length=200, blank=True)
    target_code = models.CharField(max_length=100, blank=True)
    target_description = models.TextField(blank=True)

    class Meta:
        ordering = ("version", "position", "pk")

    def __str__(self) -> str:
        return self.target_name
