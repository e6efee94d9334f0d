"""Audit events written while serving a token request say which token: ``token=<prefix>``.

The services record audit events themselves (as the token's creator, the actor they are
given); this module adds the token's prefix to each event created meanwhile, through a
``pre_save`` receiver on :class:`AuditEvent` (connected in :class:`ApiConfig.ready`) and a
context variable set around the service call.  Services that write events with
``bulk_create`` (revocations) bypass signals; :func:`tag_events` covers those.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from insignia.web.issuers.models import AuditEvent

_token_prefix: ContextVar[str | None] = ContextVar("insignia_api_token_prefix", default=None)


@contextmanager
def acting_with(prefix: str) -> Iterator[None]:
    """Tag audit events created inside the block with ``token=<prefix>``."""
    reset = _token_prefix.set(prefix)
    try:
        yield
    finally:
        _token_prefix.reset(reset)


def tag_new_event(sender: type[AuditEvent], instance: AuditEvent, **kwargs: Any) -> None:
    """``pre_save`` receiver: add the current token's prefix to a new event's detail."""
    prefix = _token_prefix.get()
    if prefix and instance._state.adding and "token" not in (instance.detail or {}):
        instance.detail = {**(instance.detail or {}), "token": prefix}


def tag_events(*, action: str, object_ids: Sequence[str], since: datetime) -> None:
    """Tag events written by ``bulk_create`` inside :func:`acting_with` (no signal fires):
    those of ``action`` on ``object_ids`` created at or after ``since``."""
    prefix = _token_prefix.get()
    if not prefix or not object_ids:
        return
    rows = AuditEvent.objects.filter(
        action=action, object_id__in=list(object_ids), created_at__gte=since
    )
    for event in rows:
        if "token" not in event.detail:
            event.detail = {**event.detail, "token": prefix}
            event.save(update_fields=["detail"])
