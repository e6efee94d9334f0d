"""The authorization code grant with PKCE (S256 only), refresh and revocation, through the
Django test client (the whole dance against a running server is in test_live.py)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from insignia.web.obapi import registration, scopes, services
from tests.web.obapi.conftest import REDIRECT, metadata, pkce_pair
from tests.web.test_accessibility import audit

AUTHORIZE = "/ims/ob/v3p0/oauth/authorize"
TOKEN = "/ims/ob/v3p0/oauth/token"
REVOKE = "/ims/ob/v3p0/oauth/revoke"


@pytest.fixture
def registered(db) -> tuple[Application, str]:
    client, secret = services.client_register(metadata=registration.parse_metadata(metadata()))
    return client.application, secret


def basic(application: Application, secret: str) -> dict[str, str]:
    pair = f"{application.client_id}:{secret}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(pair).decode()}


def authorize_params(application: Application, challenge: str | None, **extra: str) -> dict:
    params: dict[str, Any] = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT,
        "scope": f"{scopes.CREDENTIAL_READ} {scopes.PROFILE_READ}",
        "state": "xyz-state",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | extra


def redirect_query(response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(REDIRECT)
    return parse_qs(urlsplit(location).query)


def consent(browser: Client, params: dict) -> dict[str, str]:
    """Show the consent page and return its hidden fields."""
    page = browser.get(AUTHORIZE, params)
    assert page.status_code == 200
    return {
        name: page.context["form"][name].value() or ""
        for name in page.context["form"].fields
        if name != "allow"
    }


def test_signed_out_learner_is_sent_to_sign_in(registered) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    response = Client().get(AUTHORIZE, authorize_params(application, challenge))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_consent_page_names_the_client_and_the_scopes_in_words(
    registered, learner, client_for
) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    page = client_for(learner).get(AUTHORIZE, authorize_params(application, challenge))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Allow Example Wallet to use your badges?" in html
    assert scopes.PLAIN_WORDS[scopes.CREDENTIAL_READ] in html
    assert scopes.PLAIN_WORDS[scopes.PROFILE_READ] in html
    assert scopes.PLAIN_WORDS[scopes.PROFILE_UPDATE] not in html
    assert "https://wallet.example/" in html and "<script" not in html


def test_code_for_token_with_pkce_refresh_and_revoke(registered, learner, client_for) -> None:
    application, secret = registered
    _, challenge = pkce_pair()
    browser = client_for(learner)
    fields = consent(browser, authorize_params(application, challenge))
    query = redirect_query(browser.post(AUTHORIZE, {**fields, "allow": "Authorize"}))
    assert query["state"] == ["xyz-state"]
    code = query["code"][0]

    wrong = Client().post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": "x" * 50,
        },
        **basic(application, secret),
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    verifier2, challenge2 = pkce_pair()
    fields = consent(browser, authorize_params(application, challenge2))
    code = redirect_query(browser.post(AUTHORIZE, {**fields, "allow": "Authorize"}))["code"][0]
    tokens = Client().post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier2,
        },
        **basic(application, secret),
    )
    assert tokens.status_code == 200, tokens.content
    body = tokens.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {scopes.CREDENTIAL_READ, scopes.PROFILE_READ}
    assert body["refresh_token"]
    # Stored hashed: the raw token is nowhere in the database.
    assert not AccessToken.objects.filter(token=body["access_token"]).exists()

    refreshed = Client().post(
        TOKEN,
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        **basic(application, secret),
    )
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["access_token"] != body["access_token"]
    assert new["refresh_token"] != body["refresh_token"]
    ok = Client().get("/ims/ob/v3p0/profile", HTTP_AUTHORIZATION=f"Bearer {new['access_token']}")
    assert ok.status_code == 200

    revoked = Client().post(REVOKE, {"token": new["access_token"]}, **basic(application, secret))
    assert revoked.status_code == 200
    gone = Client().get("/ims/ob/v3p0/profile", HTTP_AUTHORIZATION=f"Bearer {new['access_token']}")
    assert gone.status_code == 401


def test_missing_pkce_is_refused_before_consent(registered, learner, client_for) -> None:
    application, _ = registered
    query = redirect_query(client_for(learner).get(AUTHORIZE, authorize_params(application, None)))
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["xyz-state"]


def test_plain_pkce_is_refused_before_consent(registered, learner, client_for) -> None:
    application, _ = registered
    params = authorize_params(
        application, None, code_challenge="a" * 50, code_challenge_method="plain"
    )
    query = redirect_query(client_for(learner).get(AUTHORIZE, params))
    assert query["error"] == ["invalid_request"]
    assert "S256" in query["error_description"][0]


def test_plain_pkce_slipped_into_the_consent_form_makes_no_code(
    registered, learner, client_for
) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    browser = client_for(learner)
    fields = consent(browser, authorize_params(application, challenge))
    fields |= {"code_challenge": "a" * 50, "code_challenge_method": "plain"}
    query = redirect_query(browser.post(AUTHORIZE, {**fields, "allow": "Authorize"}))
    assert "code" not in query and query["error"] == ["invalid_request"]


def test_scopes_beyond_the_registration_are_refused(db, learner, client_for) -> None:
    client, _ = services.client_register(
        metadata=registration.parse_metadata(metadata(scope=scopes.PROFILE_READ))
    )
    _, challenge = pkce_pair()
    query = redirect_query(
        client_for(learner).get(AUTHORIZE, authorize_params(client.application, challenge))
    )
    assert query["error"] == ["invalid_scope"]


def test_unregistered_redirect_uri_is_never_followed(registered, learner, client_for) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    params = authorize_params(application, challenge, redirect_uri="https://evil.example/cb")
    response = client_for(learner).get(AUTHORIZE, params)
    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")
    assert "cannot be authorised" in response.content.decode()


def test_denying_sends_access_denied(registered, learner, client_for) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    browser = client_for(learner)
    fields = consent(browser, authorize_params(application, challenge))
    query = redirect_query(browser.post(AUTHORIZE, fields))
    assert query["error"] == ["access_denied"] and "code" not in query


def test_token_endpoint_needs_the_client_secret(registered, learner, client_for) -> None:
    application, _ = registered
    verifier, challenge = pkce_pair()
    browser = client_for(learner)
    fields = consent(browser, authorize_params(application, challenge))
    code = redirect_query(browser.post(AUTHORIZE, {**fields, "allow": "Authorize"}))["code"][0]
    response = Client().post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        **basic(application, "wrong-secret"),
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_consent_and_privacy_pages_pass_the_accessibility_audit(
    registered, learner, client_for
) -> None:
    application, _ = registered
    _, challenge = pkce_pair()
    browser = client_for(learner)
    for response in (
        browser.get(AUTHORIZE, authorize_params(application, challenge)),
        browser.get("/ims/ob/v3p0/privacy"),
    ):
        assert response.status_code == 200
        page = audit(response.content.decode())
        assert page.lang and page.h1 == 1 and page.scripts == 0
        assert {"main", "header", "footer", "nav"} <= page.tags
        assert all(img.get("alt") is not None for img in page.images)
        assert 'href="#main"' in response.content.decode()


def test_a_replayed_refresh_token_revokes_what_it_became(registered, learner, client_for) -> None:
    application, secret = registered
    verifier, challenge = pkce_pair()
    browser = client_for(learner)
    fields = consent(browser, authorize_params(application, challenge))
    code = redirect_query(browser.post(AUTHORIZE, {**fields, "allow": "Authorize"}))["code"][0]
    first = (
        Client()
        .post(
            TOKEN,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
            },
            **basic(application, secret),
        )
        .json()
    )

    def refresh(token: str) -> Any:
        return Client().post(
            TOKEN,
            {"grant_type": "refresh_token", "refresh_token": token},
            **basic(application, secret),
        )

    second = refresh(first["refresh_token"]).json()
    stolen = refresh(first["refresh_token"])
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert refresh(second["refresh_token"]).status_code == 400
    profile = Client().get(
        "/ims/ob/v3p0/profile", HTTP_AUTHORIZATION=f"Bearer {second['access_token']}"
    )
    assert profile.status_code == 401
