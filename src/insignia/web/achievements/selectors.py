"""Reads about achievements — and the access function for them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement, AchievementVersion, Alignment
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles


def access_achievement(
    *, user: User | Any, achievement_id: uuid.UUID | str, role: Role | None = None
) -> Achievement:
    """Return the achievement when ``user`` holds ``role`` (None: any role) in its organisation.

    :raises NotFound: when it does not exist or the user may not act on it (one answer).
    """
    achievement = (
        Achievement.objects.filter(pk=achievement_id)
        .select_related("organisation", "current_version", "current_version__image")
        .first()
    )
    if achievement is None or not has_role(
        user_roles(user=user, organisation=achievement.organisation), role
    ):
        raise NotFound()
    return achievement


def achievement_latest_version(*, achievement: Achievement) -> AchievementVersion | None:
    """The newest version (a draft being edited, or the current published one)."""
    return (
        AchievementVersion.objects.filter(achievement=achievement)
        .select_related("image")
        .prefetch_related("alignments")
        .order_by("-number")
        .first()
    )


def achievement_draft(*, achievement: Achievement) -> AchievementVersion | None:
    """The unpublished version, if the designer has changes waiting."""
    latest = achievement_latest_version(achievement=achievement)
    return latest if latest is not None and not latest.is_published else None


def achievement_versions(*, achievement: Achievement) -> QuerySet[AchievementVersion]:
    """Every version, newest first."""
    return AchievementVersion.objects.filter(achievement=achievement).order_by("-number")


def organisation_achievements(*, organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's badges for staff: each with its newest version and award count."""
    achievements = (
        Achievement.objects.filter(organisation=organisation)
        .annotate(awarded=Count("credentials", distinct=True))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AchievementVersion.objects.select_related("image").order_by("-number"),
            )
        )
        .order_by("state", "-created_at")
    )
    rows = []
    for achievement in achievements:
        versions = list(achievement.versions.all())
        rows.append(
            {
                "achievement": achievement,
                "latest": versions[0] if versions else None,
                "has_draft": bool(versions) and not versions[0].is_published,
                "awarded": achievement.awarded,
            }
        )
    return rows


def published_achievements(*, organisation: Organisation) -> QuerySet[Achievement]:
    """Badges the organisation awards now, for its public page."""
    return (
        Achievement.objects.filter(organisation=organisation, state=Achievement.State.PUBLISHED)
        .select_related("current_version", "current_version__image")
        .order_by("current_version__name")
    )


def achievement_public_get(*, achievement_id: uuid.UUID | str) -> Achievement:
    """A badge with at least one published version (archived ones too: credentials cite them).

    :raises NotFound: for unknown ids and never-published drafts alike.
    """
    achievement = (
        Achievement.objects.filter(pk=achievement_id, current_version__isnull=False)
        .select_related(
            "organisation", "organisation__logo", "current_version", "current_version__image"
        )
        .first()
    )
    if achievement is None:
        raise NotFound()
    return achievement


def version_public_get(*, achievement_id: uuid.UUID | str, number: int) -> AchievementVersion:
    """One published version of a badge.

    :raises NotFound: for unknown or unpublished versions.
    """
    version = (
        AchievementVersion.objects.filter(
            achievement_id=achievement_id, number=number, published_at__isnull=False
        )
        .select_related("achievement", "achievement__organisation", "image")
        .prefetch_related("alignments")
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def version_alignments(*, version: AchievementVersion) -> list[Alignment]:
    return list(version.alignments.all())


def version_url(version: AchievementVersion) -> str:
    """The achievement id in credentials: a page that always shows this exact version."""
    return settings.INSIGNIA_BASE_URL + reverse(
        "public:achievement_version", args=[version.achievement_id, version.number]
    )
