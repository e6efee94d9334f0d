"""API tokens: stored as hashes, owners only, the settings page, and the bearer auth rules."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insignia.web.api import services
from insignia.web.api.models import ApiToken
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import AuditEvent, Membership, Role

ACHIEVEMENTS = "/api/v1/achievements"


def test_token_is_stored_as_a_hash_and_shown_once(org, owner, fixed_now):
    token, secret = services.api_token_create(
        actor=owner,
        organisation_id=org.pk,
        name="  Moodle   sync ",
        scopes=["credentials:read", "achievements:read"],
        now=fixed_now,
    )
    assert secret.startswith("ins_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:12]
    assert token.name == "Moodle sync"
    assert token.scopes == ["achievements:read", "credentials:read"]  # canonical order
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == owner and event.detail["prefix"] == token.prefix
    assert secret not in str(event.detail)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " ", "scopes": ["achievements:read"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["admin:everything"]}, "scopes"),
    ],
)
def test_token_create_refuses_bad_input(org, owner, kwargs, field):
    with pytest.raises(ApplicationError) as exc:
        services.api_token_create(actor=owner, organisation_id=org.pk, **kwargs)
    assert exc.value.field == field


def test_expiry_in_the_past_is_refused(org, owner, fixed_now):
    with pytest.raises(ApplicationError):
        services.api_token_create(
            actor=owner,
            organisation_id=org.pk,
            name="x",
            scopes=["achievements:read"],
            expires_at=fixed_now - timedelta(days=1),
            now=fixed_now,
        )


def test_only_owners_create_and_revoke_tokens(org, staff, make_token):
    for person in ("issuer", "designer", "outsider"):
        with pytest.raises(NotFound):
            services.api_token_create(
                actor=staff[person], organisation_id=org.pk, name="x", scopes=["bulk:write"]
            )
    token, _ = make_token()
    with pytest.raises(NotFound):
        services.api_token_revoke(actor=staff["issuer"], token_id=token.pk)
    services.api_token_revoke(actor=staff["owner"], token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(ApplicationError):
        services.api_token_revoke(actor=staff["owner"], token_id=token.pk)
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


# --- authentication -----------------------------------------------------------------------


def test_no_token_is_401_with_a_code(api_as, org):
    response = api_as(None).get(ACHIEVEMENTS)
    assert response.status_code == 401
    assert response.json()["code"] == "token.missing"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(api_as, org):
    response = api_as("ins_not-a-real-token").get(ACHIEVEMENTS)
    assert response.status_code == 401 and response.json()["code"] == "token.invalid"
    response = api_as("something-else").get(ACHIEVEMENTS)
    assert response.status_code == 401 and response.json()["code"] == "token.invalid"


def test_revoked_token_is_401(api_as, make_token, owner):
    token, secret = make_token()
    assert api_as(secret).get(ACHIEVEMENTS).status_code == 200
    services.api_token_revoke(actor=owner, token_id=token.pk)
    response = api_as(secret).get(ACHIEVEMENTS)
    assert response.status_code == 401 and response.json()["code"] == "token.revoked"


def test_expired_token_is_401(api_as, make_token):
    token, secret = make_token(expires_at=timezone.now() + timedelta(hours=1))
    assert api_as(secret).get(ACHIEVEMENTS).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api_as(secret).get(ACHIEVEMENTS)
    assert response.status_code == 401 and response.json()["code"] == "token.expired"


def test_missing_scope_is_403(api_as, make_token):
    _, secret = make_token(["credentials:read"])
    response = api_as(secret).get(ACHIEVEMENTS)
    assert response.status_code == 403
    assert response.json() == {
        "code": "token.insufficient_scope",
        "message": "This token lacks the achievements:read scope.",
        "required_scope": "achievements:read",
    }
    assert api_as(secret).get("/api/v1/credentials").status_code == 200


def test_token_stops_working_when_its_creator_loses_the_role(api_as, make_token, org, staff):
    """A token acts as its creator: an owner demoted to designer no longer awards through it."""
    _, secret = make_token(["credentials:read", "achievements:read"], actor=staff["owner"])
    assert api_as(secret).get("/api/v1/credentials").status_code == 200
    Membership.objects.filter(organisation=org, user=staff["owner"]).update(role=Role.DESIGNER)
    response = api_as(secret).get("/api/v1/credentials")
    assert response.status_code == 403
    assert response.json()["code"] == "token.creator_lacks_role"
    assert api_as(secret).get(ACHIEVEMENTS).status_code == 200  # any role still reads badges


def test_use_is_recorded(api_as, make_token):
    token, secret = make_token()
    assert token.last_used_at is None
    api_as(secret).get(ACHIEVEMENTS)
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- the settings page ----------------------------------------------------------------------


def test_owner_creates_lists_and_revokes_tokens_on_the_page(client_for, org, owner):
    client = client_for(owner)
    url = reverse("issuer_api:tokens", args=[org.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"No tokens yet." in page.content
    response = client.post(
        url, {"name": "HR system", "scopes": ["credentials:read", "credentials:issue"]}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.encode() in response.content and token.prefix.encode() in response.content
    again = client.get(url)
    assert secret.encode() not in again.content  # shown once
    assert b"HR system" in again.content
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert b"Expired" in client.get(url).content
    revoke = client.post(reverse("issuer_api:token_revoke", args=[org.pk, token.pk]))
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_owners_find_the_page_from_the_organisation_settings(client_for, org, staff):
    link = reverse("issuer_api:tokens", args=[org.pk]).encode()
    dashboard = reverse("issuers:dashboard", args=[org.pk])
    assert link in client_for(staff["owner"]).get(dashboard).content
    assert link not in client_for(staff["issuer"]).get(dashboard).content


def test_page_shows_form_errors(client_for, org, owner):
    response = client_for(owner).post(
        reverse("issuer_api:tokens", args=[org.pk]), {"name": "No scopes"}
    )
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_page_is_for_owners_only(client_for, org, staff):
    url = reverse("issuer_api:tokens", args=[org.pk])
    for person in ("issuer", "designer", "outsider"):
        assert client_for(staff[person]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to sign in


def test_revoking_another_organisations_token_is_404(client_for, org, other_org, owner, make_token):
    owner_b = Membership.objects.get(organisation=other_org).user
    token, _ = make_token(actor=owner_b, organisation=other_org)
    response = client_for(owner).post(reverse("issuer_api:token_revoke", args=[org.pk, token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_passes_the_accessibility_audit(client_for, org, owner, make_token):
    from tests.web.test_accessibility import audit

    make_token()
    url = reverse("issuer_api:tokens", args=[org.pk])
    for response in (
        client_for(owner).get(url),
        client_for(owner).post(url, {"name": "x", "scopes": ["bulk:write"]}),
        client_for(owner).post(url, {"name": ""}),
    ):
        html = response.content.decode()
        page = audit(html)
        assert page.lang and page.h1 == 1
        assert {"main", "header", "footer", "nav"} <= page.tags
        assert page.scripts == 0
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, unlabelled
        assert 'href="#main"' in html
