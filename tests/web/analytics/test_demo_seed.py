"""The demo seed carries the sharing settings and a fortnight of analytics counts."""

from __future__ import annotations

from insignia.web import demo
from insignia.web.achievements.models import Achievement
from insignia.web.analytics import selectors
from insignia.web.analytics.models import Event
from insignia.web.issuers.models import Organisation
from insignia.web.sharing.models import LearnerProfile


def test_demo_has_a_linkedin_id_programme_links_a_profile_and_counts(db) -> None:
    demo.seed()
    org = Organisation.objects.get(name="Northbridge University")  # the issuer, not the employer
    assert org.linkedin_organization_id == demo.LINKEDIN_ID
    links = set(Achievement.objects.values_list("learn_more_url", flat=True))
    assert len(links) == len(demo.BADGES)
    assert all(link.startswith(demo.COURSES_URL) for link in links)
    assert LearnerProfile.objects.get().is_public
    assert Event.objects.count() > 50
    period = selectors.period_of(30)
    summary = selectors.analytics_summary(
        rows=selectors.count_rows(organisation=org, period=period), period=period
    )
    assert all(summary.totals.values())
