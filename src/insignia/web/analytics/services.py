"""Writes: count one event, and fold past days into daily counts."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Count, F, Max
from django.http import HttpRequest
from django.utils import timezone

from insignia.web.analytics.models import Channel, DailyCount, Event, Kind
from insignia.web.analytics.visitors import is_countable
from insignia.web.awards.models import Credential


def event_record(
    *,
    kind: Kind,
    credential: Credential,
    channel: Channel = Channel.DIRECT,
    day: date | None = None,
) -> Event:
    """Count one event for a credential's badge (no personal data is taken or kept)."""
    return Event.objects.create(
        organisation_id=credential.organisation_id,
        achievement_id=credential.achievement_id,
        credential=credential,
        kind=kind,
        channel=channel,
        day=day or timezone.localdate(),
    )


def event_record_request(
    *,
    request: HttpRequest,
    kind: Kind,
    credential: Credential,
    channel: Channel,
    count_holder: bool = False,
) -> Event | None:
    """Count what a request did, unless a robot or a prefetch asked, or (unless
    ``count_holder``: shares and downloads are the holder's own doing) the holder looks at
    their own badge.  Reads nothing from the request but its method and headers, and sets
    nothing on the response (no cookie, no id)."""
    if not is_countable(request):
        return None
    user = getattr(request, "user", None)
    if (
        not count_holder
        and getattr(user, "is_authenticated", False)
        and credential.recipient_user_id is not None
        and getattr(user, "pk", None) == credential.recipient_user_id
    ):
        return None
    return event_record(kind=kind, credential=credential, channel=channel)


@transaction.atomic
def daily_counts_rollup(*, before: date | None = None) -> int:
    """Fold the events of every day before ``before`` (default: today) into daily counts, then
    delete them.  Returns how many events were folded; running it twice changes nothing."""
    before = before or timezone.localdate()
    past = Event.objects.filter(day__lt=before)
    last = past.aggregate(last=Max("id"))["last"]
    if last is None:
        return 0
    past = past.filter(id__lte=last)
    folded = 0
    groups = past.values("organisation_id", "achievement_id", "day", "kind", "channel").annotate(
        n=Count("id")
    )
    for group in groups.order_by():
        count, created = DailyCount.objects.get_or_create(
            achievement_id=group["achievement_id"],
            day=group["day"],
            kind=group["kind"],
            channel=group["channel"],
            defaults={"organisation_id": group["organisation_id"], "count": group["n"]},
        )
        if not created:
            DailyCount.objects.filter(pk=count.pk).update(count=F("count") + group["n"])
        folded += group["n"]
    past.delete()
    return folded
