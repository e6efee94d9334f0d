"""Dynamic client registration (RFC 7591 as OB 3.0 profiles it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from oauth2_provider.models import Application

from insignia.web.obapi import scopes
from insignia.web.obapi.models import RegisteredClient
from insignia.web.obapi.registration import RegistrationError, parse_metadata
from tests.web.obapi.conftest import ALL_SCOPES, metadata

REGISTER = "/ims/ob/v3p0/oauth/register"


def post(data: Any) -> Any:
    return Client().post(REGISTER, data=json.dumps(data), content_type="application/json")


def test_registration_creates_a_confidential_code_client(db) -> None:
    response = post(metadata())
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    application = Application.objects.get(client_id=body["client_id"])
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.redirect_uris == "https://wallet.example/callback"
    assert application.name == "Example Wallet"
    # Only a hash is kept; the response is the one place the secret appears in clear.
    assert application.client_secret != body["client_secret"]
    assert check_password(body["client_secret"], application.client_secret)
    assert body["client_secret_expires_at"] == 0
    assert isinstance(body["client_id_issued_at"], int)
    for name in (
        "client_name",
        "client_uri",
        "logo_uri",
        "tos_uri",
        "policy_uri",
        "software_id",
        "software_version",
        "redirect_uris",
        "scope",
    ):
        assert body[name] == metadata()[name], name
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["response_types"] == ["code"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    registered = RegisteredClient.objects.get(application=application)
    assert registered.scope == ALL_SCOPES and registered.software_version == "1.2.3"


@pytest.mark.parametrize(
    "redirect",
    [
        "http://127.0.0.1:8765/cb",
        "http://[::1]/cb",
        "http://localhost:9000/cb",
        "https://wallet.example/other",
    ],
)
def test_https_or_loopback_redirects_are_accepted(db, redirect: str) -> None:
    assert post(metadata(redirect_uris=[redirect])).status_code == 201


@pytest.mark.parametrize(
    "redirect",
    [
        "http://wallet.example/callback",  # plain http off loopback
        "https://evil.example/callback",  # not the client's host
        "https://wallet.example/cb#fragment",
        "javascript:alert(1)",
        "/relative",
        "",
        7,
    ],
)
def test_bad_redirect_uris_are_refused(db, redirect: Any) -> None:
    response = post(metadata(redirect_uris=[redirect]))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_redirect_uri"
    assert response.json()["error_description"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"client_name": ""},
        {"software_id": None},
        {"client_uri": "http://wallet.example/"},
        {"logo_uri": "https://cdn.elsewhere.example/logo.png"},
        {"tos_uri": "https://elsewhere.example/terms"},
        {"policy_uri": "ftp://wallet.example/privacy"},
        {"scope": "openid profile"},
        {"scope": scopes.CREDENTIAL_READ + " https://purl.imsglobal.org/spec/ob/v3p0/scope/all"},
        {"scope": ""},
        {"grant_types": ["client_credentials"]},
        {"grant_types": ["authorization_code", "implicit"]},
        {"response_types": ["token"]},
        {"token_endpoint_auth_method": "none"},
    ],
)
def test_bad_metadata_is_invalid_client_metadata(db, change: dict[str, Any]) -> None:
    response = post(metadata(**change))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_metadata"
    assert not Application.objects.exists()


def test_missing_redirect_uris(db) -> None:
    data = metadata()
    del data["redirect_uris"]
    assert post(data).json()["error"] == "invalid_redirect_uri"


def test_body_must_be_json_object(db) -> None:
    response = Client().post(REGISTER, data="client_name=x", content_type="text/plain")
    assert response.json()["error"] == "invalid_client_metadata"
    assert post([metadata()]).json()["error"] == "invalid_client_metadata"


def test_registration_is_post_only(db) -> None:
    assert Client().get(REGISTER).status_code == 405


def test_parse_metadata_defaults_and_deduplicates() -> None:
    data = metadata(scope=f"{scopes.CREDENTIAL_READ} {scopes.CREDENTIAL_READ}")
    for optional in ("grant_types", "response_types", "token_endpoint_auth_method"):
        del data[optional]
    parsed = parse_metadata(data)
    assert parsed.scope == (scopes.CREDENTIAL_READ,)
    with pytest.raises(RegistrationError) as caught:
        parse_metadata("not an object")
    assert caught.value.error == "invalid_client_metadata"


def test_registration_is_rate_limited_per_address(db, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.INSIGNIA_DISABLE_RATE_LIMITS = False
    settings.INSIGNIA_RATE_LIMITS = {"register": "2/h"}
    assert [post({}).status_code for _ in range(2)] == [400, 400]
    refused = post({})
    assert refused.status_code == 429 and "Retry-After" in refused
    cache.clear()
