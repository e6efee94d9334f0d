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
