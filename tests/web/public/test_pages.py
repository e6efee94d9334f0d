"""Public pages: badge pages of public credentials, issuer and badge pages, 404s, negotiation."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse

from insignia.web.awards import services
from insignia.web.wallet.services import wallet_set_visibility
from tests.web.issuers.test_views import without_csrf


@pytest.fixture
def learner(make_user):
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def public_credential(published, staff, learner):
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    wallet_set_visibility(user=learner, credential_id=credential.pk, public=True)
    return credential


def test_public_credential_page_shows_live_verification(public_credential, client) -> None:
    response = client.get(reverse("public:credential", args=[public_credential.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Python for Data Analysis" in html and "Northbridge University" in html
    assert "Verified" in html and "verify--valid" in html
    assert "Use Python" in html  # skills
    assert 'alt="Python for Data Analysis badge"' in html
    assert response["Vary"] == "Accept" or "Accept" in response["Vary"]


def test_revocation_shows_immediately(public_credential, staff, client) -> None:
    services.credential_revoke(
        actor=staff["issuer"], credential_id=public_credential.pk, reason="error"
    )
    html = client.get(reverse("public:credential", args=[public_credential.pk])).content.decode()
    assert "Not verified" in html and "revoked" in html


@pytest.mark.parametrize(
    "accept",
    [
        "application/ld+json",
        "application/vc+ld+json",
        "application/json",
        "application/ld+json, text/html;q=0.5",
    ],
)
def test_content_negotiation_returns_the_credential(public_credential, client, accept: str) -> None:
    response = client.get(
        reverse("public:credential", args=[public_credential.pk]), HTTP_ACCEPT=accept
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(accept.split(",", maxsplit=1)[0])
    assert response.content.decode() == public_credential.document
    assert response["Access-Control-Allow-Origin"] == "*"


def test_browsers_get_html(public_credential, client) -> None:
    response = client.get(
        reverse("public:credential", args=[public_credential.pk]),
        HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",
    )
    assert response["Content-Type"].startswith("text/html")


def test_private_and_unknown_credentials_answer_the_same_404(
    published, staff, learner, client
) -> None:
    private = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=private.pk)
    unclaimed = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="someone@example.com"
    )
    pages = [
        client.get(reverse("public:credential", args=[pk]), HTTP_ACCEPT=accept)
        for pk in (private.pk, unclaimed.pk, uuid.uuid4())
        for accept in ("text/html", "application/ld+json")
    ]
    assert {p.status_code for p in pages} == {404}
    bodies = {without_csrf(p.content) for p in pages}
    assert len(bodies) == 1
    assert client.get(reverse("public:credential_json", args=[private.pk])).status_code == 404


def test_issuer_page_lists_published_badges_only(org, published, staff, client) -> None:
    from insignia.web.achievements.services import achievement_create
    from tests.web.conftest import generated, version_data

    achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data("Secret Draft Badge"),
        image=generated(),
    )
    html = client.get(reverse("public:issuer", args=[org.pk])).content.decode()
    assert "Python for Data Analysis" in html
    assert "Secret Draft Badge" not in html


def test_issuer_profile_as_json_ld(org, client) -> None:
    response = client.get(
        reverse("public:issuer", args=[org.pk]), HTTP_ACCEPT="application/ld+json"
    )
    profile = response.json()
    assert profile["id"] == org.did and profile["type"] == ["Profile"]
    assert profile["name"] == "Northbridge University" and profile["email"] == org.email


def test_achievement_page_and_json(published, client) -> None:
    html = client.get(reverse("public:achievement", args=[published.pk])).content.decode()
    assert "How to earn it" in html and "Pass the 3-hour practical assessment" in html
    data = client.get(
        reverse("public:achievement_version", args=[published.pk, 1]),
        HTTP_ACCEPT="application/ld+json",
    ).json()
    assert data["id"] == f"http://testserver/badges/{published.pk}/versions/1/"
    assert data["type"] == ["Achievement"] and data["criteria"]["narrative"]


def test_draft_badges_and_unknown_issuers_are_404(draft, client, db) -> None:
    assert client.get(reverse("public:achievement", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:achievement_version", args=[draft.pk, 1])).status_code == 404
    assert client.get(reverse("public:issuer", args=[uuid.uuid4()])).status_code == 404


def test_status_list_is_served_exactly(public_credential, client) -> None:
    url = json.loads(public_credential.document)["credentialStatus"]["statusListCredential"]
    path = re.sub(r"^http://testserver", "", url)
    response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode() == public_credential.status_list.document
    assert response["Content-Type"] == "application/vc+ld+json"


def test_images_are_served_with_safe_headers(published, client) -> None:
    image = published.current_version.image
    response = client.get(reverse("images:image", args=[image.pk, "svg"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    png = client.get(reverse("images:image", args=[image.pk, "png"]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get(reverse("images:image", args=[image.pk, "gif"])).status_code == 404


def test_home_page(published, client) -> None:
    html = client.get("/").content.decode()
    assert "Skip to main content" in html and "Python for Data Analysis" in html


def test_security_headers(client, db) -> None:
    response = client.get("/")
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_verification_api(public_credential, client) -> None:
    data = client.get(f"/api/v1/credentials/{public_credential.pk}/verification").json()
    assert data["valid"] is True
    assert data["credential_id"] == f"urn:uuid:{public_credential.pk}"
    codes = {c["code"]: c["outcome"] for c in data["checks"]}
    assert codes["proof.signature"] == "pass" and codes["status.revocation"] == "pass"
    assert client.get(f"/api/v1/credentials/{uuid.uuid4()}/verification").status_code == 404


def test_verification_api_hides_private_badges(published, staff, learner, client) -> None:
    private = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=private.pk)
    assert client.get(f"/api/v1/credentials/{private.pk}/verification").status_code == 404


def test_issuer_achievements_api(org, published, client) -> None:
    [badge] = client.get(f"/api/v1/issuers/{org.pk}/achievements").json()
    assert badge["name"] == "Python for Data Analysis" and badge["version"] == 1
    assert client.get(f"/api/v1/issuers/{uuid.uuid4()}/achievements").status_code == 404
