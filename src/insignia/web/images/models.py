"""Stored images: badge art and logos, kept in the database so every node serves the same bytes.

Images are immutable: a new upload or design is a new row with a new unguessable id, so a
URL that went into a signed credential always returns the picture that was signed.
"""

from __future__ import annotations

import uuid

from django.db import models


class Image(models.Model):
    """A safe PNG or SVG (see :mod:`insignia.web.images.sanitise`)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        GENERATED = "generated", "Generated design"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_type = models.CharField(max_length=32)
    data = models.BinaryField()
    #: A PNG rendering of a generated SVG design (for baked PNGs and social cards).
    png_rendition = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.UPLOAD)
    #: The parameters of a generated design, so that the designer can start from them again.
    design = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.content_type} {self.id}"

    @property
    def extension(self) -> str:
        """``svg`` or ``png``."""
        return "svg" if self.content_type == "image/svg+xml" else "png"

    @property
    def is_svg(self) -> bool:
        return self.content_type == "image/svg+xml"

    @property
    def has_png(self) -> bool:
        """True when a PNG version exists (the image itself or a rendition)."""
        return not self.is_svg or bool(self.png_rendition)

    def png_bytes(self) -> bytes | None:
        """The PNG form of this image, when there is one."""
        if not self.is_svg:
            return bytes(self.data)
        return bytes(self.png_rendition) if self.png_rendition else None
