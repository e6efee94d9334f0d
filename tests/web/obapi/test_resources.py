"""GET/POST /credentials and GET/PUT /profile with bearer tokens (the Django test client)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from insignia.web.obapi import scopes, selectors
from insignia.web.sharing.selectors import learner_profile_of
from insignia.web.wallet.models import ImportedCredential
from tests.web.obapi.conftest import bearer

CREDENTIALS = "/ims/ob/v3p0/credentials"
PROFILE = "/ims/ob/v3p0/profile"


def minor(response) -> str:
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_severity"] == "error"
    assert body["imsx_description"]
    field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldName"] == "TargetEndSystem"
    return field["imsx_codeMinorFieldValue"]


# --- authentication and scopes -----------------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(db) -> None:
    response = Client().get(CREDENTIALS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer realm=")
    assert minor(response) == "unauthorizedrequest"


def test_the_site_session_does_not_open_the_api(learner, client_for) -> None:
    response = client_for(learner).get(CREDENTIALS)
    assert response.status_code == 401


@pytest.mark.parametrize("token", ["nonsense", None])
def test_unknown_and_expired_tokens_are_401_invalid_token(learner, make_token, token) -> None:
    raw = token or make_token(learner, expired=True)
    response = Client().get(CREDENTIALS, **bearer(raw))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert minor(response) == "unauthorizedrequest"


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("get", CREDENTIALS, scopes.CREDENTIAL_READ),
        ("post", CREDENTIALS, scopes.CREDENTIAL_UPSERT),
        ("get", PROFILE, scopes.PROFILE_READ),
        ("put", PROFILE, scopes.PROFILE_UPDATE),
    ],
)
def test_each_endpoint_checks_its_own_scope(learner, make_token, method, path, needed) -> None:
    others = " ".join(s for s in scopes.ALL if s != needed)
    headers = bearer(make_token(learner, others))
    if method == "get":
        response = Client().get(path, **headers)
    else:
        response = getattr(Client(), method)(
            path, data="{}", content_type="application/json", **headers
        )
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert needed in response["WWW-Authenticate"]
    assert minor(response) == "forbidden"


def test_other_methods_are_405_with_allow(learner, make_token) -> None:
    response = Client().delete(CREDENTIALS, **bearer(make_token(learner)))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert minor(response) == "not_allowed"


def test_a_token_in_the_query_string_is_refused(learner, make_token) -> None:
    response = Client().get(CREDENTIALS, {"access_token": make_token(learner)})
    assert response.status_code == 401


# --- GET /credentials --------------------------------------------------------------------


def test_lists_the_learners_wallet_and_imports_only(
    learner, other_learner, award, make_token
) -> None:
    mine = award(learner.email, learner)
    theirs = award(other_learner.email, other_learner)
    elsewhere = award("jamie@oldschool.example")  # not in anyone's wallet
    response = Client().get(CREDENTIALS, **bearer(make_token(learner)))
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body["credential"]] == [mine.credential_id]
    assert body["compactJwsString"] == []
    assert body["credential"][0]["proof"]  # handed over as signed
    assert theirs.credential_id not in response.content.decode()
    assert elsewhere.credential_id not in response.content.decode()
    assert response["X-Total-Count"] == "1"


def test_imported_ob3_badges_are_listed_and_ob2_left_out(learner, award, make_token) -> None:
    foreign = award("jamie@oldschool.example")
    response = Client().post(
        CREDENTIALS,
        data=foreign.document,
        content_type="application/json",
        **bearer(make_token(learner)),
    )
    assert response.status_code == 201
    imported = ImportedCredential.objects.get(user=learner)
    ImportedCredential.objects.create(  # an OB 2.0 badge beside it
        **{
            f.name: getattr(imported, f.name)
            for f in ImportedCredential._meta.concrete_fields
            if f.name not in {"id", "format", "credential_id"}
        },
        format="ob2-hosted",
        credential_id="https://old.example/assertions/1",
    )
    body = Client().get(CREDENTIALS, **bearer(make_token(learner))).json()
    assert [c["id"] for c in body["credential"]] == [foreign.credential_id]


def test_paging_headers_and_links(learner, award, make_token) -> None:
    issued = [award(learner.email, learner) for _ in range(5)]
    token = make_token(learner)
    first = Client().get(CREDENTIALS, {"limit": 2}, **bearer(token))
    assert first["X-Total-Count"] == "5"
    links = first["Link"]
    assert 'offset=2>; rel="next"' in links
    assert 'offset=4>; rel="last"' in links
    assert 'offset=0>; rel="first"' in links
    assert 'rel="prev"' not in links
    seen = []
    for offset in (0, 2, 4):
        page = Client().get(CREDENTIALS, {"limit": 2, "offset": offset}, **bearer(token))
        seen += [c["id"] for c in page.json()["credential"]]
    assert sorted(seen) == sorted(c.credential_id for c in issued)
    assert len(seen) == 5
    last = Client().get(CREDENTIALS, {"limit": 2, "offset": 4}, **bearer(token))
    assert 'rel="next"' not in last["Link"]
    assert 'offset=2>; rel="prev"' in last["Link"]


def test_since_keeps_later_issues(learner, award, make_token) -> None:
    older = award(learner.email, learner)
    newer = award(learner.email, learner)
    moment = older.issued_at
    type(newer).objects.filter(pk=newer.pk).update(issued_at=moment + timedelta(days=1))
    token = make_token(learner)
    response = Client().get(CREDENTIALS, {"since": moment.isoformat()}, **bearer(token))
    assert [c["id"] for c in response.json()["credential"]] == [newer.credential_id]
    assert response["X-Total-Count"] == "1"


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"since": "yesterday"}]
)
def test_bad_query_parameters_are_400(learner, make_token, query) -> None:
    response = Client().get(CREDENTIALS, query, **bearer(make_token(learner)))
    assert response.status_code == 400
    assert minor(response) == "invalid_query_parameter"


# --- POST /credentials -------------------------------------------------------------------


def test_upsert_adds_then_finds_the_same_credential(learner, award, make_token) -> None:
    foreign = award("jamie@oldschool.example")
    token = make_token(learner)
    created = Client().post(
        CREDENTIALS, data=foreign.document, content_type="application/json", **bearer(token)
    )
    assert created.status_code == 201
    assert created.json()["id"] == foreign.credential_id
    again = Client().post(
        CREDENTIALS, data=foreign.document, content_type="application/json", **bearer(token)
    )
    assert again.status_code == 200
    assert ImportedCredential.objects.filter(user=learner).count() == 1


def test_upsert_of_a_credential_already_in_the_wallet_is_200(learner, award, make_token) -> None:
    mine = award(learner.email, learner)
    response = Client().post(
        CREDENTIALS,
        data=mine.document,
        content_type="application/json",
        **bearer(make_token(learner)),
    )
    assert response.status_code == 200
    assert not ImportedCredential.objects.filter(user=learner).exists()


def test_a_tampered_credential_is_refused(learner, award, make_token) -> None:
    document = json.loads(award("jamie@oldschool.example").document)
    document["credentialSubject"]["achievement"]["name"] = "Something grander"
    response = Client().post(
        CREDENTIALS,
        data=json.dumps(document),
        content_type="application/json",
        **bearer(make_token(learner)),
    )
    assert response.status_code == 400
    assert minor(response) == "invalid_data"
    assert "did not verify" in response.json()["imsx_description"]
    assert not ImportedCredential.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("https://badges.example/1", "text/plain", 400),
        ("{}", "application/xml", 415),
    ],
)
def test_bodies_that_are_not_credentials(learner, make_token, body, content_type, status) -> None:
    response = Client().post(
        CREDENTIALS, data=body, content_type=content_type, **bearer(make_token(learner))
    )
    assert response.status_code == status
    assert minor(response) == "invalid_data"


# --- /profile ----------------------------------------------------------------------------


def test_profile_is_the_learner(learner, other_learner, make_token) -> None:
    response = Client().get(PROFILE, **bearer(make_token(learner)))
    assert response.status_code == 200
    profile = response.json()
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Jamie Rivera"
    assert profile["email"] == learner.email
    assert profile["id"].startswith("urn:uuid:")
    other = Client().get(PROFILE, **bearer(make_token(other_learner))).json()
    assert other["id"] != profile["id"] and other["email"] == other_learner.email


def test_put_profile_updates_name_and_description(learner, make_token) -> None:
    token = make_token(learner)
    current = Client().get(PROFILE, **bearer(token)).json()
    response = Client().put(
        PROFILE,
        data=json.dumps({**current, "name": "Jamie R. Rivera", "description": "Data analyst"}),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Jamie R. Rivera"
    assert response.json()["description"] == "Data analyst"
    learner.refresh_from_db()
    assert learner.name == "Jamie R. Rivera"
    page = learner_profile_of(user=learner)
    assert page is not None and page.headline == "Data analyst" and not page.is_public


@pytest.mark.parametrize(
    "change",
    [
        {"email": "someone@else.example"},
        {"id": "urn:uuid:00000000-0000-4000-8000-000000000000"},
        {"name": "x" * 151},
        {"name": 7},
    ],
)
def test_put_profile_refuses_what_cannot_change(learner, make_token, change) -> None:
    response = Client().put(
        PROFILE,
        data=json.dumps(change),
        content_type="application/json",
        **bearer(make_token(learner)),
    )
    assert response.status_code == 400
    assert minor(response) == "invalid_data"
    learner.refresh_from_db()
    assert learner.name == "Jamie Rivera" and learner.email == "jamie.rivera@example.com"


def test_profile_id_is_stable_and_not_the_account_number(learner) -> None:
    assert selectors.profile_id(learner) == selectors.profile_id(learner)
    assert selectors.profile_id(learner) != f"urn:uuid:{learner.pk}"


def test_unknown_endpoints_are_404_in_the_api_shape(db) -> None:
    response = Client().get("/ims/ob/v3p0/credentials/123")
    assert response.status_code == 404
    assert minor(response) == "not_found"


def test_a_crash_is_a_500_in_the_api_shape(learner, make_token, monkeypatch) -> None:
    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "learner_profile", boom)
    response = Client().get(PROFILE, **bearer(make_token(learner)))
    assert response.status_code == 500
    assert minor(response) == "internal_server_error"
    assert "fire" not in response.content.decode()
