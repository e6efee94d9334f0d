"""Reads: counts per day, kind, channel and badge, for a period (rolled-up and fresh alike)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from insignia.web.achievements.models import Achievement
from insignia.web.analytics.models import Channel, DailyCount, Event, Kind
from insignia.web.issuers.models import Organisation

#: The periods offered (days); the first is the default.
PERIODS = (30, 90, 365)


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_of(days: object, *, today: date | None = None) -> Period:
    """The period of the last ``days`` days up to today (an offered length, else the first)."""
    try:
        length = int(str(days))
    except ValueError:
        length = PERIODS[0]
    if length not in PERIODS:
        length = PERIODS[0]
    end = today or timezone.localdate()
    return Period(end - timedelta(days=length - 1), end)


@dataclass(frozen=True, slots=True)
class CountRow:
    day: date
    achievement_id: uuid.UUID
    kind: str
    channel: str
    count: int


def count_rows(
    *, organisation: Organisation, period: Period, achievement: Achievement | None = None
) -> list[CountRow]:
    """Every count in the period: daily rollups plus the events not folded yet, merged."""
    filters: dict[str, object] = {
        "organisation": organisation,
        "day__gte": period.start,
        "day__lte": period.end,
    }
    if achievement is not None:
        filters["achievement"] = achievement
    keys = ("day", "achievement_id", "kind", "channel")
    merged: dict[tuple[date, uuid.UUID, str, str], int] = defaultdict(int)
    rolled = DailyCount.objects.filter(**filters).values(*keys).annotate(n=Sum("count"))
    fresh = Event.objects.filter(**filters).values(*keys).annotate(n=Count("id"))
    for row in [*rolled.order_by(), *fresh.order_by()]:
        merged[(row["day"], row["achievement_id"], row["kind"], row["channel"])] += row["n"]
    return [CountRow(*key, count) for key, count in sorted(merged.items()) if count]


@dataclass(frozen=True, slots=True)
class Series:
    """Counts per kind in consecutive buckets of ``step`` days starting at ``starts``."""

    starts: list[date]
    step: int
    values: dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class Summary:
    period: Period
    totals: dict[str, int]
    series: Series
    #: kind → [(channel, its label, count)], biggest first
    channels: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)

    @property
    def click_rate(self) -> str | None:
        """Clicks to the programme page per 100 page views, when there were views."""
        views = self.totals[Kind.VIEW]
        if not views:
            return None
        return f"{100 * self.totals[Kind.CLICK] / views:.1f}%"


def _series(rows: Iterable[CountRow], period: Period) -> Series:
    step = 1 if period.days <= 90 else 7
    buckets = (period.days + step - 1) // step
    starts = [period.start + timedelta(days=i * step) for i in range(buckets)]
    values = {kind.value: [0] * buckets for kind in Kind}
    for row in rows:
        index = (row.day - period.start).days // step
        if 0 <= index < buckets:
            values[row.kind][index] += row.count
    return Series(starts, step, values)


def analytics_summary(*, rows: list[CountRow], period: Period) -> Summary:
    """Totals per kind, a time series per kind, and the channels behind each kind."""
    totals = {kind.value: 0 for kind in Kind}
    per_channel: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        totals[row.kind] += row.count
        per_channel[row.kind][row.channel] += row.count
    labels = dict(Channel.choices)
    channels = {
        kind: sorted(
            ((c, str(labels.get(c, c)), n) for c, n in counts.items()),
            key=lambda item: (-item[2], item[1]),
        )
        for kind, counts in per_channel.items()
    }
    return Summary(period, totals, _series(rows, period), channels)


@dataclass(frozen=True, slots=True)
class BadgeTotals:
    achievement: Achievement
    name: str
    totals: dict[str, int]


def badge_names(*, organisation: Organisation) -> dict[uuid.UUID, tuple[Achievement, str]]:
    """Every badge of the organisation with the name it is awarded under now."""
    achievements = Achievement.objects.filter(organisation=organisation).select_related(
        "current_version"
    )
    return {
        a.pk: (a, a.current_version.name if a.current_version else "Unpublished badge")
        for a in achievements
    }


def badge_totals(*, organisation: Organisation, rows: list[CountRow]) -> list[BadgeTotals]:
    """Totals per kind for each badge that has any, most viewed first."""
    names = badge_names(organisation=organisation)
    totals: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: {k.value: 0 for k in Kind})
    for row in rows:
        totals[row.achievement_id][row.kind] += row.count
    result = [
        BadgeTotals(names[pk][0], names[pk][1], counts)
        for pk, counts in totals.items()
        if pk in names
    ]
    return sorted(result, key=lambda b: (-b.totals[Kind.VIEW], b.name))


def _cell(value: str) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def csv_lines(
    *, rows: list[CountRow], names: dict[uuid.UUID, tuple[Achievement, str]]
) -> Iterator[list[str]]:
    """The counts as CSV records (a header first): one per day, badge, kind and channel."""
    yield ["day", "badge_id", "badge", "kind", "channel", "count"]
    for row in rows:
        name = names.get(row.achievement_id, (None, ""))[1]
        yield [
            row.day.isoformat(),
            str(row.achievement_id),
            _cell(name),
            row.kind,
            row.channel,
            str(row.count),
        ]
