"""Issuer analytics: counting rules, daily rollups, series, SVG charts, CSV export, access."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from insignia.web.analytics import charts, selectors
from insignia.web.analytics.models import Channel, DailyCount, Event, Kind
from insignia.web.analytics.services import daily_counts_rollup, event_record
from insignia.web.analytics.visitors import inbound_channel, is_countable, is_robot
from insignia.web.awards import services
from insignia.web.awards.models import Credential

TODAY = date(2026, 11, 28)


@pytest.fixture
def credential(published, staff) -> Credential:
    return services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="kim@example.com"
    )


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "   ",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (Windows NT 10.0) SkypeUriPreview Preview/0.5",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36",
        "python-requests/2.32",
        "curl/8.5.0",
        "Insignia-verifier/0.1 (+https://github.com/insignia)",
    ],
)
def test_robots_are_recognised(agent: str) -> None:
    assert is_robot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    ],
)
def test_browsers_are_people(agent: str) -> None:
    assert not is_robot(agent)
    factory = RequestFactory()
    assert is_countable(factory.get("/", HTTP_USER_AGENT=agent))
    assert not is_countable(factory.head("/", HTTP_USER_AGENT=agent))
    assert not is_countable(factory.get("/", HTTP_USER_AGENT=agent, HTTP_PURPOSE="prefetch"))


@pytest.mark.parametrize(
    ("query", "referrer", "channel"),
    [
        ({"via": "linkedin"}, "", Channel.LINKEDIN),
        ({"via": "qr"}, "https://www.facebook.com/", Channel.QR),
        ({"via": "api"}, "", Channel.DIRECT),  # not a channel visitors arrive through
        ({}, "https://lnkd.in/abc", Channel.LINKEDIN),
        ({}, "https://t.co/xyz", Channel.X),
        ({}, "https://l.facebook.com/l.php?u=x", Channel.FACEBOOK),
        ({}, "https://app.slack.com/client/T1", Channel.SLACK),
        ({}, "https://teams.microsoft.com/", Channel.TEAMS),
        ({}, "https://mail.google.com/mail/u/0/", Channel.EMAIL),
        ({}, "http://testserver/wallet/", Channel.DIRECT),
        ({}, "https://portfolio.example.net/me", Channel.WEB),
        ({}, "", Channel.DIRECT),
    ],
)
def test_inbound_channel(query: dict[str, str], referrer: str, channel: Channel) -> None:
    request = RequestFactory().get("/", query, HTTP_REFERER=referrer)
    assert inbound_channel(request) == channel


def test_rollup_folds_past_days_once_and_counts_stay_the_same(credential, org) -> None:
    for days_ago, kind, channel in [
        (3, Kind.VIEW, Channel.LINKEDIN),
        (3, Kind.VIEW, Channel.LINKEDIN),
        (3, Kind.SHARE, Channel.X),
        (1, Kind.CLICK, Channel.LINKEDIN),
        (0, Kind.VIEW, Channel.DIRECT),
    ]:
        event_record(
            kind=kind, credential=credential, channel=channel, day=TODAY - timedelta(days=days_ago)
        )
    period = selectors.period_of(30, today=TODAY)
    before = selectors.count_rows(organisation=org, period=period)
    assert daily_counts_rollup(before=TODAY) == 4
    assert daily_counts_rollup(before=TODAY) == 0
    assert Event.objects.count() == 1  # today's event waits for tomorrow's rollup
    assert DailyCount.objects.get(kind="view", channel="linkedin").count == 2
    assert selectors.count_rows(organisation=org, period=period) == before
    event_record(
        kind=Kind.VIEW, credential=credential, channel=Channel.LINKEDIN, day=TODAY - timedelta(3)
    )
    daily_counts_rollup(before=TODAY)
    assert DailyCount.objects.get(kind="view", channel="linkedin").count == 3
    call_command("analytics_rollup", stdout=io.StringIO())  # folds up to the real today


def test_summary_totals_series_and_channels(credential) -> None:
    for days_ago, kind, channel in [
        (0, Kind.VIEW, Channel.LINKEDIN),
        (0, Kind.VIEW, Channel.DIRECT),
        (2, Kind.CLICK, Channel.LINKEDIN),
        (2, Kind.SHARE, Channel.X),
        (2, Kind.SHARE, Channel.X),
        (2, Kind.SHARE, Channel.EMAIL),
        (40, Kind.VIEW, Channel.DIRECT),  # outside 30 days
    ]:
        event_record(
            kind=kind, credential=credential, channel=channel, day=TODAY - timedelta(days=days_ago)
        )
    org = credential.organisation
    period = selectors.period_of(30, today=TODAY)
    summary = selectors.analytics_summary(
        rows=selectors.count_rows(organisation=org, period=period), period=period
    )
    assert period.days == 30 and summary.series.step == 1 and len(summary.series.starts) == 30
    assert summary.totals == {
        "view": 2,
        "share": 3,
        "linkedin_add": 0,
        "verify": 0,
        "download": 0,
        "click": 1,
    }
    assert summary.series.values["view"][-1] == 2 and summary.series.values["share"][-3] == 3
    assert summary.channels["share"] == [("x", "X", 2), ("email", "Email", 1)]
    assert summary.click_rate == "50.0%"
    year = selectors.period_of("365", today=TODAY)
    yearly = selectors.analytics_summary(
        rows=selectors.count_rows(organisation=org, period=year), period=year
    )
    assert yearly.series.step == 7 and sum(yearly.series.values["view"]) == 3
    assert selectors.period_of("13", today=TODAY).days == 30


def test_charts_are_accessible_svg_without_styles() -> None:
    svg = charts.line_chart(
        chart_id="c",
        title="Views <&> shares",
        description="Daily counts",
        starts=[TODAY - timedelta(days=i) for i in range(3)][::-1],
        lines=[
            charts.Line("Views", [0, 5, 12], "#3730a3"),
            charts.Line("Shares", [1, 0, 2], "#0f766e", "7 4"),
        ],
    )
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-t c-d"
    assert root.find(f"{ns}title").text == "Views <&> shares"
    assert len(root.findall(f"{ns}polyline")) == 2
    assert "style" not in svg
    assert [t.text for t in root.findall(f"{ns}text")][:3] == ["0", "10", "20"]
    bars = ET.fromstring(
        charts.bar_chart(chart_id="b", title="By channel", bars=[("X", 3), ("Email", 1)])
    )
    assert len(bars.findall(f"{ns}rect")) == 2
    assert (
        charts.nice_ceiling(0) == 4
        and charts.nice_ceiling(11) == 20
        and charts.nice_ceiling(101) == 200
    )


def test_pages_and_csv_for_members_only(credential, staff, client_for, make_user) -> None:
    org = credential.organisation
    event_record(kind=Kind.VIEW, credential=credential, channel=Channel.LINKEDIN)
    event_record(kind=Kind.SHARE, credential=credential, channel=Channel.X)
    achievement = credential.achievement
    achievement.learn_more_url = "https://www.northbridge.example/data"
    achievement.save()
    for name in ("organisation", "organisation_csv"):
        path = reverse(f"analytics:{name}", args=[org.pk])
        assert client_for(staff["outsider"]).get(path).status_code == 404
        assert client_for(None).get(path).status_code == 302
    html = (
        client_for(staff["assessor"])
        .get(reverse("analytics:organisation", args=[org.pk]))
        .content.decode()
    )
    assert "Python for Data Analysis" in html and 'role="img"' in html
    assert "Shares by channel" in html and "<script" not in html
    page = client_for(staff["issuer"]).get(
        reverse("analytics:achievement", args=[achievement.pk]), {"days": 90}
    )
    assert (
        page.status_code == 200 and "https://www.northbridge.example/data" in page.content.decode()
    )
    response = client_for(staff["issuer"]).get(reverse("analytics:organisation_csv", args=[org.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["day", "badge_id", "badge", "kind", "channel", "count"]
    assert sorted((r[3], r[4], r[5]) for r in rows[1:]) == [
        ("share", "x", "1"),
        ("view", "linkedin", "1"),
    ]
    assert {r[2] for r in rows[1:]} == {"Python for Data Analysis"}
    badge_csv = client_for(staff["owner"]).get(
        reverse("analytics:achievement_csv", args=[achievement.pk])
    )
    assert len(list(csv.reader(io.StringIO(badge_csv.content.decode())))) == 3


def test_csv_cells_never_start_a_formula(credential) -> None:
    row = selectors.CountRow(TODAY, credential.achievement_id, "view", "direct", 1)
    names = {credential.achievement_id: (credential.achievement, '=HYPERLINK("x")')}
    [_, line] = list(selectors.csv_lines(rows=[row], names=names))
    assert line[2] == '\'=HYPERLINK("x")'
