"""Badges earned elsewhere: verified by the engine, kept byte for byte, never fetched from
private addresses.  Every fetch goes through a fake fetcher: these tests never use the network."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from insignia.core.errors import ResolutionError
from insignia.core.fetch import MappingFetcher
from insignia.web.achievements import services as achievement_services
from insignia.web.awards import engine as awards_engine
from insignia.web.awards import services
from insignia.web.common.errors import ApplicationError
from insignia.web.wallet import engine
from insignia.web.wallet.models import ImportedCredential
from insignia.web.wallet.services import (
    imported_credential_create,
    imported_credential_verify,
)
from tests.web.conftest import generated, png_bytes, upload, version_data

ELSEWHERE = "https://badges.elsewhere.example"


def offline(documents: dict[str, object] | None = None) -> engine.ImportFetcher:
    """This site's documents from the database; "other sites" from memory only."""
    return engine.ImportFetcher(outside=MappingFetcher(documents or {}))


@pytest.fixture
def learner(make_user):
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def foreign(published, staff):
    """A badge of this platform's issuer sent to another address (as if earned elsewhere)."""
    return services.credential_issue(
        actor=staff["issuer"],
        achievement_id=published.pk,
        recipient_email="jamie@oldschool.example",
    )


def test_ob3_json_is_verified_and_kept_as_given(foreign, learner) -> None:
    data = foreign.document.encode("utf-8")
    imported = imported_credential_create(user=learner, data=data, fetcher=offline())
    assert imported.valid and imported.source == "paste" and imported.media == "json"
    assert bytes(imported.original) == data
    assert imported.format == "ob3-json"
    assert imported.credential_id == foreign.credential_id
    assert imported.name == "Python for Data Analysis"
    assert imported.issuer_name == "Northbridge University"
    assert {c["code"] for c in imported.report["checks"]} >= {"proof.signature", "recipient"}
    assert imported.issued_to_user is False


def test_recipient_is_recognised_among_verified_addresses(foreign, make_user) -> None:
    owner = make_user("jamie@oldschool.example", "Jamie")
    imported = imported_credential_create(
        user=owner, data=foreign.document.encode(), fetcher=offline()
    )
    assert imported.issued_to_user is True


@pytest.mark.parametrize("svg", [False, True])
def test_baked_images_are_read_and_their_picture_shown(
    foreign, learner, published, client_for, svg: bool
) -> None:
    image = published.current_version.image
    art = bytes(image.data) if svg else image.png_bytes()
    baked = awards_engine.bake(art, svg=svg, credential_text=foreign.document)
    name = "badge.svg" if svg else "badge.png"
    imported = imported_credential_create(
        user=learner, data=baked, filename=name, fetcher=offline()
    )
    assert imported.valid and imported.media == ("svg" if svg else "png")
    assert imported.format == ("ob3-svg-json" if svg else "ob3-png-json")
    assert imported.source == "file" and imported.filename == name
    response = client_for(learner).get(reverse("wallet:imported_image", args=[imported.pk]))
    assert response.content == baked
    assert "sandbox" in response["Content-Security-Policy"]


def test_tampered_badges_are_refused(foreign, learner) -> None:
    document = json.loads(foreign.document)
    document["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    with pytest.raises(ApplicationError, match="did not verify"):
        imported_credential_create(
            user=learner, data=json.dumps(document).encode(), fetcher=offline()
        )
    assert not ImportedCredential.objects.exists()


def test_revoked_badges_are_refused_and_reverification_notices_revocation(
    foreign, learner, staff
) -> None:
    imported = imported_credential_create(
        user=learner, data=foreign.document.encode(), fetcher=offline()
    )
    services.credential_revoke(actor=staff["issuer"], credential_id=foreign.pk, reason="error")
    again = imported_credential_verify(user=learner, imported_id=imported.pk, fetcher=offline())
    assert again.valid is False
    assert bytes(again.original) == foreign.document.encode()
    other = services.credential_issue(
        actor=staff["issuer"], achievement_id=foreign.achievement_id, recipient_email="x@y.example"
    )
    services.credential_revoke(actor=staff["issuer"], credential_id=other.pk, reason="error")
    with pytest.raises(ApplicationError, match="revoked"):
        imported_credential_create(user=learner, data=other.document.encode(), fetcher=offline())


def test_expired_badges_are_kept_marked_as_not_valid(org, staff, learner) -> None:
    achievement = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data("First Aid", expiry_months=12),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=achievement.pk)
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=achievement.pk, recipient_email="a@b.example"
    )
    later = datetime.now(UTC) + timedelta(days=800)
    imported = imported_credential_create(
        user=learner, data=credential.document.encode(), now=later, fetcher=offline()
    )
    assert imported.valid is False and imported.expires
    assert [c["code"] for c in imported.report["checks"] if c["outcome"] == "fail"] == [
        "dates.valid_until"
    ]


def test_url_imports_go_through_the_fetcher(foreign, learner) -> None:
    url = f"{ELSEWHERE}/credentials/42.json"
    fetcher = offline({url: foreign.document.encode()})
    imported = imported_credential_create(user=learner, url=url, fetcher=fetcher)
    assert imported.valid and imported.source == "url" and imported.source_url == url
    with pytest.raises(ApplicationError, match="could not be fetched"):
        imported_credential_create(user=learner, url=f"{ELSEWHERE}/missing", fetcher=fetcher)


def test_this_sites_public_badge_pages_can_be_imported_by_url(foreign, make_user) -> None:
    from insignia.web.wallet.services import wallet_set_visibility

    owner = make_user("jamie@oldschool.example")
    services.credential_accept(user=owner, credential_id=foreign.pk)
    wallet_set_visibility(user=owner, credential_id=foreign.pk, public=True)
    someone = make_user("someone@example.com")
    url = "http://testserver" + reverse("public:credential", args=[foreign.pk])
    imported = imported_credential_create(user=someone, url=url, fetcher=offline())
    assert imported.valid and imported.credential_id == foreign.credential_id
    with pytest.raises(ApplicationError, match="already in your wallet"):
        imported_credential_create(user=owner, data=foreign.document.encode(), fetcher=offline())


def test_the_same_badge_is_imported_once(foreign, learner) -> None:
    imported_credential_create(user=learner, data=foreign.document.encode(), fetcher=offline())
    with pytest.raises(ApplicationError, match="already imported"):
        imported_credential_create(user=learner, data=foreign.document.encode(), fetcher=offline())


def _ob2_documents(email: str) -> tuple[str, dict[str, object]]:
    salt = "pepper"
    identity = "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()
    assertion_url = f"{ELSEWHERE}/ob2/assertions/7.json"
    badge_url = f"{ELSEWHERE}/ob2/badges/welding.json"
    issuer_url = f"{ELSEWHERE}/ob2/issuer.json"
    context = "https://w3id.org/openbadges/v2"
    return assertion_url, {
        assertion_url: {
            "@context": context,
            "type": "Assertion",
            "id": assertion_url,
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": identity},
            "badge": badge_url,
            "verification": {"type": "HostedBadge"},
            "issuedOn": "2024-05-02T10:00:00Z",
        },
        badge_url: {
            "@context": context,
            "type": "BadgeClass",
            "id": badge_url,
            "name": "Safe Welding",
            "description": "Welds safely.",
            "image": f"{ELSEWHERE}/ob2/welding.png",
            "criteria": {"narrative": "Pass the practical."},
            "issuer": issuer_url,
        },
        issuer_url: {
            "@context": context,
            "type": "Issuer",
            "id": issuer_url,
            "name": "Elsewhere Trade School",
            "url": ELSEWHERE,
            "email": "badges@elsewhere.example",
        },
    }


def test_ob2_hosted_badges_are_imported_with_their_badge_class(learner) -> None:
    url, documents = _ob2_documents(learner.email)
    imported = imported_credential_create(user=learner, url=url, fetcher=offline(documents))
    assert imported.valid, imported.report
    assert imported.format == "ob2-hosted" and imported.is_ob2
    assert imported.name == "Safe Welding"
    assert imported.issuer_name == "Elsewhere Trade School"
    assert imported.issued == "2024-05-02T10:00:00Z"
    assert imported.issued_to_user is True


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/badge.json",
        "https://10.1.2.3/badge.json",
        "https://192.168.0.10/badge.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/badge.json",
        "https://localhost/badge.json",
        "http://badges.elsewhere.example/badge.json",
    ],
)
def test_the_server_never_fetches_private_addresses_or_plain_http(url: str, learner) -> None:
    fetcher = engine.import_fetcher()
    with pytest.raises(ResolutionError):
        fetcher.fetch(url, accept=engine.ACCEPT)
    with pytest.raises(ApplicationError, match="could not be fetched"):
        imported_credential_create(user=learner, url=url)


def test_not_a_badge(learner) -> None:
    for data in [b"hello", b"{}", png_bytes()]:
        with pytest.raises(ApplicationError):
            imported_credential_create(user=learner, data=data, fetcher=offline())


def test_import_pages(foreign, learner, client_for, make_user, monkeypatch) -> None:
    monkeypatch.setattr(engine, "import_fetcher", offline)
    client = client_for(learner)
    assert client.get(reverse("wallet:import")).status_code == 200
    empty = client.post(reverse("wallet:import"), {"text": ""})
    assert "Choose a file, or paste" in empty.content.decode()
    bad = client.post(reverse("wallet:import"), {"text": "not a badge"})
    assert bad.status_code == 200 and "not a badge we can read" in bad.content.decode()
    response = client.post(reverse("wallet:import"), {"text": foreign.document})
    imported = ImportedCredential.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "wallet:imported", args=[imported.pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert "Python for Data Analysis" in html and "Verified" in html
    assert "Earned elsewhere" in client.get(reverse("wallet:list")).content.decode()
    file_import = client.post(
        reverse("wallet:import"),
        {"file": upload(foreign.document.encode(), "badge.json", "application/json")},
    )
    assert "already imported" in file_import.content.decode()
    assert client.post(reverse("wallet:imported_verify", args=[imported.pk])).status_code == 302
    stranger = client_for(make_user("someone@example.com"))
    for name in ("wallet:imported", "wallet:imported_image"):
        assert stranger.get(reverse(name, args=[imported.pk])).status_code == 404
    assert stranger.post(reverse("wallet:imported_delete", args=[imported.pk])).status_code == 404
    assert client.post(reverse("wallet:imported_delete", args=[imported.pk])).status_code == 302
    assert not ImportedCredential.objects.exists()
