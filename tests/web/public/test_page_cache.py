"""The public badge page is reused for anonymous visitors, but never past a change that
matters: made private, revoked, suspended, the holder's account gone.  Every view is counted."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from insignia.web.analytics.models import Event
from insignia.web.awards import services
from insignia.web.public import views
from insignia.web.wallet.services import wallet_set_visibility


@pytest.fixture
def learner(make_user):
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def page(published, staff, learner):
    cache.clear()
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    wallet_set_visibility(user=learner, credential_id=credential.pk, public=True)
    return credential


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = views.credential_award_details

    def counted(credential):
        calls.append(1)
        return real(credential)

    monkeypatch.setattr(views, "credential_award_details", counted)
    return calls


def url(credential) -> str:
    return reverse("public:credential", args=[credential.pk])


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def test_anonymous_views_reuse_the_page_and_are_all_counted(page, renders) -> None:
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    first, second = visitor.get(url(page)), visitor.get(url(page))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and "Verified" in second.content.decode()
    assert len(renders) == 1
    assert Event.objects.filter(credential=page, kind="view").count() == 2


def test_made_private_answers_404_at_once(page, learner, renders) -> None:
    assert Client().get(url(page)).status_code == 200
    wallet_set_visibility(user=learner, credential_id=page.pk, public=False)
    assert Client().get(url(page)).status_code == 404


def test_revocation_and_suspension_show_at_once(page, staff, renders) -> None:
    assert "Verified" in Client().get(url(page)).content.decode()
    services.credential_suspend(actor=staff["issuer"], credential_id=page.pk, reason="Audit")
    assert "Not verified" in Client().get(url(page)).content.decode()
    services.credential_reinstate(actor=staff["issuer"], credential_id=page.pk)
    services.credential_revoke(actor=staff["issuer"], credential_id=page.pk, reason="Error")
    html = Client().get(url(page)).content.decode()
    assert "Not verified" in html and "revoked" in html
    assert len(renders) == 3


def test_a_deleted_holder_answers_404_at_once(page, learner) -> None:
    assert Client().get(url(page)).status_code == 200
    learner.wallet_items.all().delete()
    assert Client().get(url(page)).status_code == 404


def test_signed_in_visitors_always_get_a_fresh_page(page, learner, client_for, renders) -> None:
    holder = client_for(learner)
    holder.get(url(page))
    holder.get(url(page))
    assert len(renders) == 2
