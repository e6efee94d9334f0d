"""Reads about LTI registrations and linked activities, and their access functions."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse

from insignia.web.achievements.models import Achievement
from insignia.web.achievements.selectors import published_achievements
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles
from insignia.web.lti.models import LtiAward, Platform, ResourceLink


def platform_for_launch(*, platform_id: uuid.UUID | str) -> Platform:
    """The registration behind a tool URL (login, launch, key set: public endpoints).

    :raises NotFound:
    """
    platform = (
        Platform.objects.select_related("organisation", "responsible")
        .filter(pk=platform_id)
        .first()
    )
    if platform is None:
        raise NotFound()
    return platform


def access_platform(
    *,
    user: Any,
    platform_id: uuid.UUID | str,
    organisation_id: uuid.UUID | str | None = None,
    role: Role = Role.ISSUER,
) -> Platform:
    """A registration for its organisation's staff holding ``role`` (owners hold every role).

    :raises NotFound: when it does not exist *or* the user may not manage it.
    """
    rows = Platform.objects.select_related("organisation").filter(pk=platform_id)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    platform = rows.first()
    if platform is None or not has_role(
        user_roles(user=user, organisation=platform.organisation), role
    ):
        raise NotFound()
    return platform


def organisation_platforms(*, organisation: Organisation) -> QuerySet[Platform]:
    return Platform.objects.filter(organisation=organisation).annotate(
        link_count=Count("links", distinct=True)
    )


def platform_links(*, platform: Platform) -> QuerySet[ResourceLink]:
    """The activities linked to badges through ``platform``, with how many awards each made."""
    return (
        ResourceLink.objects.filter(platform=platform)
        .select_related("achievement", "achievement__current_version")
        .annotate(award_count=Count("awards"))
    )


def resource_link_get(
    *, platform: Platform, deployment_id: str, resource_link_id: str
) -> ResourceLink | None:
    return (
        ResourceLink.objects.filter(
            platform=platform, deployment_id=deployment_id, resource_link_id=resource_link_id
        )
        .select_related("achievement", "achievement__current_version")
        .first()
    )


def lti_award_get(*, link: ResourceLink, user_sub: str) -> LtiAward | None:
    return (
        LtiAward.objects.filter(resource_link=link, user_sub=user_sub)
        .select_related("credential")
        .first()
    )


def linkable_achievements(*, organisation: Organisation) -> QuerySet[Achievement]:
    """Badges an instructor may link an activity to: the organisation's published ones."""
    return published_achievements(organisation=organisation)


def tool_urls(*, platform: Platform) -> dict[str, str]:
    """What an LMS administrator pastes into Moodle or Canvas."""
    base = settings.INSIGNIA_BASE_URL
    return {
        "login": base + reverse("lti:login", args=[platform.pk]),
        "launch": base + reverse("lti:launch", args=[platform.pk]),
        "jwks": base + reverse("lti:jwks", args=[platform.pk]),
    }
