"""Learners' data export and account deletion (issue #10): the export holds every kind of data
about the person and nothing about anyone else; deletion removes the person and their files,
and every credential issued to them still verifies."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insignia.core.fetch import MappingFetcher
from insignia.web.accounts.models import User
from insignia.web.analytics.models import Event
from insignia.web.awards import services as award_services
from insignia.web.awards.models import ClaimToken, Credential, StatusList
from insignia.web.awards.verification import credential_verify
from insignia.web.common.errors import ApplicationError
from insignia.web.earning import services as earning_services
from insignia.web.earning.models import Application, EvidenceItem
from insignia.web.issuers.models import AuditEvent, Role
from insignia.web.issuers.services import membership_grant
from insignia.web.privacy import services
from insignia.web.sharing.models import LearnerProfile
from insignia.web.talent.models import ContactRequest, TalentProfile
from insignia.web.verification import engine as verification_engine
from insignia.web.wallet.models import ImportedCredential, WalletItem
from insignia.web.wallet.services import wallet_set_visibility
from tests.web.conftest import PASSWORD, png_bytes
from tests.web.earning.conftest import REQUIREMENTS, RUBRIC, fill, pdf_bytes, submit

SECRET_PDF = pdf_bytes("Lee's private analysis of the bus timetable")
OTHER_PDF = pdf_bytes("Robin's report that nobody else may see")


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.INSIGNIA_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.INSIGNIA_EVIDENCE_DIR


@pytest.fixture
def assessed(draft, staff):
    from insignia.web.achievements import services as achievement_services
    from insignia.web.earning.models import AccessPolicy

    earning_services.assessment_save(
        actor=staff["designer"], achievement_id=draft.pk, requirements=REQUIREMENTS, rubric=RUBRIC
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=draft.pk)
    earning_services.access_policy_set(
        actor=staff["designer"], achievement_id=draft.pk, mode=AccessPolicy.Mode.OPEN
    )
    draft.refresh_from_db()
    return draft


@pytest.fixture
def awarded(org, staff):
    """A second badge, awarded outright (the learner applies for ``assessed``)."""
    from insignia.web.achievements import services as achievement_services
    from tests.web.conftest import generated, version_data

    badge = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data("SQL Fundamentals"),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=badge.pk)
    return badge


def give_everything(user: User, *, assessed, awarded, staff, org, pdf: bytes, tag: str) -> dict:
    """One of each kind of data for ``user``."""
    from tests.web.earning.conftest import file

    second = EmailAddress.objects.create(user=user, email=f"{tag}@work.example", verified=True)
    claimed = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=awarded.pk, recipient_email=user.email
    )
    award_services.credential_accept(user=user, credential_id=claimed.pk)
    wallet_set_visibility(user=user, credential_id=claimed.pk, public=True)
    unclaimed = award_services.credential_issue(
        actor=staff["issuer"],
        achievement_id=awarded.pk,
        recipient_email=second.email,
        recipient_name=f"{tag} at work",
    )
    imported = ImportedCredential.objects.create(
        user=user,
        source=ImportedCredential.Source.FILE,
        filename=f"{tag}-elsewhere.png",
        media="png",
        original=png_bytes(colour="#112233" if tag == "lee" else "#445566"),
        format="ob3-png-json",
        credential_id=f"urn:uuid:{tag}-imported",
        credential={"id": f"urn:uuid:{tag}-imported"},
        name=f"{tag}'s imported badge",
        issuer_name="Elsewhere",
        valid=True,
        report={"valid": True},
        verified_at=timezone.now(),
        imported_at=timezone.now(),
    )
    application = earning_services.application_start(learner=user, achievement_id=assessed.pk)
    fill(
        application,
        user,
        **{
            "Your analysis report": earning_services.AnswerData(
                file=file(pdf, name=f"{tag}-report.pdf")
            )
        },
    )
    submit(application, user)
    profile = TalentProfile.objects.create(
        user=user, is_discoverable=True, location=f"{tag}town", updated_at=timezone.now()
    )
    ContactRequest.objects.create(
        organisation=org,
        sender=staff["owner"],
        profile=profile,
        subject=f"A job for {tag}",
        message="We liked your badges.",
        created_at=timezone.now(),
    )
    LearnerProfile.objects.create(
        user=user, is_public=True, headline=f"{tag} the analyst", updated_at=timezone.now()
    )
    Event.objects.create(
        organisation=org,
        achievement=assessed,
        credential=claimed,
        kind="view",
        channel="linkedin",
        day=date(2026, 11, 20),
    )
    from insignia.web.pathways.models import Pathway, PathwayCompletion, PathwayProgress

    pathway = Pathway.objects.create(
        organisation=org, goal=awarded, name=f"{tag}'s pathway", slug=f"{tag}-pathway"
    )
    PathwayCompletion.objects.create(
        pathway=pathway, learner=user, state="pending", completed_at=timezone.now()
    )
    PathwayProgress.objects.create(
        pathway=pathway, learner=user, met=1, total=2, updated_at=timezone.now()
    )
    return {
        "claimed": claimed,
        "unclaimed": unclaimed,
        "imported": imported,
        "application": application,
    }


@pytest.fixture
def people(assessed, awarded, staff, org, make_user):
    lee = make_user("lee.learner@example.com", "Lee Learner")
    robin = make_user("robin.other@example.com", "Robin Other")
    return {
        "lee": (
            lee,
            give_everything(
                lee,
                assessed=assessed,
                awarded=awarded,
                staff=staff,
                org=org,
                pdf=SECRET_PDF,
                tag="lee",
            ),
        ),
        "robin": (
            robin,
            give_everything(
                robin,
                assessed=assessed,
                awarded=awarded,
                staff=staff,
                org=org,
                pdf=OTHER_PDF,
                tag="robin",
            ),
        ),
    }


def read_zip(archive) -> dict[str, bytes]:
    with archive, zipfile.ZipFile(archive) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_export_holds_every_kind_of_data(people) -> None:
    lee, mine = people["lee"]
    files = read_zip(services.account_export(user=lee))
    data = json.loads(files["data.json"])
    assert data["format"] == "insignia-export/1"
    assert data["account"]["email"] == "lee.learner@example.com"
    assert data["account"]["name"] == "Lee Learner"
    assert {e["email"] for e in data["email_addresses"]} == {
        "lee.learner@example.com",
        "lee@work.example",
    }
    # Badges: the one in the wallet and the one sent to the other address, verbatim.
    by_id = {c["credential_id"]: c for c in data["credentials"]}
    claimed, unclaimed = mine["claimed"], mine["unclaimed"]
    assert by_id[claimed.credential_id]["in_wallet"] is True
    assert by_id[claimed.credential_id]["visibility"] == "public"
    assert by_id[unclaimed.credential_id]["in_wallet"] is False
    assert files[f"credentials/{claimed.pk}.json"].decode() == claimed.document
    assert files[f"credentials/{unclaimed.pk}.json"].decode() == unclaimed.document
    # Imported badge: the original bytes.
    imported = data["imported_badges"][0]
    assert imported["name"] == "lee's imported badge"
    assert files[imported["original"]] == bytes(mine["imported"].original)
    # Application, its history, its evidence and the file itself.
    (application,) = data["applications"]
    assert application["id"] == str(mine["application"].pk)
    assert application["state"] == "submitted"
    assert [h["step"] for h in application["history"]] == ["created", "submitted"]
    evidence = {e["prompt"]: e for e in application["evidence"]}
    assert evidence["Link to your notebook"]["url"] == "https://notebooks.example/lee/bus"
    report = evidence["Your analysis report"]
    assert files[report["file"]] == SECRET_PDF
    assert report["file_name"] == "lee-report.pdf"
    # Profiles, messages, activity.
    assert data["talent_profile"]["location"] == "leetown"
    assert data["talent_profile"]["messages_from_recruiters"][0]["subject"] == "A job for lee"
    assert data["public_profile"] == {"public": True, "headline": "lee the analyst"}
    assert data["badge_activity"] == [
        {
            "credential_id": claimed.credential_id,
            "kind": "view",
            "channel": "linkedin",
            "day": "2026-11-20",
        }
    ]
    assert data["pathways"]["completed"][0]["pathway"] == "lee's pathway"
    assert data["pathways"]["progress"][0]["met"] == 1
    assert data["missing_files"] == []
    assert "README.txt" in files


def test_export_lists_connected_applications(people) -> None:
    from oauth2_provider.models import Application, RefreshToken

    lee, _ = people["lee"]
    robin, _ = people["robin"]
    wallet = Application.objects.create(
        name="Example Wallet",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://wallet.example/callback",
    )
    RefreshToken.objects.create(user=lee, application=wallet, token="lee-refresh")
    data = json.loads(read_zip(services.account_export(user=lee))["data.json"])
    assert [a["name"] for a in data["connected_apps"]] == ["Example Wallet"]
    assert data["connected_apps"][0]["client_id"] == wallet.client_id
    assert "lee-refresh" not in json.dumps(data)  # never a token
    theirs = json.loads(read_zip(services.account_export(user=robin))["data.json"])
    assert theirs["connected_apps"] == []


def test_export_holds_nothing_of_anyone_else(people) -> None:
    lee, _ = people["lee"]
    _, theirs = people["robin"]
    files = read_zip(services.account_export(user=lee))
    everything = b"\n".join(files.values())
    for marker in (
        b"robin",
        b"Robin",
        str(theirs["claimed"].pk).encode(),
        str(theirs["unclaimed"].pk).encode(),
        str(theirs["application"].pk).encode(),
        bytes(theirs["imported"].original),
        OTHER_PDF,
    ):
        assert marker not in everything
    # The staff who reviewed or wrote are not named either.
    assert b"olivia.owner" not in everything


def test_export_page_downloads_a_zip(people) -> None:
    lee, _ = people["lee"]
    client = Client()
    client.force_login(lee)
    url = reverse("privacy:export")
    assert client.get(url).status_code == 405  # never started by a link or a prefetch
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="insignia-data-')
    files = read_zip(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(files["data.json"])["account"]["email"] == lee.email
    overview = client.get(reverse("privacy:overview"))
    assert overview.status_code == 200 and b"Download my data" in overview.content
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_wrong_password_deletes_nothing(people) -> None:
    lee, _ = people["lee"]
    with pytest.raises(ApplicationError) as caught:
        services.account_delete(user=lee, password="not-it")
    assert caught.value.field == "password"
    assert User.objects.filter(pk=lee.pk).exists()
    assert WalletItem.objects.filter(user=lee).exists()


def test_deletion_removes_the_person_and_keeps_credentials_verifiable(
    people, evidence_dir, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    lee, mine = people["lee"]
    robin, theirs = people["robin"]
    claimed, unclaimed = mine["claimed"], mine["unclaimed"]
    documents = {c.pk: c.document for c in (claimed, unclaimed)}
    lists_before = {s.pk: (bytes(s.bits), s.document) for s in StatusList.objects.all()}
    lee_paths = list(
        EvidenceItem.objects.filter(application__learner=lee)
        .exclude(file_path="")
        .values_list("file_path", flat=True)
    )
    robin_paths = list(
        EvidenceItem.objects.filter(application__learner=robin)
        .exclude(file_path="")
        .values_list("file_path", flat=True)
    )
    assert lee_paths and all((evidence_dir / p).exists() for p in lee_paths)
    client = Client()
    client.force_login(lee)
    assert Session.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        result = services.account_delete(user=lee, password=PASSWORD)

    assert result.credentials_anonymised == 2 and result.applications_deleted == 1
    assert result.files_deleted == len(set(lee_paths))
    # The person and everything personal is gone …
    assert not User.objects.filter(pk=lee.pk).exists()
    assert not EmailAddress.objects.filter(
        email__in=["lee.learner@example.com", "lee@work.example"]
    ).exists()
    assert not WalletItem.objects.filter(credential__in=[claimed, unclaimed]).exists()
    assert not ImportedCredential.objects.filter(pk=mine["imported"].pk).exists()
    assert not Application.objects.filter(pk=mine["application"].pk).exists()
    assert not any((evidence_dir / p).exists() for p in lee_paths)
    assert not TalentProfile.objects.filter(location="leetown").exists()
    assert not LearnerProfile.objects.filter(headline="lee the analyst").exists()
    assert not Session.objects.exists()
    assert client.get(reverse("wallet:list")).status_code == 302  # signed out
    assert not Client().login(email="lee.learner@example.com", password=PASSWORD)
    # … the credentials stay, signed as they were, without the plain address or name …
    for credential in (claimed, unclaimed):
        credential.refresh_from_db()
        assert credential.document == documents[credential.pk]
        assert credential.recipient_email == "" and credential.recipient_name == ""
        assert credential.recipient_user is None
        assert credential.recipient_hash and credential.recipient_salt
        assert not ClaimToken.objects.filter(credential=credential).exists()
        assert credential_verify(credential=credential).valid
    assert {s.pk: (bytes(s.bits), s.document) for s in StatusList.objects.all()} == lists_before
    # … and the holder's exported copy still verifies with the public verifier.
    monkeypatch.setattr(
        verification_engine,
        "verifier_fetcher",
        lambda: verification_engine.VerifierFetcher(MappingFetcher({})),
    )
    response = Client().post(
        "/api/v1/verify?email=lee.learner@example.com",
        documents[claimed.pk].encode(),
        content_type="application/json",
    )
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True
    assert report["recipient"]["matches"] == "pass"  # the hash still matches the address
    other = Client().post(
        "/api/v1/verify?email=someone.else@example.com",
        documents[claimed.pk].encode(),
        content_type="application/json",
    )
    assert other.json()["recipient"]["matches"] == "fail"
    # The audit says what happened without naming the person.
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.detail["credentials_anonymised"] == 2
    erased = AuditEvent.objects.get(action="credential.recipient_erased")
    assert erased.detail == {"count": 2}
    assert "lee" not in json.dumps([deleted.detail, erased.detail]).lower()
    # Robin is untouched.
    assert User.objects.filter(pk=robin.pk).exists()
    assert WalletItem.objects.filter(user=robin).count() == 1
    assert ImportedCredential.objects.filter(user=robin).count() == 1
    assert Application.objects.filter(learner=robin).count() == 1
    assert all((evidence_dir / p).exists() for p in robin_paths)
    theirs["unclaimed"].refresh_from_db()
    assert theirs["unclaimed"].recipient_email == "robin@work.example"
    assert ClaimToken.objects.filter(credential=theirs["unclaimed"]).exists()


def test_delete_page_confirms_with_the_password_and_emails_a_notice(
    people, django_capture_on_commit_callbacks
) -> None:
    lee, _ = people["lee"]
    client = Client()
    client.force_login(lee)
    url = reverse("privacy:delete")
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    response = client.post(url, {"password": PASSWORD})  # no tick
    assert response.status_code == 400
    assert User.objects.filter(pk=lee.pk).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not User.objects.filter(pk=lee.pk).exists()
    assert SESSION_KEY not in client.session
    assert sorted(m.to[0] for m in mail.outbox) == ["lee.learner@example.com", "lee@work.example"]
    assert all("deleted" in m.subject for m in mail.outbox)
    assert "stay valid" in mail.outbox[0].body


def test_the_last_owner_and_assessors_with_reviews_are_refused(org, staff, make_user) -> None:
    with pytest.raises(ApplicationError, match="only owner of Northbridge University"):
        services.account_delete(user=staff["owner"], password=PASSWORD)
    other = make_user("second.owner@northbridge.example")
    membership_grant(
        actor=staff["owner"], organisation_id=org.pk, email=other.email, roles=[Role.OWNER]
    )
    services.account_delete(user=staff["owner"], password=PASSWORD)
    assert not User.objects.filter(pk=staff["owner"].pk).exists()


def test_an_assessor_with_reviews_is_refused(people, staff) -> None:
    _, mine = people["lee"]
    application = mine["application"]
    application.refresh_from_db()
    from insignia.web.earning.models import Review

    Review.objects.create(
        application=application,
        revision=1,
        stage="first",
        assessor=staff["assessor"],
        decision="return",
        feedback="More detail, please.",
        created_at=timezone.now(),
    )
    with pytest.raises(ApplicationError, match="reviewed applications"):
        services.account_delete(user=staff["assessor"], password=PASSWORD)
    assert Credential.objects.count() == 4


def test_pages_are_accessible_and_linked(make_user) -> None:
    from tests.web.test_accessibility import audit

    person = make_user("sam@example.com", "Sam")
    client = Client()
    client.force_login(person)
    assert reverse("privacy:overview") in client.get(reverse("account_email")).content.decode()
    for url in (reverse("privacy:overview"), reverse("privacy:delete")):
        response = client.get(url)
        assert response.status_code == 200, url
        page = audit(response.content.decode())
        assert page.h1 == 1 and page.scripts == 0 and page.lang, url
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        unlabelled = [c for c in page.controls if c.get("id") not in page.label_for]
        assert len(unlabelled) <= page.controls_in_labels, url
    # Without a password (joined by accepting a badge) the page says how to set one first.
    person.set_unusable_password()
    person.save()
    client.force_login(person)  # changing the password ended the session
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "Set a password" in page and 'name="password"' not in page
