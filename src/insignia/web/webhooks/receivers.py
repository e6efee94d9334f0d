"""Domain events → deliveries, inside the transaction of the change (see ``common/events``).

Each receiver only writes rows (no network): if the change rolls back, its deliveries go too.
"""

from __future__ import annotations

from typing import Any

from insignia.web.awards.models import Credential
from insignia.web.common import events
from insignia.web.earning.models import Application
from insignia.web.webhooks.models import EventType
from insignia.web.webhooks.services import application_event_record, credential_events_record


def _issued(*, credentials: list[Credential], **_: Any) -> None:
    credential_events_record(EventType.CREDENTIAL_ISSUED, credentials)


def _claimed(*, credential: Credential, **_: Any) -> None:
    credential_events_record(EventType.CREDENTIAL_CLAIMED, [credential])


def _revoked(*, credentials: list[Credential], **_: Any) -> None:
    credential_events_record(EventType.CREDENTIAL_REVOKED, credentials)


def _suspended(*, credential: Credential, **_: Any) -> None:
    credential_events_record(EventType.CREDENTIAL_SUSPENDED, [credential])


def _reinstated(*, credential: Credential, **_: Any) -> None:
    credential_events_record(EventType.CREDENTIAL_REINSTATED, [credential])


def _submitted(*, application: Application, **_: Any) -> None:
    application_event_record(application)


def connect() -> None:
    """Subscribe to the domain events (from ``WebhooksConfig.ready``)."""
    pairs = (
        (events.credentials_issued, _issued),
        (events.credential_claimed, _claimed),
        (events.credentials_revoked, _revoked),
        (events.credential_suspended, _suspended),
        (events.credential_reinstated, _reinstated),
        (events.application_submitted, _submitted),
    )
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"webhooks.{receiver.__name__}")
