"""Template context available on every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """The public base URL (for canonical links and Open Graph tags)."""
    return {"INSIGNIA_BASE_URL": settings.INSIGNIA_BASE_URL}
