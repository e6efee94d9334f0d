"""Reads: images by id, and their public URLs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.urls import reverse

from insignia.web.common.errors import NotFound
from insignia.web.images.models import Image


def image_get(*, image_id: uuid.UUID) -> Image:
    """Return an image (images are public: they are signed into public credentials).

    :raises NotFound: when there is none.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise NotFound()
    return image


def image_path(image: Image, *, extension: str | None = None) -> str:
    """The site-relative URL of the image (or of its PNG rendition)."""
    return reverse("images:image", args=[image.pk, extension or image.extension])


def image_url(image: Image, *, extension: str | None = None) -> str:
    """The absolute URL of the image, as it goes into credentials and profiles."""
    return settings.INSIGNIA_BASE_URL + image_path(image, extension=extension)
