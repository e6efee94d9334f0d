"""Reads for the public pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from insignia.web.achievements.models import Achievement
from insignia.web.wallet.models import WalletItem


def home_showcase(limit: int = 6) -> QuerySet[Achievement]:
    """Recently published badges, to show what issuers on the platform offer."""
    return (
        Achievement.objects.filter(state=Achievement.State.PUBLISHED)
        .select_related("organisation", "current_version", "current_version__image")
        .order_by("-updated_at")[:limit]
    )


def public_page_fingerprint(*, credential_id: uuid.UUID | str) -> tuple[Any, ...] | None:
    """What a public badge page shows that can change, read in one small query: ``None`` when
    the badge is not public (or unknown), so a badge made private or a deleted account answers
    404 at once.  Used to key the cached page for anonymous visitors."""
    row = (
        WalletItem.objects.filter(
            credential_id=credential_id, visibility=WalletItem.Visibility.PUBLIC
        )
        .values_list(
            "credential__organisation_id",
            "credential__achievement_id",
            "credential__recipient_user_id",
            "visibility_changed_at",
            "credential__suspended_at",
            "credential__revoked_at",
            "credential__valid_until",
            "credential__status_list__published_version",
            "credential__organisation__updated_at",
            "credential__achievement__updated_at",
        )
        .first()
    )
    return tuple(row) if row is not None else None
