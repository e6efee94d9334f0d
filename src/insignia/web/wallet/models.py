"""A learner's view of a credential: whether it is public (and, later, discoverable)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.awards.models import Credential


class WalletItem(models.Model):
    """A credential in someone's wallet.  Private until the learner makes it public."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        PUBLIC = "public", "Public"

    class Source(models.TextChoices):
        ISSUED = "issued", "Issued on this platform"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_items"
    )
    credential = models.OneToOneField(
        Credential, on_delete=models.CASCADE, related_name="wallet_item"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ISSUED)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    discoverable = models.BooleanField(default=False)
    added_at = models.DateTimeField()
    visibility_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-added_at",)

    def __str__(self) -> str:
        return f"{self.user} · {self.credential_id}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class ImportedCredential(models.Model):
    """A badge earned elsewhere that the learner brought into their wallet.

    ``original`` keeps the bytes exactly as handed over (a baked image stays an image) and
    ``report`` the engine's verification report at import time (re-run on request).  What the
    wallet shows (``name``, ``issuer_name``…) is read from the badge and only as trustworthy as
    that report says.
    """

    class Source(models.TextChoices):
        FILE = "file", "File"
        PASTE = "paste", "Pasted text"
        URL = "url", "Web address"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_credentials"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    source_url = models.URLField(max_length=2000, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    #: json · jwt · png · svg
    media = models.CharField(max_length=8)
    original = models.BinaryField()
    #: The engine's name for what it read, e.g. ``ob3-json``, ``ob3-png-json``, ``ob2-hosted``.
    format = models.CharField(max_length=32)
    credential_id = models.CharField(max_length=500, blank=True)
    credential = models.JSONField()
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    issuer_url = models.CharField(max_length=2000, blank=True)
    issued = models.CharField(max_length=64, blank=True)
    expires = models.CharField(max_length=64, blank=True)
    image = models.TextField(blank=True)
    #: Whether the badge names one of the learner's verified email addresses as its recipient.
    issued_to_user = models.BooleanField(default=False)
    valid = models.BooleanField()
    report = models.JSONField()
    verified_at = models.DateTimeField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ("-imported_at",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["user", "credential_id"],
                condition=~models.Q(credential_id=""),
                name="imported_credential_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name or self.credential_id}"

    @property
    def is_ob2(self) -> bool:
        return self.format.startswith("ob2")

    @property
    def has_image(self) -> bool:
        """True when the badge brought its picture along (baked, or as a data: URL)."""
        return self.media in {"png", "svg"} or self.image.startswith(
            ("data:image/png;base64,", "data:image/svg+xml;base64,")
        )
