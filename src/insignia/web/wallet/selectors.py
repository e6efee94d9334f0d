"""Reads about wallets — the learner-side access function and the public lookup."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.web.accounts.models import User
from insignia.web.awards.selectors import LiveStatus, credential_live_status
from insignia.web.common.errors import NotFound
from insignia.web.wallet.models import ImportedCredential, WalletItem


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


def access_imported_credential(
    *, user: User | Any, imported_id: uuid.UUID | str
) -> ImportedCredential:
    """Return a badge the user imported.

    :raises NotFound: for unknown ids and other people's imports alike.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    imported = ImportedCredential.objects.filter(pk=imported_id, user=user).first()
    if imported is None:
        raise NotFound()
    return imported


def imported_credentials(*, user: User) -> list[ImportedCredential]:
    """The badges the user brought from elsewhere, newest import first."""
    return list(ImportedCredential.objects.filter(user=user).defer("original"))


_DATA_IMAGES = {
    "data:image/png;base64,": "image/png",
    "data:image/svg+xml;base64,": "image/svg+xml",
}


def imported_data_image(*, imported: ImportedCredential) -> tuple[bytes, str] | None:
    """The image an imported credential carries inline (a base64 data: URL), when it does."""
    for prefix, content_type in _DATA_IMAGES.items():
        if imported.image.startswith(prefix):
            try:
                return base64.b64decode(imported.image[len(prefix) :], validate=True), content_type
            except (ValueError, binascii.Error):
                return None
    return None
