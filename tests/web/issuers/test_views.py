"""Organisation pages, roles on every page, and the public key documents."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from insignia.web.issuers.models import Membership, Organisation, Role
from tests.web.conftest import png_bytes, upload
from tests.web.images.test_sanitise import HOSTILE_SVGS


def test_anyone_signed_in_can_set_up_an_organisation(make_user, client_for) -> None:
    user = make_user("founder@acme.example")
    response = client_for(user).post(
        reverse("issuers:organisation_create"),
        {
            "name": "Acme Training",
            "url": "acme.example",
            "email": "Hello@Acme.Example",
            "description": "Courses.",
            "logo": upload(png_bytes()),
        },
    )
    org = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("issuers:dashboard", args=[org.pk])
    assert org.url == "https://acme.example"
    assert org.email == "hello@acme.example"
    assert org.logo is not None and org.logo.content_type == "image/png"
    assert Membership.objects.filter(organisation=org, user=user, role=Role.OWNER).exists()


def test_create_form_keeps_input_and_refuses_a_scripted_logo(make_user, client_for) -> None:
    user = make_user("founder@acme.example")
    response = client_for(user).post(
        reverse("issuers:organisation_create"),
        {
            "name": "Acme Training",
            "url": "not a url",
            "email": "hello@acme.example",
            "logo": upload(HOSTILE_SVGS["script"], "logo.svg", "image/svg+xml"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in html
    assert 'value="Acme Training"' in html
    assert not Organisation.objects.exists()
    response = client_for(user).post(
        reverse("issuers:organisation_create"),
        {
            "name": "Acme Training",
            "url": "https://acme.example",
            "email": "hello@acme.example",
            "logo": upload(HOSTILE_SVGS["script"], "logo.svg", "image/svg+xml"),
        },
    )
    assert "could run code" in response.content.decode()
    assert not Organisation.objects.exists()


def without_csrf(html: bytes) -> bytes:
    """Page bytes without the per-response CSRF token."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


OWNER_ONLY = ["issuers:organisation_edit", "issuers:team", "issuers:keys"]


@pytest.mark.parametrize("name", OWNER_ONLY)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("designer", 404),
        ("assessor", 404),
        ("issuer", 404),
        ("outsider", 404),
    ],
)
def test_owner_pages(org, staff, client_for, name: str, role: str, status: int) -> None:
    assert client_for(staff[role]).get(reverse(name, args=[org.pk])).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("designer", 200),
        ("assessor", 200),
        ("issuer", 200),
        ("outsider", 404),
    ],
)
def test_dashboard_by_role(org, staff, client_for, role: str, status: int) -> None:
    assert (
        client_for(staff[role]).get(reverse("issuers:dashboard", args=[org.pk])).status_code
        == status
    )


def test_unknown_and_forbidden_organisations_look_the_same(org, staff, client_for) -> None:
    client = client_for(staff["outsider"])
    forbidden = client.get(reverse("issuers:dashboard", args=[org.pk]))
    unknown = client.get(reverse("issuers:dashboard", args=[uuid.uuid4()]))
    assert forbidden.status_code == unknown.status_code == 404
    assert without_csrf(forbidden.content) == without_csrf(unknown.content)


def test_owner_adds_a_member_and_changes_roles(org, staff, client_for, make_user) -> None:
    newcomer = make_user("new.issuer@northbridge.example")
    client = client_for(staff["owner"])
    response = client.post(
        reverse("issuers:team", args=[org.pk]), {"email": newcomer.email, "roles": ["issuer"]}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(organisation=org, user=newcomer, role="issuer").exists()
    client.post(
        reverse("issuers:member_roles", args=[org.pk, newcomer.pk]),
        {f"m{newcomer.pk}-roles": ["designer"]},
    )
    assert list(
        Membership.objects.filter(organisation=org, user=newcomer).values_list("role", flat=True)
    ) == ["designer"]


def test_adding_unknown_person_shows_error_and_keeps_input(org, staff, client_for) -> None:
    response = client_for(staff["owner"]).post(
        reverse("issuers:team", args=[org.pk]), {"email": "ghost@example.com", "roles": ["issuer"]}
    )
    html = response.content.decode()
    assert "No account uses this email address yet." in html
    assert 'value="ghost@example.com"' in html


def test_rotate_key_view(org, staff, client_for) -> None:
    response = client_for(staff["owner"]).post(reverse("issuers:keys", args=[org.pk]))
    assert response.status_code == 302
    assert org.signing_keys.count() == 2


def test_did_document_shape(org, client_for) -> None:
    response = client_for(None).get(reverse("issuer_did", args=[org.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+json"
    doc = response.json()
    assert doc["id"] == org.did
    assert "https://www.w3.org/ns/did/v1" in doc["@context"]
    [method] = doc["verificationMethod"]
    assert method == {
        "id": f"{org.did}#key-1",
        "type": "Multikey",
        "controller": org.did,
        "publicKeyMultibase": org.signing_keys.get().public_key_multibase,
    }
    assert doc["assertionMethod"] == [f"{org.did}#key-1"]
    assert doc["alsoKnownAs"] == [f"http://testserver/issuers/{org.pk}/"]


def test_did_web_identifier_resolves_to_the_served_path(org) -> None:
    from insignia.core.dids import did_web_to_url

    assert did_web_to_url(org.did) == f"https://testserver/issuers/{org.pk}/did.json"
    assert reverse("issuer_did", args=[org.pk]) == f"/issuers/{org.pk}/did.json"


def test_jwks_shape(org, client_for) -> None:
    for url in (reverse("issuer_jwks", args=[org.pk]), reverse("platform_jwks")):
        response = client_for(None).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/jwk-set+json"
        [key] = response.json()["keys"]
        assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
        assert key["use"] == "sig" and key["kid"] == f"{org.did}#key-1" and key["iss"] == org.did
        assert "d" not in key


def test_unknown_did_document_is_404(client_for, db) -> None:
    assert client_for(None).get(reverse("issuer_did", args=[uuid.uuid4()])).status_code == 404
