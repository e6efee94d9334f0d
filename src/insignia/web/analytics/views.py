"""Issuer pages: what sharing brought, per organisation and per badge, and the CSV export."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from insignia.web.achievements.models import Achievement
from insignia.web.achievements.selectors import access_achievement
from insignia.web.analytics import selectors
from insignia.web.analytics.charts import STYLES, Line, bar_chart, legend_swatch, line_chart
from insignia.web.analytics.models import Kind
from insignia.web.common.auth import current_user
from insignia.web.issuers.models import Organisation
from insignia.web.issuers.selectors import access_organisation


def _charts(summary: selectors.Summary, subject: str) -> dict[str, Any]:
    period = summary.period
    kinds = [
        (kind.value, kind.label, summary.totals[kind.value], legend_swatch(kind.value))
        for kind in Kind
    ]
    lines = [
        Line(str(kind.label), summary.series.values[kind.value], *STYLES[kind.value])
        for kind in Kind
    ]
    step = "day" if summary.series.step == 1 else "week"
    over_time = line_chart(
        chart_id="over-time",
        title=f"{subject}: counts per {step}, {period.start:%d %b %Y} to {period.end:%d %b %Y}",
        description="Page views, shares, LinkedIn additions, verifications, downloads and "
        "clicks to the programme page; the same numbers are in the table below.",
        starts=summary.series.starts,
        lines=lines,
    )
    shares = summary.channels.get(Kind.SHARE, [])
    views = summary.channels.get(Kind.VIEW, [])
    return {
        "kinds": kinds,
        "over_time": over_time,
        "step": step,
        "rows": list(
            zip(
                summary.series.starts,
                *(summary.series.values[k.value] for k in Kind),
                strict=True,
            )
        ),
        "share_channels": shares,
        "share_chart": bar_chart(
            chart_id="shares-by-channel",
            title="Shares by channel",
            bars=[(label, n) for _, label, n in shares],
        )
        if shares
        else None,
        "view_channels": views,
        "view_chart": bar_chart(
            chart_id="views-by-channel",
            title="Page views by where visitors came from",
            bars=[(label, n) for _, label, n in views],
            colour="#3730a3",
        )
        if views
        else None,
    }


def _csv(rows: list[selectors.CountRow], names: Any, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for line in selectors.csv_lines(rows=rows, names=names):
        writer.writerow(line)
    return response


@login_required
@require_safe
def organisation_analytics(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org: Organisation = access_organisation(
        user=current_user(request), organisation_id=organisation_id
    )
    period = selectors.period_of(request.GET.get("days"))
    rows = selectors.count_rows(organisation=org, period=period)
    summary = selectors.analytics_summary(rows=rows, period=period)
    return render(
        request,
        "analytics/organisation.html",
        {
            "org": org,
            "period": period,
            "periods": selectors.PERIODS,
            "summary": summary,
            "badges": selectors.badge_totals(organisation=org, rows=rows),
            **_charts(summary, org.name),
        },
    )


@login_required
@require_safe
def organisation_analytics_csv(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = access_organisation(user=current_user(request), organisation_id=organisation_id)
    period = selectors.period_of(request.GET.get("days"))
    rows = selectors.count_rows(organisation=org, period=period)
    names = selectors.badge_names(organisation=org)
    filename = f"{slugify(org.name) or 'organisation'}-analytics-{period.start}-{period.end}.csv"
    return _csv(rows, names, filename)


@login_required
@require_safe
def achievement_analytics(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement: Achievement = access_achievement(
        user=current_user(request), achievement_id=achievement_id
    )
    org = achievement.organisation
    period = selectors.period_of(request.GET.get("days"))
    rows = selectors.count_rows(organisation=org, period=period, achievement=achievement)
    summary = selectors.analytics_summary(rows=rows, period=period)
    name = selectors.badge_names(organisation=org)[achievement.pk][1]
    return render(
        request,
        "analytics/achievement.html",
        {
            "org": org,
            "achievement": achievement,
            "name": name,
            "period": period,
            "periods": selectors.PERIODS,
            "summary": summary,
            **_charts(summary, name),
        },
    )


@login_required
@require_safe
def achievement_analytics_csv(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = access_achievement(user=current_user(request), achievement_id=achievement_id)
    org = achievement.organisation
    period = selectors.period_of(request.GET.get("days"))
    rows = selectors.count_rows(organisation=org, period=period, achievement=achievement)
    names = selectors.badge_names(organisation=org)
    slug = slugify(names[achievement.pk][1]) or "badge"
    return _csv(rows, names, f"{slug}-analytics-{period.start}-{period.end}.csv")
