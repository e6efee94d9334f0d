"""Domain events that can change what a learner holds, each answered by re-evaluating that
learner's pathways once the change commits (``transaction.on_commit``: the evaluation must
read committed wallets, and a rolled-back change must not award anything)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from insignia.web.common import events


def _evaluate_after_commit(user_ids: Iterable[int | None]) -> None:
    for user_id in {u for u in user_ids if u is not None}:

        def run(user_id: int = user_id) -> None:
            from insignia.web.accounts.models import User
            from insignia.web.pathways.services import learner_evaluate

            user = User.objects.filter(pk=user_id).first()
            if user is not None:
                learner_evaluate(user=user)

        transaction.on_commit(run, robust=True)


def on_wallet_change(sender: Any, *, user: Any, **kwargs: Any) -> None:
    _evaluate_after_commit([user.pk])


def on_credential_change(sender: Any, *, credential: Any, **kwargs: Any) -> None:
    _evaluate_after_commit([credential.recipient_user_id])


def on_credentials_revoked(sender: Any, *, credentials: Any, **kwargs: Any) -> None:
    _evaluate_after_commit(c.recipient_user_id for c in credentials)


def connect() -> None:
    uid = "pathways"
    events.wallet_item_added.connect(on_wallet_change, dispatch_uid=f"{uid}-added")
    events.wallet_item_removed.connect(on_wallet_change, dispatch_uid=f"{uid}-removed")
    events.credential_claimed.connect(on_credential_change, dispatch_uid=f"{uid}-claimed")
    events.credential_suspended.connect(on_credential_change, dispatch_uid=f"{uid}-suspended")
    events.credential_reinstated.connect(on_credential_change, dispatch_uid=f"{uid}-reinstated")
    events.credentials_revoked.connect(on_credentials_revoked, dispatch_uid=f"{uid}-revoked")
