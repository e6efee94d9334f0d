"""A client doing the whole OB 3.0 API dance against a running server, over HTTP with
``requests``: discovery → registration → sign-in and consent with PKCE S256 → code → token →
credentials (paged, then one added) → profile → refresh → revoke → 401."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from insignia.web.obapi import scopes
from tests.web.conftest import PASSWORD
from tests.web.obapi.conftest import metadata, pkce_pair

CALLBACK = "http://127.0.0.1:9/callback"  # loopback: registered, never visited


class Forms(HTMLParser):
    """The inputs of each form on a page, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1][1][a["name"]] = a.get("value", "")


def form_fields(html: str, action_part: str) -> dict[str, str]:
    parser = Forms()
    parser.feed(html)
    return next(fields for action, fields in parser.forms if action_part in action)


def links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', header)}


def sign_in(browser: requests.Session, base: str, email: str) -> None:
    """Through the site's own sign-in form (CSRF token and all)."""
    page = browser.get(f"{base}/accounts/login/")
    fields = form_fields(page.text, "/accounts/login/")
    fields |= {"login": email, "password": PASSWORD}
    done = browser.post(
        f"{base}/accounts/login/",
        data=fields,
        headers={"Referer": page.url},
        allow_redirects=False,
    )
    assert done.status_code == 302, done.text[:500]


@pytest.mark.django_db(transaction=True)
def test_the_whole_dance(live_server: Any, learner, other_learner, award) -> None:
    base = live_server.url
    mine = [award(learner.email, learner) for _ in range(3)]
    hidden = award(other_learner.email, other_learner)
    foreign = award("jamie@oldschool.example")  # earned "elsewhere", to be added by the client

    # Discovery tells the client everything else.
    doc = requests.get(f"{base}/ims/ob/v3p0/discovery", timeout=10).json()
    api = doc["servers"][0]["url"]
    oauth = doc["components"]["securitySchemes"]["OAuth2ACG"]
    flow = oauth["flows"]["authorizationCode"]
    assert api == f"{base}/ims/ob/v3p0"

    # Registration.
    wanted = " ".join(flow["scopes"])
    registered = requests.post(
        oauth["x-imssf-registrationUrl"],
        json=metadata(redirect_uris=[CALLBACK], scope=wanted),
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    client = registered.json()
    auth = (client["client_id"], client["client_secret"])

    # The learner signs in and allows the client (PKCE S256).
    browser = requests.Session()
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "redirect_uri": CALLBACK,
        "scope": wanted,
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    first = browser.get(flow["authorizationUrl"], params=params, allow_redirects=False)
    assert first.status_code == 302 and "/accounts/login/" in first.headers["Location"]
    sign_in(browser, base, learner.email)
    consent = browser.get(flow["authorizationUrl"], params=params)
    assert consent.status_code == 200 and "Example Wallet" in consent.text
    fields = form_fields(consent.text, "/oauth/authorize")
    answer = browser.post(
        flow["authorizationUrl"],
        data={**fields, "allow": "Authorize"},
        headers={"Referer": consent.url},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["s-123"]

    # Code → tokens (client_secret_basic).
    tokens = requests.post(
        flow["tokenUrl"],
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=auth,
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    access, refresh = tokens.json()["access_token"], tokens.json()["refresh_token"]
    api_session = requests.Session()
    api_session.headers["Authorization"] = f"Bearer {access}"

    # Credentials, page by page, following the Link header.
    seen: list[str] = []
    url: str | None = f"{api}/credentials?limit=2"
    pages = 0
    while url:
        page = api_session.get(url, timeout=10)
        assert page.status_code == 200
        assert page.headers["X-Total-Count"] == "3"
        seen += [c["id"] for c in page.json()["credential"]]
        url = links(page.headers["Link"]).get("next")
        pages += 1
    assert pages == 2
    assert sorted(seen) == sorted(c.credential_id for c in mine)
    assert hidden.credential_id not in seen

    # Upsert: new (201), then the same again (200).
    added = api_session.post(
        f"{api}/credentials",
        data=foreign.document,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert added.status_code == 201, added.text
    again = api_session.post(
        f"{api}/credentials",
        data=foreign.document,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert again.status_code == 200
    listed = api_session.get(f"{api}/credentials", timeout=10)
    assert listed.headers["X-Total-Count"] == "4"
    assert foreign.credential_id in [c["id"] for c in listed.json()["credential"]]

    # Profile.
    profile = api_session.get(f"{api}/profile", timeout=10).json()
    assert profile["email"] == learner.email and profile["type"] == ["Profile"]
    put = api_session.put(
        f"{api}/profile",
        data=json.dumps({**profile, "name": "Jamie Q. Rivera"}),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert put.status_code == 200 and put.json()["name"] == "Jamie Q. Rivera"
    assert api_session.get(f"{api}/profile", timeout=10).json()["name"] == "Jamie Q. Rivera"

    # Refresh: a new pair; the old access token stops working.
    renewed = requests.post(
        flow["refreshUrl"],
        data={"grant_type": "refresh_token", "refresh_token": refresh},
        auth=auth,
        timeout=10,
    )
    assert renewed.status_code == 200, renewed.text
    new_access = renewed.json()["access_token"]
    assert (
        requests.get(
            f"{api}/profile", headers={"Authorization": f"Bearer {access}"}, timeout=10
        ).status_code
        == 401
    )
    fresh = {"Authorization": f"Bearer {new_access}"}
    assert requests.get(f"{api}/profile", headers=fresh, timeout=10).status_code == 200

    # Revoke, then 401 with a challenge.
    revoked = requests.post(
        f"{base}/ims/ob/v3p0/oauth/revoke", data={"token": new_access}, auth=auth, timeout=10
    )
    assert revoked.status_code == 200
    after = requests.get(f"{api}/credentials", headers=fresh, timeout=10)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"].startswith("Bearer")
    status = after.json()
    assert status["imsx_codeMajor"] == "failure"
    minor = status["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert minor == "unauthorizedrequest"

    # A replayed refresh token is refused, and takes the refresh token it became with it.
    def refresh_with(token: str) -> requests.Response:
        return requests.post(
            flow["tokenUrl"],
            data={"grant_type": "refresh_token", "refresh_token": token},
            auth=auth,
            timeout=10,
        )

    assert refresh_with(refresh).status_code == 400
    assert refresh_with(renewed.json()["refresh_token"]).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_refusals_against_the_running_server(live_server: Any, learner) -> None:
    base = live_server.url
    doc = requests.get(f"{base}/ims/ob/v3p0/discovery", timeout=10).json()
    oauth = doc["components"]["securitySchemes"]["OAuth2ACG"]
    flow = oauth["flows"]["authorizationCode"]

    bad = requests.post(
        oauth["x-imssf-registrationUrl"],
        json=metadata(redirect_uris=["http://wallet.example/callback"]),
        timeout=10,
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_redirect_uri"

    client = requests.post(
        oauth["x-imssf-registrationUrl"],
        json=metadata(redirect_uris=[CALLBACK], scope=scopes.PROFILE_READ),
        timeout=10,
    ).json()
    browser = requests.Session()
    sign_in(browser, base, learner.email)
    base_params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "redirect_uri": CALLBACK,
        "scope": scopes.PROFILE_READ,
        "state": "s",
    }
    for extra in ({}, {"code_challenge": "p" * 43, "code_challenge_method": "plain"}):
        refused = browser.get(
            flow["authorizationUrl"], params={**base_params, **extra}, allow_redirects=False
        )
        assert refused.status_code == 302
        assert parse_qs(urlsplit(refused.headers["Location"]).query)["error"] == ["invalid_request"]

    # A token for the profile only: credentials are 403 insufficient_scope.
    verifier, challenge = pkce_pair()
    params = {**base_params, "code_challenge": challenge, "code_challenge_method": "S256"}
    consent = browser.get(flow["authorizationUrl"], params=params)
    answer = browser.post(
        flow["authorizationUrl"],
        data={**form_fields(consent.text, "/oauth/authorize"), "allow": "Authorize"},
        headers={"Referer": consent.url},
        allow_redirects=False,
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    access = requests.post(
        flow["tokenUrl"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client["client_id"], client["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    forbidden = requests.get(
        f"{base}/ims/ob/v3p0/credentials",
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
    )
    assert forbidden.status_code == 403
    assert 'error="insufficient_scope"' in forbidden.headers["WWW-Authenticate"]
