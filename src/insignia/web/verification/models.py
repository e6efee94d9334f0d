"""What someone handed the public verifier, kept briefly so that the result page can be
re-verified (for example against an email address) without uploading the badge again."""

from __future__ import annotations

import uuid

from django.db import models


class Submission(models.Model):
    """One badge given to the public verifier: its bytes, or the address it was fetched from.

    Kept for :data:`~insignia.web.verification.services.KEEP_FOR` only; the id is random and
    never listed anywhere, so a result page is reachable only by whoever made it.
    """

    class Source(models.TextChoices):
        FILE = "file", "File"
        TEXT = "text", "Pasted text"
        URL = "url", "Web address"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    filename = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.source} {self.pk}"

    @property
    def url(self) -> str:
        """The web address the badge was fetched from (empty for files and pasted text)."""
        return bytes(self.data).decode("utf-8", "replace") if self.source == self.Source.URL else ""
