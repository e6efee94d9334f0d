"""Writes in the learner's wallet."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.accounts.selectors import user_verified_emails
from insignia.web.awards.models import Credential
from insignia.web.common import events
from insignia.web.common.errors import ApplicationError
from insignia.web.wallet import engine
from insignia.web.wallet.models import ImportedCredential, WalletItem
from insignia.web.wallet.selectors import access_imported_credential, access_wallet_item


def wallet_add(*, user: User, credential: Credential, now: datetime | None = None) -> WalletItem:
    """Put a claimed credential in ``user``'s wallet (private; idempotent)."""
    item, created = WalletItem.objects.get_or_create(
        credential=credential, defaults={"user": user, "added_at": now or timezone.now()}
    )
    if created:
        events.wallet_item_added.send(sender=None, user=user, credential=credential, imported=None)
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


def _imported_fields(read: engine.ReadBadge, emails: list[str], now: datetime) -> dict[str, Any]:
    d = read.description
    return {
        "media": read.media,
        "original": read.original,
        "format": read.report.format[:32],
        "credential_id": d.credential_id[:500],
        "credential": read.report.credential,
        "name": d.name[:300],
        "description": d.description,
        "issuer_name": d.issuer_name[:300],
        "issuer_url": d.issuer_url[:2000],
        "issued": d.issued[:64],
        "expires": d.expires[:64],
        "image": d.image if d.image.startswith("data:image/") or len(d.image) <= 2000 else "",
        "issued_to_user": read.issued_to(emails),
        "valid": read.report.valid,
        "report": read.report.to_dict(),
        "verified_at": now,
    }


def imported_credential_create(
    *,
    user: User,
    data: bytes | None = None,
    url: str = "",
    filename: str = "",
    now: datetime | None = None,
    fetcher: engine.Fetcher | None = None,
) -> ImportedCredential:
    """Verify a badge earned elsewhere and keep it in the wallet.

    Give the bytes of a file or of pasted text (JSON, a JWT, a baked PNG/SVG, or a web
    address), or ``url``.  Badges that fail verification for any reason but expiry are refused.

    :raises ApplicationError: with a message for the person (field ``badge``).
    """
    now = now or timezone.now()
    try:
        read = engine.read_badge(
            data=data, url=url.strip(), now=now, fetcher=fetcher or engine.import_fetcher()
        )
    except engine.UnreadableBadge as exc:
        raise ApplicationError(exc.message, field="badge") from exc
    if read.blocking_failures:
        reasons = " ".join(c.message for c in read.blocking_failures)
        raise ApplicationError(
            f"This badge did not verify, so it was not added. {reasons}", field="badge"
        )
    credential_id = read.description.credential_id
    if (
        credential_id.startswith("urn:uuid:")
        and WalletItem.objects.filter(
            user=user, credential_id=credential_id.removeprefix("urn:uuid:")
        ).exists()
    ):
        raise ApplicationError("This badge is already in your wallet.", field="badge")
    if (
        credential_id
        and ImportedCredential.objects.filter(user=user, credential_id=credential_id[:500]).exists()
    ):
        raise ApplicationError("You have already imported this badge.", field="badge")
    if url:
        source = ImportedCredential.Source.URL
    elif filename:
        source = ImportedCredential.Source.FILE
    else:
        source = ImportedCredential.Source.PASTE
    with transaction.atomic():
        imported = ImportedCredential.objects.create(
            user=user,
            source=source,
            source_url=url.strip()[:2000],
            filename=filename[:200],
            imported_at=now,
            **_imported_fields(read, user_verified_emails(user=user), now),
        )
        events.wallet_item_added.send(sender=None, user=user, credential=None, imported=imported)
    return imported


@transaction.atomic
def imported_credential_verify(
    *,
    user: User,
    imported_id: uuid.UUID,
    now: datetime | None = None,
    fetcher: engine.Fetcher | None = None,
) -> ImportedCredential:
    """Verify an imported badge again, from the bytes kept at import (its issuer may have
    revoked it since); the new report replaces the old one."""
    imported = access_imported_credential(user=user, imported_id=imported_id)
    now = now or timezone.now()
    try:
        read = engine.read_badge(
            data=bytes(imported.original), now=now, fetcher=fetcher or engine.import_fetcher()
        )
    except engine.UnreadableBadge as exc:
        raise ApplicationError(exc.message) from exc
    imported.valid = read.report.valid
    imported.report = read.report.to_dict()
    imported.verified_at = now
    imported.save(update_fields=["valid", "report", "verified_at"])
    return imported


def imported_credential_delete(*, user: User, imported_id: uuid.UUID) -> None:
    """Remove an imported badge from the wallet (the badge itself lives on with its issuer)."""
    with transaction.atomic():
        imported = access_imported_credential(user=user, imported_id=imported_id)
        events.wallet_item_removed.send(sender=None, user=user, credential=None, imported=imported)
        imported.delete()
