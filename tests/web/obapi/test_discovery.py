"""The Service Description Document at /ims/ob/v3p0/discovery."""

from __future__ import annotations

from django.test import Client

from insignia.web.obapi import scopes

DISCOVERY = "/ims/ob/v3p0/discovery"


def test_discovery_document_describes_the_api(db) -> None:
    response = Client().get(DISCOVERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = response.json()
    assert doc["openapi"].startswith("3.0")
    info = doc["info"]
    assert info["title"] and info["version"] == "3.0"
    assert info["x-imssf-privacyPolicyUrl"] == "http://testserver/ims/ob/v3p0/privacy"
    assert doc["servers"][0]["url"] == "http://testserver/ims/ob/v3p0"
    scheme = doc["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == "http://testserver/ims/ob/v3p0/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "http://testserver/ims/ob/v3p0/oauth/authorize"
    assert flow["tokenUrl"] == "http://testserver/ims/ob/v3p0/oauth/token"
    assert flow["refreshUrl"] == flow["tokenUrl"]
    assert set(flow["scopes"]) == set(scopes.ALL)
    paths = doc["paths"]
    assert set(paths["/credentials"]) == {"get", "post"}
    assert set(paths["/profile"]) == {"get", "put"}
    assert paths["/credentials"]["get"]["security"] == [{"OAuth2ACG": [scopes.CREDENTIAL_READ]}]
    assert paths["/profile"]["put"]["security"] == [{"OAuth2ACG": [scopes.PROFILE_UPDATE]}]
    assert "X-Total-Count" in paths["/credentials"]["get"]["responses"]["200"]["headers"]
    # Every $ref points at a schema the document defines.
    text = response.content.decode()
    for name in (
        "Imsx_StatusInfo",
        "GetOpenBadgeCredentialsResponse",
        "Profile",
        "AchievementCredential",
        "CompactJws",
    ):
        assert f"#/components/schemas/{name}" in text
        assert name in doc["components"]["schemas"]


def test_discovery_follows_the_host_and_refuses_writes(db) -> None:
    doc = Client().get(DISCOVERY, HTTP_HOST="badges.example.edu").json()
    assert doc["servers"][0]["url"] == "http://badges.example.edu/ims/ob/v3p0"
    response = Client().post(DISCOVERY)
    assert response.status_code == 405
    assert response.json()["imsx_codeMajor"] == "failure"


def test_privacy_page_lists_the_scopes_in_words(db) -> None:
    response = Client().get("/ims/ob/v3p0/privacy")
    assert response.status_code == 200
    for words in scopes.PLAIN_WORDS.values():
        assert words in response.content.decode()
