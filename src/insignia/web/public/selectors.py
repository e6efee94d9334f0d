"""Reads for the public pages."""

from __future__ import annotations

from django.db.models import QuerySet

from insignia.web.achievements.models import Achievement


def home_showcase(limit: int = 6) -> QuerySet[Achievement]:
    """Recently published badges, to show what issuers on the platform offer."""
    return (
        Achievement.objects.filter(state=Achievement.State.PUBLISHED)
        .select_related("organisation", "current_version", "current_version__image")
        .order_by("-updated_at")[:limit]
    )
