"""HTTP helpers: content negotiation between HTML pages and their JSON-LD documents."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

JSON_LD_TYPES = [
    "application/ld+json",
    "application/vc+ld+json",
    "application/vc",
    "application/json",
]


def wants_json_ld(request: HttpRequest) -> bool:
    """True when the client prefers a JSON(-LD) document to the HTML page."""
    preferred = request.get_preferred_type(["text/html", *JSON_LD_TYPES])
    return preferred in JSON_LD_TYPES


def json_ld_response(
    request: HttpRequest, document: str | dict[str, Any], *, download: str | None = None
) -> HttpResponse:
    """Serve a document (stored text is sent byte for byte) as the type the client asked for."""
    body = (
        document
        if isinstance(document, str)
        else json.dumps(document, ensure_ascii=False, indent=2)
    )
    asked = request.get_preferred_type(JSON_LD_TYPES) or "application/ld+json"
    response = HttpResponse(body.encode("utf-8"), content_type=f"{asked}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    patch_vary_headers(response, ["Accept"])
    return response


def negotiated(response: HttpResponse) -> HttpResponse:
    """Mark an HTML response as one of several representations (``Vary: Accept``)."""
    patch_vary_headers(response, ["Accept"])
    return response
