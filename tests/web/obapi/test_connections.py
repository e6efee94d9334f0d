"""Connected applications: the learner sees which clients can act for them and disconnects
them (every token and unused code of that client, for that learner, goes at once)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from insignia.web.obapi import scopes, selectors
from tests.web.obapi.conftest import bearer
from tests.web.test_accessibility import audit

PAGE = "/connected-apps/"


def test_signed_out_people_are_sent_to_sign_in(db) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_only_clients_that_can_still_act(
    learner, other_learner, make_token, client_app, client_for
) -> None:
    assert selectors.connected_clients(user=learner, now=timezone.now()) == []
    make_token(learner, scopes.PROFILE_READ, expired=True)
    assert selectors.connected_clients(user=learner, now=timezone.now()) == []
    make_token(learner, scopes.CREDENTIAL_READ)
    page = client_for(learner).get(PAGE)
    html = page.content.decode()
    assert "Example Wallet" in html and "https://wallet.example/" in html
    assert scopes.PLAIN_WORDS[scopes.CREDENTIAL_READ] in html
    assert scopes.PLAIN_WORDS[scopes.PROFILE_READ] not in html
    assert "Example Wallet" not in client_for(other_learner).get(PAGE).content.decode()
    audited = audit(html)
    assert audited.h1 == 1 and audited.scripts == 0 and 'href="#main"' in html


def test_a_live_refresh_token_keeps_the_client_connected(learner, client_app) -> None:
    RefreshToken.objects.create(user=learner, application=client_app, token="r1")
    found = selectors.connected_clients(user=learner, now=timezone.now())
    assert [c.client_id for c in found] == [client_app.client_id]
    later = timezone.now() + timedelta(days=31)
    assert selectors.connected_clients(user=learner, now=later) == []


def test_disconnecting_revokes_every_token_of_that_learner_only(
    learner, other_learner, make_token, client_app, client_for
) -> None:
    token = make_token(learner)
    RefreshToken.objects.create(user=learner, application=client_app, token="r1")
    theirs = make_token(other_learner)
    assert Client().get("/ims/ob/v3p0/profile", **bearer(token)).status_code == 200
    browser = client_for(learner)
    response = browser.post(PAGE, {"client_id": client_app.client_id}, follow=True)
    assert "Example Wallet can no longer use your badges or profile." in response.content.decode()
    assert Client().get("/ims/ob/v3p0/profile", **bearer(token)).status_code == 401
    assert not AccessToken.objects.filter(user=learner).exists()
    assert RefreshToken.objects.get(user=learner).revoked is not None
    assert Client().get("/ims/ob/v3p0/profile", **bearer(theirs)).status_code == 200
    assert selectors.connected_clients(user=learner, now=timezone.now()) == []


def test_disconnecting_an_unknown_client_changes_nothing(learner, make_token, client_for) -> None:
    token = make_token(learner)
    response = client_for(learner).post(PAGE, {"client_id": "no-such-client"})
    assert response.status_code == 302
    assert Client().get("/ims/ob/v3p0/profile", **bearer(token)).status_code == 200


def test_the_account_menu_links_connected_applications(learner, client_for) -> None:
    from django.urls import reverse

    page = client_for(learner).get(reverse("account_email")).content.decode()
    assert reverse("obapi:connections") in page
