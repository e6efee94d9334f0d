"""Serve stored images with long-lived caching and a locked-down policy for SVG."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from insignia.web.common.errors import NotFound
from insignia.web.images.selectors import image_get


@require_safe
def image_view(request: HttpRequest, image_id: uuid.UUID, extension: str) -> HttpResponse:
    """Return the image bytes (``.svg`` or ``.png``; PNG renditions of designs too)."""
    image = image_get(image_id=image_id)
    if extension == image.extension:
        data, content_type = bytes(image.data), image.content_type
    elif extension == "png" and image.png_rendition:
        data, content_type = bytes(image.png_rendition), "image/png"
    else:
        raise NotFound()
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["ETag"] = f'"{image.sha256}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Access-Control-Allow-Origin"] = "*"
    return response
