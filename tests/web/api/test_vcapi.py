"""VC-API: issue (token, the organisation's own credential), verify credentials, presentations."""

from __future__ import annotations

import copy
import json

import pytest

from insignia.web.awards import services as award_services
from insignia.web.issuers.models import AuditEvent

VC2 = "https://www.w3.org/ns/credentials/v2"
KEY = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def credential_for(org, **extra):
    return {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": org.did,
        "credentialSubject": {"id": "did:example:learner", "name": "Sam"},
        **extra,
    }


@pytest.fixture(params=["", "/api/v1/vc"])
def base(request):
    """The VC-API answers at the specification's paths and under /api/v1/vc/."""
    return request.param


def test_issue_signs_with_the_organisations_key_and_verifies(api, api_as, org, owner, base):
    response = api.post(f"{base}/credentials/issue", {"credential": credential_for(org)})
    assert response.status_code == 201, response.content
    signed = response.json()["verifiableCredential"]
    assert signed["id"].startswith("urn:uuid:") and signed["validFrom"].endswith("Z")
    assert signed["proof"]["verificationMethod"] == f"{org.did}#key-1"
    assert signed["proof"]["proofPurpose"] == "assertionMethod"
    event = AuditEvent.objects.get(action="vcapi.credential_signed")
    assert event.actor == owner and event.detail["token"].startswith("ins_")
    assert event.detail["credential"] == signed["id"]

    verified = api_as(None).post(f"{base}/credentials/verify", {"verifiableCredential": signed})
    assert verified.status_code == 200, verified.content
    body = verified.json()
    assert body["verified"] is True and body["errors"] == []
    assert "proof.signature" in body["checks"] or any(c.startswith("proof") for c in body["checks"])

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Mallory"
    refused = api_as(None).post(f"{base}/credentials/verify", {"verifiableCredential": tampered})
    assert refused.status_code == 422
    assert refused.json()["verified"] is False and refused.json()["errors"]


def test_issue_keeps_given_id_and_dates(api, org):
    credential = credential_for(
        org, id="https://northbridge.example/c/1", validFrom="2026-01-01T00:00:00Z"
    )
    signed = api.post("/credentials/issue", {"credential": credential}).json()[
        "verifiableCredential"
    ]
    assert signed["id"] == "https://northbridge.example/c/1"
    assert signed["validFrom"] == "2026-01-01T00:00:00Z"
    with_option = api.post(
        "/credentials/issue",
        {"credential": credential_for(org), "options": {"credentialId": "urn:uuid:1234"}},
    )
    assert with_option.json()["verifiableCredential"]["id"] == "urn:uuid:1234"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"@context": None}, "credential.invalid"),
        ({"type": ["Thing"]}, "credential.invalid"),
        ({"issuer": None}, "credential.invalid"),
        ({"credentialSubject": "x"}, "credential.invalid"),
        ({"credentialSubject": {"id": "not a url"}}, "credential.invalid"),
        ({"validFrom": "yesterday"}, "credential.invalid"),
        ({"id": 5}, "credential.invalid"),
        ({"issuer": "did:web:elsewhere.example"}, "credential.issuer_mismatch"),
        ({"proof": {"type": "DataIntegrityProof"}}, "credential.has_proof"),
        ({"@context": [VC2, "https://unknown.example/context.jsonld"]}, None),
    ],
)
def test_issue_refuses_malformed_credentials(api, org, change, code):
    credential = credential_for(org)
    for key, value in change.items():
        if value is None:
            credential.pop(key)
        else:
            credential[key] = value
    response = api.post("/credentials/issue", {"credential": credential})
    assert response.status_code == 400, response.content
    assert response.json()["message"]
    if code:
        assert response.json()["code"] == code


def test_issue_refuses_bodies_that_are_not_requests(api, org):
    assert (
        api.client.post(
            "/credentials/issue", b"{not json", content_type="application/json", headers=api.headers
        ).status_code
        == 400
    )
    assert api.post("/credentials/issue", []).status_code == 400
    assert api.post("/credentials/issue", {}).status_code == 400
    assert (
        api.post(
            "/credentials/issue", {"credential": credential_for(org), "options": 3}
        ).status_code
        == 400
    )


def test_issue_needs_a_token_with_the_scope(api_as, make_token, org, base):
    body = {"credential": credential_for(org)}
    assert api_as(None).post(f"{base}/credentials/issue", body).status_code == 401
    _, read_only = make_token(["credentials:read"])
    response = api_as(read_only).post(f"{base}/credentials/issue", body)
    assert response.status_code == 403 and response.json()["code"] == "token.insufficient_scope"


def test_issue_for_another_organisation_is_refused(api, other_org):
    response = api.post("/credentials/issue", {"credential": credential_for(other_org)})
    assert response.status_code == 400 and response.json()["code"] == "credential.issuer_mismatch"


def test_verify_our_badge_and_its_revocation(api_as, published, staff, base):
    credential = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )
    document = json.loads(credential.document)
    anonymous = api_as(None)
    ok = anonymous.post(f"{base}/credentials/verify", {"verifiableCredential": document})
    assert ok.status_code == 200 and ok.json()["verified"] is True
    award_services.credential_suspend(
        actor=staff["issuer"], credential_id=credential.pk, reason="Under review"
    )
    suspended = anonymous.post(f"{base}/credentials/verify", {"verifiableCredential": document})
    assert suspended.status_code == 422
    assert "status.suspension" in {e["code"] for e in suspended.json()["errors"]}
    award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    award_services.credential_revoke(
        actor=staff["issuer"], credential_id=credential.pk, reason="Misconduct"
    )
    revoked = anonymous.post(f"{base}/credentials/verify", {"verifiableCredential": document})
    assert revoked.status_code == 422
    assert "status.revocation" in {e["code"] for e in revoked.json()["errors"]}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"verifiableCredential": 42},
        {"verifiableCredential": {"type": ["VerifiableCredential"]}},
        {"verifiableCredential": "not-a-jwt"},
        {"verifiableCredential": {}, "options": "x"},
        # found by fuzzing: an empty @context list was an IndexError (500)
        {"verifiableCredential": {"@context": [], "type": ["VerifiableCredential"]}},
        {"verifiableCredential": {"@context": "", "type": ["VerifiableCredential"]}},
    ],
)
def test_verify_malformed_input_is_400(api_as, body):
    response = api_as(None).post("/credentials/verify", body)
    assert response.status_code == 400, response.content


# --- presentations ---------------------------------------------------------------------------


def presentation(*credentials, **extra):
    return {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
        **extra,
    }


@pytest.fixture
def our_badge(published, staff):
    credential = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )
    return json.loads(credential.document)


def test_unsigned_presentation_needs_the_option(api_as, our_badge, base):
    client = api_as(None)
    refused = client.post(
        f"{base}/presentations/verify", {"verifiablePresentation": presentation(our_badge)}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "presentation.unsigned"
    assert refused.json()["credentialResults"][0]["verified"] is True
    accepted = client.post(
        f"{base}/presentations/verify",
        {
            "verifiablePresentation": presentation(our_badge),
            "options": {"unsignedPresentation": True},
        },
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["verified"] is True


def test_presentation_with_a_bad_credential_fails(api_as, our_badge):
    tampered = copy.deepcopy(our_badge)
    tampered["name"] = "Something else"
    response = api_as(None).post(
        "/presentations/verify",
        {
            "verifiablePresentation": presentation(our_badge, tampered),
            "options": {"unsignedPresentation": True},
        },
    )
    assert response.status_code == 422
    results = response.json()["credentialResults"]
    assert [r["verified"] for r in results] == [True, False]


def test_presentation_with_a_bad_proof_fails(api_as, our_badge):
    forged = presentation(
        our_badge,
        proof={
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": f"did:key:{KEY}#{KEY}",
            "proofPurpose": "authentication",
            "challenge": "abc",
            "proofValue": "z" + "1" * 86,
        },
    )
    response = api_as(None).post(
        "/presentations/verify",
        {"verifiablePresentation": forged, "options": {"challenge": "other"}},
    )
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert "presentation.challenge" in codes and len(codes) >= 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"verifiablePresentation": []},
        {"verifiablePresentation": {"@context": [VC2], "type": ["VerifiableCredential"]}},
        {"verifiablePresentation": {"type": ["VerifiablePresentation"]}},
    ],
)
def test_malformed_presentations_are_400(api_as, body):
    assert api_as(None).post("/presentations/verify", body).status_code == 400


def test_issue_an_open_badges_credential(api, api_as, org):
    """The issuer's own OB 3.0 credential, signed through the VC-API, verifies as OB 3.0."""
    credential = {
        "@context": [VC2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Workshop attendance",
        "issuer": {"id": org.did, "type": ["Profile"], "name": org.name},
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "https://northbridge.example/achievements/workshop",
                "type": ["Achievement"],
                "name": "Workshop attendance",
                "description": "Attended the data workshop.",
                "criteria": {"narrative": "Attend all sessions."},
            },
        },
    }
    issued = api.post("/credentials/issue", {"credential": credential})
    assert issued.status_code == 201, issued.content
    signed = issued.json()["verifiableCredential"]
    result = api_as(None).post("/credentials/verify", {"verifiableCredential": signed})
    assert result.status_code == 200, result.content
    assert result.json()["verified"] is True


def test_vc_api_paths_do_not_clash_with_other_routes():
    """The wallet hand-over and the public badge pages keep their own routes."""
    from uuid import uuid4

    from django.urls import resolve

    for path in ("/credentials/issue", "/credentials/verify", "/presentations/verify"):
        assert resolve(path).namespace == "issuer_api", path
    assert resolve("/wallet-exchange/some-token/").view_name == "sharing:exchange"
    assert resolve(f"/credentials/{uuid4()}/").view_name == "public:credential"


def test_presentation_signed_by_the_holder_verifies(api_as, our_badge, fixed_now):
    """A holder (did:key) signs the presentation with purpose authentication: 200."""
    from insignia.core.proofs import sign
    from insignia.web.issuers.engine import new_signer

    holder = new_signer()
    key = holder.public_key.multibase
    signed = sign(
        presentation(our_badge, holder=f"did:key:{key}"),
        holder,
        verification_method=f"did:key:{key}#{key}",
        proof_purpose="authentication",
        created=fixed_now,
    )
    client = api_as(None)
    response = client.post("/presentations/verify", {"verifiablePresentation": signed})
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == ["presentation.proof"]
    assert response.json()["credentialResults"][0]["verified"] is True
    tampered = copy.deepcopy(signed)
    tampered["holder"] = "did:example:someone-else"
    refused = client.post("/presentations/verify", {"verifiablePresentation": tampered})
    assert refused.status_code == 422
    # a challenge the verifier asked for must be in the proof
    asked = client.post(
        "/presentations/verify",
        {"verifiablePresentation": signed, "options": {"challenge": "nonce-123"}},
    )
    assert asked.status_code == 422
    assert {e["code"] for e in asked.json()["errors"]} == {"presentation.challenge"}


def test_anonymous_verifiers_share_the_verifier_rate_limit(api_as, settings, base):
    from django.core.cache import cache

    cache.clear()
    settings.INSIGNIA_DISABLE_RATE_LIMITS = False
    settings.INSIGNIA_RATE_LIMITS = {"verify": "2/m"}
    client = api_as(None)
    for path in ("/credentials/verify", "/presentations/verify"):
        assert client.post(f"{base}{path}", {}).status_code == 400
    limited = client.post(f"{base}/credentials/verify", {})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    cache.clear()
