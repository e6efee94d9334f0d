"""Writes of the webhooks app: subscriptions, the outbox of deliveries, sending and retrying.

*Recording* happens inside the transaction of the change (the receivers in
:mod:`.receivers` call :func:`deliveries_record`): one ``Delivery`` per subscription and event,
inserted with ``bulk_create``; the task that sends them is queued once the change commits.

*Sending* (:func:`deliveries_send` for a task's batch, :func:`deliveries_send_due` for the
``deliver_webhooks`` command) claims one due row at a time in a short transaction
(``select_for_update(skip_locked=True)`` and a conditional update of ``claim``), moving its
``next_attempt_at`` to the retry time *before* the request is made, then posts outside any
transaction and records the answer only if the claim is still current.  So two workers never
send one row at once, and a worker that dies mid-request leaves a row that comes due again:
nothing is lost, and a duplicate can only follow a lost answer (same ``Webhook-Id``).

Outcomes: 2xx delivered; no answer, 429 and 5xx retried with exponential backoff and jitter
until ``INSIGNIA_WEBHOOKS_MAX_ATTEMPTS``; any other status (3xx — redirects are not followed —
and 4xx) and refused targets (private addresses) fail at once; 410 Gone also switches the
subscription off.
"""

from __future__ import annotations

import logging
import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import AchievementVersion
from insignia.web.awards.models import Credential
from insignia.web.common.errors import ApplicationError
from insignia.web.earning.models import Application
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation
from insignia.web.issuers.services import audit_record
from insignia.web.webhooks import payloads, sender, signing
from insignia.web.webhooks.models import (
    TEST_EVENT,
    Delivery,
    EventType,
    ExpiryNotice,
    Subscription,
)
from insignia.web.webhooks.selectors import access_delivery, access_subscription

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Random = Callable[[], float]

MAX_SUBSCRIPTIONS = 20
HISTORY_KEPT = 20
#: How long a rotated-out secret keeps signing beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)
_random = random.SystemRandom()


# --- subscriptions ---------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        sender.check_url(url, allow_loopback=settings.INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK)
    except sender.Refused as exc:
        raise ApplicationError(str(exc), field="url") from None
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = set(events)
    unknown = chosen - set(EventType.values)
    if unknown:
        raise ApplicationError(f"Unknown events: {', '.join(sorted(unknown))}.", field="events")
    if not chosen:
        raise ApplicationError("Choose at least one event.", field="events")
    return [e for e in EventType.values if e in chosen]


@transaction.atomic
def subscription_create(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    url: str,
    events: Iterable[str],
    description: str = "",
    now: datetime | None = None,
) -> Subscription:
    """Add an endpoint (owners).  Its secret is in ``subscription.secret``: show it once.

    :raises ApplicationError: for a URL that may not receive webhooks (not https, a private
        address), no or unknown events, or too many subscriptions.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    now = now or timezone.now()
    if Subscription.objects.filter(organisation=organisation).count() >= MAX_SUBSCRIPTIONS:
        raise ApplicationError(f"An organisation can have at most {MAX_SUBSCRIPTIONS} endpoints.")
    subscription = Subscription.objects.create(
        organisation=organisation,
        url=_clean_url(url),
        events=_clean_events(events),
        description=description.strip()[:200],
        secret=signing.secret_generate(),
        created_by=actor,
        created_at=now,
        secret_rotated_at=now,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="webhook.created",
        obj=subscription,
        now=now,
        url=subscription.url,
    )
    return subscription


@transaction.atomic
def subscription_update(
    *,
    actor: User,
    subscription_id: uuid.UUID,
    url: str,
    events: Iterable[str],
    description: str,
    is_active: bool,
    now: datetime | None = None,
) -> Subscription:
    """Change an endpoint (owners).  Switching it on again clears the reason it went off."""
    subscription = access_subscription(user=actor, subscription_id=subscription_id, lock=True)
    subscription.url = _clean_url(url)
    subscription.events = _clean_events(events)
    subscription.description = description.strip()[:200]
    if is_active and not subscription.is_active:
        subscription.disabled_reason = ""
    subscription.is_active = is_active
    subscription.save()
    audit_record(
        organisation=subscription.organisation,
        actor=actor,
        action="webhook.updated",
        obj=subscription,
        now=now,
        url=subscription.url,
        active=is_active,
    )
    return subscription


@transaction.atomic
def subscription_rotate_secret(
    *, actor: User, subscription_id: uuid.UUID, now: datetime | None = None
) -> Subscription:
    """Make a new secret (owners); the old one keeps signing beside it for 24 hours."""
    subscription = access_subscription(user=actor, subscription_id=subscription_id, lock=True)
    now = now or timezone.now()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = now + ROTATION_OVERLAP
    subscription.secret = signing.secret_generate()
    subscription.secret_rotated_at = now
    subscription.save()
    audit_record(
        organisation=subscription.organisation,
        actor=actor,
        action="webhook.secret_rotated",
        obj=subscription,
        now=now,
    )
    return subscription


@transaction.atomic
def subscription_delete(
    *, actor: User, subscription_id: uuid.UUID, now: datetime | None = None
) -> None:
    """Remove an endpoint and its delivery log (owners)."""
    subscription = access_subscription(user=actor, subscription_id=subscription_id, lock=True)
    audit_record(
        organisation=subscription.organisation,
        actor=actor,
        action="webhook.deleted",
        obj=subscription,
        now=now,
        url=subscription.url,
    )
    subscription.delete()


# --- recording (inside the transaction of the change) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, for one organisation."""

    organisation_id: uuid.UUID
    type: str
    data: dict[str, Any]


def _enqueue_after_commit(ids: list[str]) -> None:
    from insignia.web.webhooks.tasks import webhook_deliveries_task

    if ids:
        transaction.on_commit(lambda: webhook_deliveries_task.enqueue(ids))


def _listeners(
    organisation_ids: set[uuid.UUID], event_type: str
) -> dict[uuid.UUID, list[Subscription]]:
    """The active subscriptions that chose ``event_type``, by organisation (one query)."""
    found: dict[uuid.UUID, list[Subscription]] = defaultdict(list)
    for subscription in Subscription.objects.filter(
        organisation_id__in=organisation_ids, is_active=True
    ):
        if event_type in subscription.events:
            found[subscription.organisation_id].append(subscription)
    return found


def deliveries_record(
    events: Sequence[Event],
    *,
    targets: dict[uuid.UUID, list[Subscription]],
    now: datetime | None = None,
) -> list[Delivery]:
    """Write one delivery per event and subscription of its organisation in ``targets``, and
    queue their sending after commit (one task for the lot).  No network."""
    now = now or timezone.now()
    rows: list[Delivery] = []
    for event in events:
        subscriptions = targets.get(event.organisation_id, ())
        if not subscriptions:
            continue
        event_id = uuid.uuid4()
        body = payloads.envelope(
            event_id=event_id,
            event_type=event.type,
            created_at=now,
            organisation_id=event.organisation_id,
            data=event.data,
        )
        rows.extend(
            Delivery(
                subscription=s,
                event_id=event_id,
                event_type=event.type,
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
            for s in subscriptions
        )
    if rows:
        Delivery.objects.bulk_create(rows)
        _enqueue_after_commit([str(d.pk) for d in rows])
    return rows


def credential_events_record(
    event_type: EventType, credentials: Sequence[Credential], *, now: datetime | None = None
) -> list[Delivery]:
    """Record ``event_type`` for each credential (one event each; bulk issuance passes
    hundreds: one query for subscribers, one for versions, one bulk insert)."""
    if not credentials:
        return []
    targets = _listeners({c.organisation_id for c in credentials}, event_type)
    if not targets:
        return []
    versions = AchievementVersion.objects.in_bulk({c.version_id for c in credentials})
    return deliveries_record(
        [
            Event(
                c.organisation_id,
                event_type,
                {"credential": payloads.credential_data(c, versions[c.version_id])},
            )
            for c in credentials
        ],
        targets=targets,
        now=now,
    )


def application_event_record(application: Application) -> list[Delivery]:
    """Record ``application.submitted``."""
    organisation_id = application.achievement.organisation_id
    targets = _listeners({organisation_id}, EventType.APPLICATION_SUBMITTED)
    if not targets:
        return []
    return deliveries_record(
        [
            Event(
                organisation_id,
                EventType.APPLICATION_SUBMITTED,
                {"application": payloads.application_data(application)},
            )
        ],
        targets=targets,
    )


@transaction.atomic
def subscription_send_test(
    *, actor: User, subscription_id: uuid.UUID, now: datetime | None = None
) -> Delivery:
    """Queue a ``webhook.test`` event to one endpoint (owners), even if it is switched off."""
    subscription = access_subscription(user=actor, subscription_id=subscription_id)
    data = {
        "message": "A test event from Insignia: your endpoint is reachable and can check "
        "signatures.",
        "subscription_id": str(subscription.pk),
        "sent_by": actor.display_name,
    }
    [delivery] = deliveries_record(
        [Event(subscription.organisation_id, TEST_EVENT, data)],
        targets={subscription.organisation_id: [subscription]},
        now=now,
    )
    return delivery


@transaction.atomic
def delivery_redeliver(
    *, actor: User, delivery_id: uuid.UUID, now: datetime | None = None
) -> Delivery:
    """Send a delivery again from the start (owners): the same body and ``Webhook-Id``, a
    fresh count of attempts.  An attempt still in flight no longer counts."""
    delivery = access_delivery(user=actor, delivery_id=delivery_id, lock=True)
    now = now or timezone.now()
    delivery.state = Delivery.State.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claim = secrets.token_hex(8)
    delivery.history = [*delivery.history, {"redelivered": payloads.iso(now)}][-HISTORY_KEPT:]
    delivery.save()
    _enqueue_after_commit([str(delivery.pk)])
    return delivery


def deliveries_purge(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete delivered and failed deliveries created more than ``days`` ago (default
    ``INSIGNIA_WEBHOOKS_LOG_DAYS``); pending ones are kept whatever their age.  Returns how
    many were deleted."""
    days = settings.INSIGNIA_WEBHOOKS_LOG_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = Delivery.objects.filter(
        state__in=[Delivery.State.DELIVERED, Delivery.State.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted


# --- expiry ------------------------------------------------------------------------------------


def credentials_expired_sweep(*, now: datetime | None = None, batch: int = 500) -> int:
    """Announce ``credential.expired`` for every credential whose ``valid_until`` has passed,
    once each (an :class:`ExpiryNotice` remembers it, in the same transaction as the
    deliveries).  Revoked credentials are noted but not announced (their revocation was).
    Return how many were announced.  Safe to run often, and twice at once."""
    now = now or timezone.now()
    announced = 0
    while True:
        try:
            with transaction.atomic():
                ids = list(
                    Credential.objects.filter(
                        valid_until__lte=now, webhook_expiry_notice__isnull=True
                    )
                    .order_by("valid_until", "pk")
                    .values_list("pk", flat=True)[:batch]
                )
                if not ids:
                    return announced
                ExpiryNotice.objects.bulk_create(
                    ExpiryNotice(credential_id=pk, noticed_at=now) for pk in ids
                )
                expired = list(Credential.objects.filter(pk__in=ids, revoked_at__isnull=True))
                credential_events_record(EventType.CREDENTIAL_EXPIRED, expired, now=now)
                announced += len(expired)
        except IntegrityError:
            continue  # another sweep noted some of these first: look again


# --- sending -----------------------------------------------------------------------------------


def retry_delay(attempt: int, rand: Random = _random.random) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1-based): the base delay
    times 3 per attempt, ±20 % jitter so that a crowd of retries does not arrive together.
    With the defaults (90 s, 8 attempts): about 1.5 min, 4.5 min, 13.5 min, 40 min, 2 h, 6 h,
    18 h — some 27 hours from the first attempt to the last."""
    base = settings.INSIGNIA_WEBHOOKS_RETRY_BASE * 3 ** (attempt - 1)
    return timedelta(seconds=base * (0.8 + 0.4 * rand()))


def _lease() -> timedelta:
    """How long a claimed row is left alone by other workers: beyond any one request."""
    return timedelta(seconds=3 * settings.INSIGNIA_WEBHOOKS_TIMEOUT + 30)


@dataclass(frozen=True, slots=True)
class _Claimed:
    delivery: Delivery
    claim: str
    attempt: int


def _claim(pk: uuid.UUID | str, now: datetime, rand: Random) -> _Claimed | None:
    """Take a due delivery for one attempt, or None when it is not due or another worker has
    it.  Rows whose last attempt never reported (the worker died) fail here."""
    max_attempts = settings.INSIGNIA_WEBHOOKS_MAX_ATTEMPTS
    with transaction.atomic():
        row = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=pk, state=Delivery.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return None
        switched_off = not row.subscription.is_active and row.event_type != TEST_EVENT
        if row.attempts >= max_attempts or switched_off:
            error = (
                "No answer was recorded for the last attempt (the worker stopped)."
                if row.attempts >= max_attempts
                else "The endpoint is switched off."
            )
            Delivery.objects.filter(pk=row.pk, claim=row.claim).update(
                state=Delivery.State.FAILED, next_attempt_at=None, last_error=error
            )
            return None
        attempt = row.attempts + 1
        wait = retry_delay(attempt, rand) if attempt < max_attempts else timedelta(0)
        claim = secrets.token_hex(8)
        taken = Delivery.objects.filter(
            pk=row.pk, claim=row.claim, state=Delivery.State.PENDING
        ).update(
            attempts=attempt,
            claim=claim,
            last_attempt_at=now,
            next_attempt_at=now + max(wait, _lease()),
        )
        if not taken:
            return None
    return _Claimed(row, claim, attempt)


def _secrets(subscription: Subscription, now: datetime) -> list[str]:
    keys = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        keys.append(subscription.previous_secret)
    return keys


def _attempt(claimed: _Claimed, now: datetime, rand: Random) -> str:
    """Post one claimed delivery and record the outcome; return the new state."""
    delivery, subscription = claimed.delivery, claimed.delivery.subscription
    body = delivery.body.encode()
    headers = signing.headers(
        _secrets(subscription, now),
        msg_id=str(delivery.pk),
        timestamp=int(now.timestamp()),
        body=body,
    )
    retry = False
    try:
        answer = sender.post(
            subscription.url,
            body,
            headers,
            timeout=settings.INSIGNIA_WEBHOOKS_TIMEOUT,
            allow_loopback=settings.INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK,
        )
    except sender.Refused as exc:
        answer = sender.Answer(None, f"Refused: {exc}", 0)
    else:
        retry = answer.status is None or answer.status == 429 or answer.status >= 500
    status = answer.status
    changes: dict[str, Any] = {"last_status_code": status, "last_error": answer.error}
    if status is not None and 200 <= status < 300:
        changes.update(state=Delivery.State.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif retry and claimed.attempt < settings.INSIGNIA_WEBHOOKS_MAX_ATTEMPTS:
        changes.update(next_attempt_at=now + retry_delay(claimed.attempt, rand))
    else:
        changes.update(state=Delivery.State.FAILED, next_attempt_at=None)
    entry = {
        "n": claimed.attempt,
        "at": payloads.iso(now),
        "status": status,
        "error": answer.error[:200],
        "ms": answer.ms,
    }
    changes["history"] = [*delivery.history, entry][-HISTORY_KEPT:]
    with transaction.atomic():
        recorded = Delivery.objects.filter(pk=delivery.pk, claim=claimed.claim).update(**changes)
        if recorded and status == 410:
            _disable(subscription, now)
    if not recorded:
        return "superseded"
    return str(changes.get("state", Delivery.State.PENDING))


def _disable(subscription: Subscription, now: datetime) -> None:
    """The endpoint said 410 Gone: stop sending to it until an owner switches it on."""
    reason = f"The endpoint answered 410 Gone on {now:%d %B %Y at %H:%M} UTC."
    updated = Subscription.objects.filter(pk=subscription.pk, is_active=True).update(
        is_active=False, disabled_reason=reason
    )
    if updated:
        audit_record(
            organisation=subscription.organisation,
            actor=None,
            action="webhook.disabled",
            obj=subscription,
            now=now,
            reason=reason,
        )


def _send(ids: Iterable[uuid.UUID | str], clock: Clock, rand: Random) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for pk in ids:
        claimed = _claim(pk, clock(), rand)
        if claimed is None:
            continue
        counts[_attempt(claimed, clock(), rand)] += 1
    return dict(counts)


def deliveries_send(
    *,
    delivery_ids: Sequence[uuid.UUID | str],
    clock: Clock = timezone.now,
    rand: Random = _random.random,
    follow_up: bool = True,
) -> dict[str, int]:
    """Send those of ``delivery_ids`` that are due (a task's batch), then — with
    ``follow_up`` — queue the batch again for when its earliest retry comes due.

    The follow-up runs a little after that time (a quarter of the wait, at least 30 s) so
    that one run picks up the retries of a whole batch despite their jitter.  Returns counts by
    outcome (``delivered``, ``pending`` = will retry, ``failed``, ``superseded``).
    """
    counts = _send(delivery_ids, clock, rand)
    if follow_up:
        _follow_up(delivery_ids, clock())
    return counts


def _follow_up(delivery_ids: Sequence[uuid.UUID | str], now: datetime) -> None:
    from insignia.web.webhooks.tasks import webhook_deliveries_task

    pending = Delivery.objects.filter(
        pk__in=list(delivery_ids), state=Delivery.State.PENDING, next_attempt_at__isnull=False
    )
    times = [(pk, at) for pk, at in pending.values_list("pk", "next_attempt_at") if at]
    if not times:
        return
    first = min(at for _, at in times)
    run_after = max(first, now) + max(timedelta(seconds=30), (first - now) / 4)
    webhook_deliveries_task.using(run_after=run_after).enqueue([str(pk) for pk, _ in times])


def deliveries_send_due(
    *, clock: Clock = timezone.now, rand: Random = _random.random, limit: int | None = None
) -> dict[str, int]:
    """Send every delivery that is due now, oldest first (the ``deliver_webhooks`` command,
    for cron; it also picks up rows left behind by a worker that died)."""
    totals: dict[str, int] = defaultdict(int)
    seen: set[uuid.UUID] = set()
    while limit is None or len(seen) < limit:
        size = 100 if limit is None else min(100, limit - len(seen))
        due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=clock())
        ids = list(
            due.exclude(pk__in=seen)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            break
        seen.update(ids)
        for state, count in _send(ids, clock, rand).items():
            totals[state] += count
    return dict(totals)
