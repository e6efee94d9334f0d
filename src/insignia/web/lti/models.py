"""LTI 1.3 platform registrations, course activities linked to badges, and their awards.

A :class:`Platform` is one tool registration in one LMS (Moodle, Canvas…) made by an
organisation: the platform's endpoints and keys, and the tool key pair we generated for it
(the private key encrypted with the key-encryption key, like signing keys).  Every
registration has its own tool URLs, so lookups never depend on guessing which organisation
an issuer/client id belongs to.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation


class Platform(models.Model):
    """One registration of this tool in one learning platform."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="lti_platforms"
    )
    name = models.CharField(max_length=200)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    deployment_ids = models.JSONField(default=list)
    auth_login_url = models.URLField("OIDC authentication URL", max_length=500)
    access_token_url = models.URLField(max_length=500)
    #: ``aud`` of our client assertions when the platform wants one other than the token URL.
    auth_audience = models.CharField(max_length=500, blank=True)
    key_set_url = models.URLField("platform key set URL", max_length=500, blank=True)
    #: A pasted JWK Set, used instead of ``key_set_url`` when set.
    key_set = models.JSONField(null=True, blank=True)
    tool_key_id = models.CharField(max_length=64)
    tool_public_key_pem = models.TextField()
    tool_private_key_encrypted = models.BinaryField()
    kek_id = models.CharField(max_length=16)
    #: The member of staff credentials are issued in the name of (who registered or last
    #: edited the platform); awards stop while they no longer hold the issuer role.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("name",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class CompletionRule(models.TextChoices):
    """When a learner's result in the course activity earns the badge."""

    SCORE = "score", "Score at least the threshold (percent of the maximum)"
    GRADED = "graded", "Any result recorded by the platform"


class ResourceLink(models.Model):
    """A course activity (LTI resource link) and the badge completing it earns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="links")
    deployment_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    context_id = models.CharField(max_length=255, blank=True)
    context_title = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="lti_links")
    rule = models.CharField(max_length=16, choices=CompletionRule.choices)
    threshold_percent = models.PositiveSmallIntegerField(default=100)
    #: The LMS instructor who linked it (their LTI ``sub`` and name).
    configured_by_sub = models.CharField(max_length=255)
    configured_by_name = models.CharField(max_length=255, blank=True)
    configured_at = models.DateTimeField()

    class Meta:
        ordering = ("context_title", "title")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["platform", "deployment_id", "resource_link_id"],
                name="lti_resource_link_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.context_title} / {self.title or self.resource_link_id}"


class LtiAward(models.Model):
    """A badge earned through a resource link: at most one per link and platform user."""

    resource_link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="awards")
    user_sub = models.CharField(max_length=255)
    credential = models.OneToOneField(Credential, on_delete=models.PROTECT, related_name="+")
    score_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["resource_link", "user_sub"], name="lti_award_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.user_sub}"


class LaunchValue(models.Model):
    """pylti1p3's launch data (nonces, OIDC state, validated launches), kept in the database so
    that any web process can finish a launch another one started."""

    key = models.CharField(max_length=255, primary_key=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key
