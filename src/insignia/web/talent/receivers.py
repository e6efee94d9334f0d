"""The talent app's answers to domain events: the search index and its summary follow what
happens to badges, in the same transaction as the change (see ``common/events.py``)."""

from __future__ import annotations

from typing import Any

from insignia.web.common import events
from insignia.web.talent import services


def on_revoked(*, credentials: list[Any], **_: Any) -> None:
    services.credentials_unlist(credential_ids=[c.pk for c in credentials])


def on_suspended(*, credential: Any, **_: Any) -> None:
    services.credential_hide(credential_id=credential.pk)


def on_reinstated(*, credential: Any, **_: Any) -> None:
    services.credential_show(credential_id=credential.pk)


def on_wallet_changed(*, user: Any, **_: Any) -> None:
    services.wallet_summary_refresh(user=user)


def connect() -> None:
    events.credentials_revoked.connect(on_revoked, dispatch_uid="talent.revoked")
    events.credential_suspended.connect(on_suspended, dispatch_uid="talent.suspended")
    events.credential_reinstated.connect(on_reinstated, dispatch_uid="talent.reinstated")
    events.wallet_item_added.connect(on_wallet_changed, dispatch_uid="talent.wallet_added")
    events.wallet_item_removed.connect(on_wallet_changed, dispatch_uid="talent.wallet_removed")
