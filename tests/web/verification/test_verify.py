"""The public verifier: every input kind, the hostile ones, the API, résumés.  Every URL goes
through a fake fetcher, except the SSRF test, which uses the real one (refused before any
connection is attempted)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from insignia.core.fetch import MappingFetcher
from insignia.web.awards import engine as awards_engine
from insignia.web.awards import services as award_services
from insignia.web.verification import engine
from insignia.web.verification.describe import issuer_identity
from insignia.web.verification.explain import explain, meaning
from insignia.web.verification.models import Submission

ELSEWHERE = "https://badges.elsewhere.example"
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg">&lol2;</svg>'
)


@pytest.fixture
def offline(monkeypatch):
    """Outside documents from memory only; this site's own from the database."""
    documents: dict[str, object] = {}

    def fetcher():
        return engine.VerifierFetcher(MappingFetcher(documents))

    monkeypatch.setattr(engine, "verifier_fetcher", fetcher)
    return documents


@pytest.fixture
def badge(published, staff):
    return award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )


def _post(client, **data):
    return client.post(reverse("verification:verify"), data, follow=True)


def test_pasted_json_is_explained_check_by_check(client, badge, offline) -> None:
    response = _post(client, text=badge.document)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Verified" in page and "Python for Data Analysis" in page
    assert "Northbridge University" in page
    assert "did:web" in page and "Identified by the web domain" in page
    assert "Use Python" in page and "ESCO" in page  # the skills the badge aligns to
    assert 'data-code="proof.signature"' in page and 'data-code="status.revocation"' in page
    assert "Not revoked" in page and "Holds" in page
    assert "Issued to a hashed emailAddress" in page
    assert response["Cache-Control"] == "no-store"
    assert Submission.objects.count() == 1


def test_check_this_email_re_verifies_with_the_recipient(client, badge, offline) -> None:
    response = _post(client, text=badge.document)
    url = response.redirect_chain[-1][0]
    right = client.post(url, {"email": "sam@example.com"}).content.decode()
    assert "Matches the address you gave" in right
    wrong = client.post(url, {"email": "impostor@example.com"}).content.decode()
    assert "Does not match the address you gave" in wrong
    assert "may belong to someone else" in wrong


def test_the_email_can_be_given_with_the_badge(client, badge, offline) -> None:
    response = _post(client, text=badge.document, email="sam@example.com")
    assert "Matches the address you gave" in response.content.decode()


@pytest.mark.parametrize("svg", [False, True])
def test_baked_images_are_verified(client, badge, published, offline, svg) -> None:
    image = published.current_version.image
    art = bytes(image.data) if svg else image.png_bytes()
    baked = awards_engine.bake(art, svg=svg, credential_text=badge.document)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.svg" if svg else "b.png", baked)
    response = client.post(reverse("verification:verify"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Verified" in page
    assert ("baked into an SVG image" if svg else "baked into a PNG image") in page


def test_a_url_goes_through_the_fetcher(client, badge, offline) -> None:
    offline[f"{ELSEWHERE}/b/1.json"] = json.loads(badge.document)
    page = _post(client, text=f"{ELSEWHERE}/b/1.json").content.decode()
    assert "Verified" in page and f'fetched from <span class="keyline">{ELSEWHERE}' in page


def test_this_sites_public_badge_page_url_is_read_from_the_database(
    client, badge, offline, make_user
) -> None:
    from insignia.web.wallet.models import WalletItem

    holder = make_user("sam@example.com", "Sam")
    WalletItem.objects.create(
        user=holder, credential=badge, visibility="public", added_at=badge.issued_at
    )
    url = "http://testserver" + reverse("public:credential", args=[badge.pk])
    page = _post(client, text=url).content.decode()
    assert "Verified" in page


def test_tampered_and_revoked_badges_say_what_it_means(client, badge, staff, offline) -> None:
    document = json.loads(badge.document)
    document["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    page = _post(client, text=json.dumps(document)).content.decode()
    assert "Not verified" in page and "altered or forged" in page
    award_services.credential_revoke(actor=staff["issuer"], credential_id=badge.pk, reason="x")
    page = _post(client, text=badge.document).content.decode()
    assert "The issuer has revoked this badge." in page and "Revoked" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 10_000 + "]" * 10_000, "nests far deeper"),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "nests far deeper"),
        ("hello, I am a badge", "This is not a badge"),
        ("https://127.0.0.1/admin", "private or local network"),
        ("https://[::1]/x", "private or local network"),
        ("http://10.0.0.5/badge.json", "only fetches https://"),
    ],
)
def test_hostile_and_unusable_text_gets_a_clear_message(client, text, expected, db) -> None:
    """The real fetcher: 127.0.0.1 and other private addresses are refused (SSRF)."""
    response = _post(client, text=text)
    assert response.status_code == 422
    assert expected in response.content.decode()


def test_an_xml_bomb_svg_is_refused(client, db) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("verification:verify"), {"file": SimpleUploadedFile("x.svg", BOMB)}, follow=True
    )
    assert response.status_code == 422
    assert "declares XML entities" in response.content.decode()


def test_a_huge_upload_is_refused_before_it_is_read(client, db) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    huge = SimpleUploadedFile("huge.png", b"\x89PNG" + b"\0" * (6 * 1024 * 1024))
    response = client.post(reverse("verification:verify"), {"file": huge})
    assert response.status_code == 413
    assert "larger than 5 MB" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_empty_form_asks_for_a_badge(client, db) -> None:
    response = client.post(reverse("verification:verify"), {})
    assert "Choose a file, or paste a badge" in response.content.decode()


def test_result_pages_are_404_when_unknown(client, db) -> None:
    import uuid

    assert client.get(reverse("verification:result", args=[uuid.uuid4()])).status_code == 404


def test_api_returns_the_same_report(client, badge, offline) -> None:
    response = client.post(
        "/api/v1/verify?email=sam@example.com", badge.document, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["name"] == "Python for Data Analysis"
    assert body["issuer"]["identified_by"] == "did:web"
    assert body["recipient"] == {
        "kind": "hashed",
        "value": "emailAddress",
        "explanation": body["recipient"]["explanation"],
        "matches": "pass",
    }
    assert {c["code"] for c in body["checks"]} >= {"proof.signature", "status.revocation"}
    assert body["skills"][0]["name"] == "Use Python"


def test_api_refuses_hostile_input_with_codes(client, db) -> None:
    deep = client.post("/api/v1/verify", "[" * 10_000, content_type="application/json")
    assert deep.status_code == 422 and deep.json()["code"] == "input.too_deep"
    ssrf = client.post("/api/v1/verify", "https://127.0.0.1/", content_type="text/plain")
    assert ssrf.status_code == 422 and "forbidden_address" in ssrf.json()["code"]
    bomb = client.post("/api/v1/verify", BOMB, content_type="image/svg+xml")
    assert bomb.status_code == 422 and bomb.json()["code"] == "bake.hostile_xml"
    big = client.post("/api/v1/verify", b"x" * (5 * 1024 * 1024 + 1), content_type="text/plain")
    assert big.status_code == 413


def test_api_is_in_the_openapi_schema(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/verify"]["post"]
    assert "image/png" in operation["requestBody"]["content"]
    assert "200" in operation["responses"] and "422" in operation["responses"]


def test_resume_summarises_several_badges(client, badge, staff, published, offline) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    other = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="x@example.com"
    )
    award_services.credential_revoke(actor=staff["issuer"], credential_id=other.pk, reason="x")
    offline[f"{ELSEWHERE}/2.json"] = json.loads(other.document)
    response = client.post(
        reverse("verification:resume"),
        {
            "files": [
                SimpleUploadedFile("a.json", badge.document.encode()),
                SimpleUploadedFile("junk.txt", b"not a badge"),
            ],
            "text": f"{ELSEWHERE}/2.json\n",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 of 3 badges verified" in page
    assert "Revoked" in page and "Not a badge" in page


def test_resume_reads_a_learners_public_profile(client, badge, offline, make_user) -> None:
    from insignia.web.sharing.services import learner_profile_update
    from insignia.web.wallet.models import WalletItem

    holder = make_user("sam@example.com", "Sam")
    WalletItem.objects.create(
        user=holder, credential=badge, visibility="public", added_at=badge.issued_at
    )
    profile = learner_profile_update(user=holder, is_public=True, headline="")
    url = "http://testserver" + reverse("sharing:profile", args=[profile.pk])
    page = client.post(reverse("verification:resume"), {"text": url}, follow=True)
    assert "1 of 1 badge verified" in page.content.decode()


def test_issuer_identity_words() -> None:
    assert issuer_identity("did:web:badges.example%3A8443:issuers:1", "X").domain == (
        "badges.example:8443"
    )
    assert issuer_identity("did:key:z6Mk…", "X").kind == "did:key"
    assert issuer_identity("https://a.example/issuer", "X").domain == "a.example"


def test_unknown_codes_fall_back_to_the_engines_message() -> None:
    from insignia.core.report import Check, Outcome

    assert meaning("something.new") is None
    explained = explain(Check("something.new", Outcome.FAIL, "Engine words."))
    assert explained.meaning == "Engine words." and explained.title == "something.new"


def test_resume_expands_a_presentation_published_elsewhere(
    client, badge, staff, published, offline
) -> None:
    other = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )
    offline[f"{ELSEWHERE}/people/sam"] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [json.loads(badge.document), json.loads(other.document)],
    }
    offline[f"{ELSEWHERE}/people/sam/list"] = [json.loads(badge.document)]
    page = client.post(
        reverse("verification:resume"),
        {"text": f"{ELSEWHERE}/people/sam\n{ELSEWHERE}/people/sam/list"},
        follow=True,
    ).content.decode()
    assert "3 of 3 badges verified" in page


def test_resume_keeps_an_unreachable_address_as_one_failed_badge(client, db, offline) -> None:
    page = client.post(
        reverse("verification:resume"), {"text": f"{ELSEWHERE}/nothing-here"}, follow=True
    ).content.decode()
    assert "0 of 1 badge verified" in page


def test_a_presentation_of_forgeries_verifies_none(client, badge, offline) -> None:
    forged = json.loads(badge.document)
    forged["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    offline[f"{ELSEWHERE}/people/mallory"] = {
        "type": "VerifiablePresentation",
        "verifiableCredential": forged,
    }
    page = client.post(
        reverse("verification:resume"), {"text": f"{ELSEWHERE}/people/mallory"}, follow=True
    ).content.decode()
    assert "0 of 1 badge verified" in page
