"""Sharing: cached social preview cards, and learners' opt-in public profiles."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.awards.models import Credential


class PreviewCard(models.Model):
    """The 1200×630 PNG that link previews show for a public badge, rendered once.

    ``fingerprint`` digests everything drawn on the card; when any of it changes (the holder's
    name, the issuer's name…) the card is drawn again.
    """

    credential = models.OneToOneField(
        Credential, primary_key=True, on_delete=models.CASCADE, related_name="preview_card"
    )
    fingerprint = models.CharField(max_length=64)
    png = models.BinaryField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"preview card of {self.credential_id}"


class LearnerProfile(models.Model):
    """A learner's public page listing their public badges.  Off until they turn it on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    is_public = models.BooleanField(default=False)
    headline = models.CharField(max_length=120, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"profile of {self.user}"
