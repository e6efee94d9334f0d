"""Lifecycle: revoke (one, a selection, a bulk batch) with reasons verifiers see, suspend and
reinstate, re-award after revocation, corrections, expiry reminders and renewals, status lists
served with caching headers, and compromised keys."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from insignia.web.achievements import services as achievement_services
from insignia.web.awards import services
from insignia.web.awards.models import Credential, StatusList
from insignia.web.awards.selectors import credential_live_status
from insignia.web.awards.verification import credential_verify
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import AuditEvent, SigningKey
from insignia.web.issuers.selectors import active_signing_key, organisation_did_document
from insignia.web.issuers.services import signing_key_mark_compromised, signing_key_rotate
from tests.web.conftest import generated, version_data


def award(staff, published, email: str = "jamie@example.org", **kw) -> Credential:
    return services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=email, **kw
    )


def codes(credential: Credential) -> dict[str, str]:
    return {c.code: c.outcome.value for c in credential_verify(credential=credential).report.checks}


def messages_of(credential: Credential) -> str:
    return " ".join(c.message for c in credential_verify(credential=credential).report.failures)


def test_revocation_reason_is_shown_to_verifiers(staff, published) -> None:
    credential = award(staff, published)
    services.credential_revoke(
        actor=staff["issuer"], credential_id=credential.pk, reason="Exam misconduct"
    )
    credential.refresh_from_db()
    assert codes(credential)["status.revocation"] == "fail"
    assert "The issuer's reason: Exam misconduct" in messages_of(credential)
    with pytest.raises(ApplicationError, match="reason"):
        services.credential_revoke(actor=staff["issuer"], credential_id=credential.pk, reason=" ")


def test_revoked_badges_can_be_awarded_again(staff, published) -> None:
    first = award(staff, published)
    services.credential_revoke(actor=staff["issuer"], credential_id=first.pk, reason="Error")
    again = award(staff, published)
    assert credential_verify(credential=again).valid and again.pk != first.pk


def test_revoke_a_selection_resigns_each_list_once(staff, published) -> None:
    credentials = [award(staff, published, f"p{i}@example.org") for i in range(3)]
    before = StatusList.objects.get().published_version
    count = services.credentials_revoke(
        actor=staff["issuer"],
        credential_ids=[c.pk for c in credentials[:2]] + [credentials[0].pk],
        reason="Course withdrawn",
    )
    assert count == 2 and StatusList.objects.get().published_version == before + 1
    states = [
        credential_live_status(credential=Credential.objects.get(pk=c.pk)).code for c in credentials
    ]
    assert states == ["revoked", "revoked", "valid"]
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 2
    with pytest.raises(NotFound):
        services.credentials_revoke(
            actor=staff["designer"], credential_ids=[credentials[2].pk], reason="x"
        )


def test_suspend_and_reinstate(staff, published, client_for) -> None:
    credential = award(staff, published)
    services.credential_suspend(
        actor=staff["issuer"], credential_id=credential.pk, reason="Under investigation"
    )
    credential.refresh_from_db()
    assert credential_live_status(credential=credential).code == "suspended"
    assert codes(credential)["status.suspension"] == "fail"
    assert "suspended this credential: Under investigation" in messages_of(credential)
    with pytest.raises(ApplicationError, match="already suspended"):
        services.credential_suspend(actor=staff["issuer"], credential_id=credential.pk, reason="x")
    services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    credential.refresh_from_db()
    assert credential_verify(credential=credential).valid
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(credential.pk))][:2] == [
        "credential.reinstated",
        "credential.suspended",
    ]
    with pytest.raises(NotFound):
        services.credential_suspend(
            actor=staff["assessor"], credential_id=credential.pk, reason="x"
        )


def test_correction_reissues_and_revokes_in_one_step(staff, published) -> None:
    old = award(staff, published, recipient_name="Jamy Rivera", result="Merit")
    new = services.credential_correct(
        actor=staff["issuer"],
        credential_id=old.pk,
        recipient_name="Jamie Rivera",
        result="Distinction",
        reason="Name misspelt, wrong grade",
    )
    old.refresh_from_db()
    assert new.supersedes_id == old.pk and new.supersede_kind == "correction"
    assert new.recipient_email == old.recipient_email and new.recipient_name == "Jamie Rivera"
    doc = json.loads(new.document)
    assert doc["credentialSubject"]["result"][0]["value"] == "Distinction"
    assert credential_verify(credential=new).valid
    assert old.revocation_reason == "Replaced by a corrected credential."
    assert not credential_verify(credential=old).valid
    with pytest.raises(ApplicationError, match="revoked"):
        services.credential_correct(actor=staff["issuer"], credential_id=old.pk, recipient_name="x")


@pytest.fixture
def expiring(org, staff):
    badge = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data("First Aid", expiry_months=12),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=badge.pk)
    badge.refresh_from_db()
    return badge


def test_valid_until_reminders_and_renewal(staff, expiring) -> None:
    issued_at = timezone.now() - timedelta(days=350)
    old = award(staff, expiring, now=issued_at)
    doc = json.loads(old.document)
    assert doc["validUntil"] and old.valid_until is not None
    assert old.valid_until - timezone.now() < timedelta(days=30)
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_expiry_reminders", "--days", "30", stdout=out)
    call_command("send_expiry_reminders", stdout=out)  # once per credential
    assert out.getvalue() == "1 expiry reminder(s) sent.\n0 expiry reminder(s) sent.\n"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jamie@example.org"] and "expires on" in message.subject
    assert f"/badges/{expiring.pk}/apply/" in message.body
    new = services.credential_renew(actor=staff["issuer"], credential_id=old.pk)
    assert new.supersedes_id == old.pk and new.supersede_kind == "renewal"
    assert new.valid_until is not None and new.valid_until > old.valid_until
    assert credential_verify(credential=new).valid
    # a renewed badge gets no further reminders
    Credential.objects.filter(pk=old.pk).update(expiry_reminded_at=None)
    assert services.expiry_reminders_send(days=30) == 0


def test_earning_it_again_renews_the_expired_badge(staff, expiring) -> None:
    old = award(staff, expiring, now=timezone.now() - timedelta(days=400))
    assert credential_live_status(credential=old).code == "expired"
    again = award(staff, expiring)
    assert again.supersedes_id == old.pk and again.supersede_kind == "renewal"


def test_status_list_is_served_with_etag_and_revalidation(staff, published, client) -> None:
    credential = award(staff, published)
    url = json.loads(credential.document)["credentialStatus"]["statusListCredential"]
    path = re.sub(r"^http://testserver", "", url)
    first = client.get(path)
    assert first["Cache-Control"] == "public, no-cache" and first["ETag"]
    assert first["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304
    services.credential_revoke(actor=staff["issuer"], credential_id=credential.pk, reason="x")
    after = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200 and after["ETag"] != first["ETag"]  # seen at once


def test_compromised_key_fails_what_it_signed_after_the_time(org, staff, published) -> None:
    t0 = timezone.now().replace(microsecond=0)
    before = award(staff, published, "before@example.org", now=t0 - timedelta(hours=2))
    after = award(staff, published, "after@example.org", now=t0 - timedelta(minutes=10))
    key = active_signing_key(organisation=org)
    assert key is not None
    signing_key_mark_compromised(
        actor=staff["owner"],
        organisation_id=org.pk,
        key_id=key.pk,
        compromised_after=t0 - timedelta(hours=1),
    )
    key.refresh_from_db()
    assert key.retired_at is not None
    new_key = active_signing_key(organisation=org)
    assert new_key is not None and new_key.pk != key.pk
    before.refresh_from_db()
    after.refresh_from_db()
    assert credential_verify(credential=before).valid
    assert codes(after)["issuer.key_compromised"] == "fail"
    assert codes(after)["proof.signature"] == "pass"  # the signature itself is intact
    # the key stays in the DID document; status lists are re-signed with the new key
    ids = [m["id"] for m in organisation_did_document(organisation=org)["verificationMethod"]]
    assert f"{org.did}#{key.key_id}" in ids
    status = StatusList.objects.get()
    assert json.loads(status.document)["proof"][0]["verificationMethod"].endswith(new_key.key_id)
    fresh = award(staff, published, "fresh@example.org")
    assert credential_verify(credential=fresh).valid
    assert AuditEvent.objects.filter(action="signing_key.compromised").count() == 1
    with pytest.raises(ApplicationError, match="already"):
        signing_key_mark_compromised(
            actor=staff["owner"], organisation_id=org.pk, key_id=key.pk, compromised_after=t0
        )
    with pytest.raises(NotFound):
        signing_key_mark_compromised(
            actor=staff["issuer"], organisation_id=org.pk, key_id=new_key.pk, compromised_after=t0
        )


def test_retired_keys_still_verify(org, staff, published) -> None:
    credential = award(staff, published)
    signing_key_rotate(actor=staff["owner"], organisation_id=org.pk)
    assert SigningKey.objects.filter(organisation=org).count() == 2
    assert credential_verify(credential=credential).valid


def test_lifecycle_pages(staff, published, client_for) -> None:
    credential = award(staff, published, recipient_name="Jamy")
    client = client_for(staff["issuer"])
    page = client.get(reverse("awards:detail", args=[credential.pk]))
    assert b"Suspend this badge" in page.content and b"Re-issue with corrections" in page.content
    client.post(reverse("awards:suspend", args=[credential.pk]), {"reason": "Checking"})
    assert Credential.objects.get(pk=credential.pk).suspended_at is not None
    client.post(reverse("awards:reinstate", args=[credential.pk]))
    assert Credential.objects.get(pk=credential.pk).suspended_at is None
    response = client.post(
        reverse("awards:correct", args=[credential.pk]),
        {"recipient_name": "Jamie", "reason": "Typo"},
    )
    new = Credential.objects.get(supersedes=credential)
    assert response["Location"] == reverse("awards:detail", args=[new.pk])
    others = [award(staff, published, f"o{i}@example.org") for i in range(2)]
    page = client.get(reverse("awards:revoke_selection", args=[published.pk]))
    assert page.status_code == 200 and b"o0@example.org" in page.content
    client.post(
        reverse("awards:revoke_selection", args=[published.pk]),
        {"credentials": [str(others[0].pk)], "reason": "Withdrawn"},
    )
    assert Credential.objects.get(pk=others[0].pk).revocation_reason == "Withdrawn"
    assert Credential.objects.get(pk=others[1].pk).revoked_at is None
    outsider = client_for(staff["designer"])
    assert outsider.get(reverse("awards:revoke_selection", args=[published.pk])).status_code == 404
    assert (
        outsider.post(reverse("awards:suspend", args=[new.pk]), {"reason": "x"}).status_code == 404
    )


def test_key_compromise_page(org, staff, client_for) -> None:
    key = active_signing_key(organisation=org)
    assert key is not None
    owner = client_for(staff["owner"])
    page = owner.get(reverse("issuers:keys", args=[org.pk]))
    assert b"Mark the key compromised" in page.content
    when = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"key": str(key.pk), "compromised_after": when}
    owner.post(reverse("issuers:key_compromise", args=[org.pk]), form)
    key.refresh_from_db()
    assert key.compromised_after is None  # not confirmed
    owner.post(reverse("issuers:key_compromise", args=[org.pk]), {**form, "confirm": "on"})
    key.refresh_from_db()
    assert key.compromised_after is not None and key.retired_at is not None
    assert b"Compromised from" in owner.get(reverse("issuers:keys", args=[org.pk])).content
    issuer = client_for(staff["issuer"])
    assert issuer.post(reverse("issuers:key_compromise", args=[org.pk]), form).status_code == 404
