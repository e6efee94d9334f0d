"""Writes for sharing: preview cards, learner profiles, and issuers' marketing settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.achievements.selectors import access_achievement
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import audit_record
from insignia.web.sharing.cards import render_card
from insignia.web.sharing.models import LearnerProfile, PreviewCard
from insignia.web.sharing.selectors import card_content
from insignia.web.wallet.models import WalletItem


def preview_card_ensure(*, item: WalletItem, now: datetime | None = None) -> PreviewCard:
    """The credential's preview card, drawn now when missing or out of date."""
    content = card_content(item)
    fingerprint = content.fingerprint()
    card = PreviewCard.objects.filter(credential=item.credential).first()
    if card is not None and card.fingerprint == fingerprint:
        return card
    png = render_card(content)
    card, _ = PreviewCard.objects.update_or_create(
        credential=item.credential,
        defaults={"fingerprint": fingerprint, "png": png, "created_at": now or timezone.now()},
    )
    return card


def learner_profile_update(
    *, user: User, is_public: bool, headline: str = "", now: datetime | None = None
) -> LearnerProfile:
    """Turn the learner's public profile on or off (it lists only badges they made public)."""
    profile, _ = LearnerProfile.objects.update_or_create(
        user=user,
        defaults={
            "is_public": is_public,
            "headline": headline.strip(),
            "updated_at": now or timezone.now(),
        },
    )
    return profile


@transaction.atomic
def achievement_marketing_update(
    *, actor: User, achievement_id: uuid.UUID, learn_more_url: str
) -> Achievement:
    """Set (or clear) the badge's "Learn more / enrol" link (designers).  It is not signed into
    credentials, so it may change at any time, also for badges already awarded."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    achievement.learn_more_url = learn_more_url.strip()
    achievement.save(update_fields=["learn_more_url", "updated_at"])
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.marketing_changed",
        obj=achievement,
        learn_more_url=achievement.learn_more_url,
    )
    return achievement
