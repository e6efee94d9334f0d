"""Issued credentials, the status lists that can revoke them, and claim links.

A :class:`Credential` stores its signed document as the exact text that was signed and never
rewrites it; corrections are new credentials.  Whether a credential is revoked is read from
its :class:`StatusList` bit (the published truth) and whether it expired from its dates —
``revoked_at``/``revocation_reason`` only record when and why.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.issuers.models import Organisation


class StatusList(models.Model):
    """One Bitstring Status List of an organisation for one purpose (revocation, suspension).

    ``bits`` is the uncompressed bitstring; ``document`` the signed list credential served at
    its URL, re-signed after every change.
    """

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", "Revocation"
        SUSPENSION = "suspension", "Suspension"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="status_lists"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    size = models.PositiveIntegerField()
    bits = models.BinaryField()
    is_full = models.BooleanField(default=False)
    document = models.TextField(blank=True)
    published_version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.organisation} {self.purpose} list {self.pk}"


class Credential(models.Model):
    """An OpenBadgeCredential issued to one recipient."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credentials"
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="credentials"
    )
    version = models.ForeignKey(
        AchievementVersion, on_delete=models.PROTECT, related_name="credentials"
    )
    #: Where the claim link went (normalised); shown to the issuer's staff, never published.
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=150, blank=True)
    recipient_salt = models.CharField(max_length=64)
    recipient_hash = models.CharField(max_length=80)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    #: The credential exactly as signed (JSON text).  Never rewritten.
    document = models.TextField()
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Shown to verifiers (the public page's live check and the API).
    revocation_reason = models.CharField(max_length=500, blank=True)
    #: While set, the platform's live check fails with ``status.suspension`` and this reason.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    #: The credential this one corrects or renews (``supersede_kind`` says which).
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    supersede_kind = models.CharField(
        max_length=16,
        blank=True,
        choices=[("correction", "Correction"), ("renewal", "Renewal")],
    )
    #: When the learner was told the badge is about to expire (one reminder per credential).
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-issued_at",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_status_slot"
            ),
        ]
        indexes = [  # noqa: RUF012
            models.Index(fields=["recipient_email"]),
            models.Index(fields=["organisation", "-issued_at"]),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self) -> str:
        return f"urn:uuid:{self.pk}"

    @property
    def credential_id(self) -> str:
        """The ``id`` inside the signed document."""
        return f"urn:uuid:{self.pk}"


class ClaimToken(models.Model):
    """A one-time link emailed to the recipient; only its SHA-256 is stored."""

    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="claim_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: When the email carrying this link was handed to the mail server (None: not yet, or the
    #: server refused it — the retry sweep sends a fresh link for such awards).
    emailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"claim for {self.credential_id}"
