"""Organisations (issuers), staff roles, signing keys and the audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.images.models import Image


class Organisation(models.Model):
    """An issuer.  Its public profile becomes the OB 3.0 ``Profile`` in every credential.

    ``did`` is fixed when the organisation is created (``did:web:<host>:issuers:<uuid>``), so
    credentials keep naming the same issuer even if the site later moves.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    url = models.URLField("website", max_length=500)
    email = models.EmailField("contact email")
    description = models.TextField(blank=True)
    logo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    did = models.CharField(max_length=500, unique=True)
    #: The numeric id of the organisation's LinkedIn page: "Add to profile" then names it (with
    #: its logo) instead of plain text.  Not part of the signed profile.
    linkedin_organization_id = models.CharField(
        "LinkedIn organisation id", max_length=20, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member of staff may do.  An owner may do everything."""

    OWNER = "owner", "Owner"
    DESIGNER = "designer", "Designer"
    ASSESSOR = "assessor", "Assessor"
    ISSUER = "issuer", "Issuer"
    RECRUITER = "recruiter", "Recruiter"


ROLE_HELP = {
    Role.OWNER: "Manages the profile, the team and the signing keys; may do everything.",
    Role.DESIGNER: "Creates and edits badges, and publishes them.",
    Role.ASSESSOR: "Reviews learners' evidence.",
    Role.ISSUER: "Awards published badges and revokes awarded ones.",
    Role.RECRUITER: "Searches for candidates who opted in to being found, and contacts them.",
}


class Membership(models.Model):
    """One role of one person in one organisation (a person may hold several)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organisation}"


class SigningKey(models.Model):
    """An Ed25519 key of an organisation; the private seed is encrypted with a key-encryption key.

    A key is *active* until ``retired_at``; retired keys stay in the DID document so that
    credentials they signed still verify.  ``compromised_after`` records from when the key
    must no longer be trusted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signing_keys"
    )
    key_id = models.CharField(max_length=64, help_text="Fragment in the DID document, e.g. key-1.")
    algorithm = models.CharField(max_length=16, default="Ed25519")
    public_key_multibase = models.CharField(max_length=128)
    encrypted_private_key = models.BinaryField()
    kek_id = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    compromised_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["organisation", "key_id"], name="signing_key_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.key_id}"

    @property
    def verification_method(self) -> str:
        """The id that proofs name: ``<did>#<key_id>``."""
        return f"{self.organisation.did}#{self.key_id}"


class AuditEvent(models.Model):
    """Who did what to keys, badges and credentials, and when (never rewritten)."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [  # noqa: RUF012
            models.Index(fields=["organisation", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
