"""The sharing, import and analytics pages pass the same structural checks as every main page:
one h1, landmarks, labelled controls, alt text; scripts only where copy buttons need them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insignia.web.analytics.models import Channel, Kind
from insignia.web.analytics.services import event_record
from insignia.web.sharing.services import learner_profile_update
from insignia.web.wallet.services import imported_credential_create
from tests.web.test_accessibility import audit
from tests.web.wallet.test_import import offline

WITH_SCRIPT = {"sharing:toolkit", "sharing:profile_settings"}


@pytest.fixture
def pages(org, published, public, learner, staff, make_user):
    from insignia.web.awards import services

    event_record(kind=Kind.VIEW, credential=public, channel=Channel.LINKEDIN)
    event_record(kind=Kind.SHARE, credential=public, channel=Channel.X)
    other = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="a@b.example"
    )
    imported = imported_credential_create(
        user=learner, data=other.document.encode(), fetcher=offline()
    )
    profile = learner_profile_update(user=learner, is_public=True)
    return [
        (learner, "sharing:toolkit", [public.pk]),
        (learner, "sharing:profile_settings", []),
        (None, "sharing:profile", [profile.pk]),
        (learner, "wallet:import", []),
        (learner, "wallet:imported", [imported.pk]),
        (staff["owner"], "analytics:organisation", [org.pk]),
        (staff["issuer"], "analytics:achievement", [published.pk]),
        (staff["designer"], "sharing:marketing", [published.pk]),
    ]


def test_sharing_pages_are_labelled(pages, client_for) -> None:
    for user, name, args in pages:
        url = reverse(name, args=args)
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        page = audit(html)
        assert page.lang and page.h1 == 1, url
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        assert page.scripts == (1 if name in WITH_SCRIPT else 0), url
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, f"{url}: unlabelled {unlabelled}"
        assert all(img.get("alt") is not None for img in page.images), url
        assert 'href="#main"' in html, url
        iframes = html.count("<iframe ")
        assert html.count('title="Preview') == iframes, f"{url}: an iframe without a title"
