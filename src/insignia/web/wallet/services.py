"""Writes in the learner's wallet."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.awards.models import Credential
from insignia.web.wallet.models import WalletItem
from insignia.web.wallet.selectors import access_wallet_item


def wallet_add(*, user: User, credential: Credential, now: datetime | None = None) -> WalletItem:
    """Put a claimed credential in ``user``'s wallet (private; idempotent)."""
    item, _ = WalletItem.objects.get_or_create(
        credential=credential, defaults={"user": user, "added_at": now or timezone.now()}
    )
    return item


@transaction.atomic
def wallet_set_visibility(
    *, user: User, credential_id: uuid.UUID, public: bool, now: datetime | None = None
) -> WalletItem:
    """Make a badge public (anyone with the link sees it verified) or private again."""
    item = access_wallet_item(user=user, credential_id=credential_id)
    item.visibility = WalletItem.Visibility.PUBLIC if public else WalletItem.Visibility.PRIVATE
    item.visibility_changed_at = now or timezone.now()
    item.save(update_fields=["visibility", "visibility_changed_at"])
    return item
