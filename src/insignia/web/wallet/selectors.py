"""Reads about wallets — the learner-side access function and the public lookup."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.web.accounts.models import User
from insignia.web.awards.selectors import LiveStatus, credential_live_status
from insignia.web.common.errors import NotFound
from insignia.web.wallet.models import WalletItem


def access_wallet_item(*, user: User | Any, credential_id: uuid.UUID | str) -> WalletItem:
    """Return the wallet entry for ``credential_id`` when it is in ``user``'s wallet.

    :raises NotFound: for unknown credentials and other people's alike.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    item = (
        WalletItem.objects.filter(credential_id=credential_id, user=user)
        .select_related(
            "credential",
            "credential__organisation",
            "credential__organisation__logo",
            "credential__version",
            "credential__version__image",
            "credential__status_list",
        )
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def public_wallet_item(*, credential_id: uuid.UUID | str) -> WalletItem:
    """A credential its holder made public, for its public page.

    :raises NotFound: for unknown and private credentials alike.
    """
    item = (
        WalletItem.objects.filter(
            credential_id=credential_id, visibility=WalletItem.Visibility.PUBLIC
        )
        .select_related(
            "user",
            "credential",
            "credential__organisation",
            "credential__organisation__logo",
            "credential__version",
            "credential__version__image",
            "credential__status_list",
        )
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@dataclass(frozen=True, slots=True)
class WalletEntry:
    item: WalletItem
    status: LiveStatus


def wallet_entries(*, user: User, now: datetime | None = None) -> list[WalletEntry]:
    """Every badge in the wallet with its live status, newest first."""
    items = (
        WalletItem.objects.filter(user=user)
        .select_related(
            "credential",
            "credential__organisation",
            "credential__version",
            "credential__version__image",
            "credential__status_list",
        )
        .order_by("-credential__issued_at")
    )
    return [
        WalletEntry(item, credential_live_status(credential=item.credential, now=now))
        for item in items
    ]
