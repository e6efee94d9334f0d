"""Writes: store uploaded images (after sanitising) and generated designs."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from insignia.web.images.designs import Design, render_logo_svg, render_png, render_svg
from insignia.web.images.models import Image
from insignia.web.images.sanitise import ImageRejected, sanitise_image


def image_create_from_file(*, file: UploadedFile[bytes]) -> Image:
    """Sanitise and store an uploaded file, refusing oversized ones before reading them.

    :raises ImageRejected: with a message for the person when the file is refused.
    """
    limit = settings.INSIGNIA_MAX_IMAGE_BYTES
    if file.size is not None and file.size > limit:
        raise ImageRejected(
            f"The image is {file.size / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB.",
            field="image",
        )
    return image_create_from_upload(data=file.read(limit + 1))


def image_create_from_upload(*, data: bytes) -> Image:
    """Sanitise an upload and store it.

    :raises ImageRejected: with a message for the person when the file is refused.
    """
    clean = sanitise_image(
        data,
        max_bytes=settings.INSIGNIA_MAX_IMAGE_BYTES,
        max_pixels=settings.INSIGNIA_MAX_IMAGE_PIXELS,
    )
    return Image.objects.create(
        content_type=clean.content_type,
        data=clean.data,
        sha256=hashlib.sha256(clean.data).hexdigest(),
        width=clean.width,
        height=clean.height,
        source=Image.Source.UPLOAD,
    )


def image_create_generated(*, design: Design, label: str | None = None) -> Image:
    """Render a badge design as SVG (with a PNG rendition) and store it."""
    svg = render_svg(design, label=label).encode("utf-8")
    params = asdict(design)
    return Image.objects.create(
        content_type="image/svg+xml",
        data=svg,
        png_rendition=render_png(design),
        sha256=hashlib.sha256(svg).hexdigest(),
        width=512,
        height=512,
        source=Image.Source.GENERATED,
        design=params,
    )


def image_create_logo(*, initials: str, colour: str) -> Image:
    """Store a monogram logo (used for demo organisations)."""
    svg = render_logo_svg(initials, colour).encode("utf-8")
    return Image.objects.create(
        content_type="image/svg+xml",
        data=svg,
        sha256=hashlib.sha256(svg).hexdigest(),
        width=256,
        height=256,
        source=Image.Source.GENERATED,
    )
