"""Awarding: the signed credential, status slots, claim emails, revocation, claiming."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail

from insignia.web.awards import services
from insignia.web.awards.models import ClaimToken, Credential, StatusList
from insignia.web.awards.selectors import credential_live_status, credentials_pending_for_user
from insignia.web.awards.verification import credential_verify
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.wallet.models import WalletItem


@pytest.fixture
def issued(published, staff, django_capture_on_commit_callbacks) -> Credential:
    with django_capture_on_commit_callbacks(execute=True):
        return services.credential_issue(
            actor=staff["issuer"],
            achievement_id=published.pk,
            recipient_email=" Jamie.Rivera@Example.com ",
            recipient_name="Jamie Rivera",
            evidence_url="https://portfolio.example/jamie",
            evidence_narrative="Built a dashboard.",
            result="Distinction",
        )


def claim_token_from_mail() -> str:
    match = re.search(r"/claim/([A-Za-z0-9_-]+)/", mail.outbox[-1].body)
    assert match is not None
    return match.group(1)


def test_issued_credential_is_signed_ob3(issued: Credential, org, published) -> None:
    doc = json.loads(issued.document)
    assert doc["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["id"] == f"urn:uuid:{issued.pk}"
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["issuer"]["id"] == org.did and doc["issuer"]["type"] == ["Profile"]
    assert doc["issuer"]["name"] == "Northbridge University"
    subject = doc["credentialSubject"]
    [identifier] = subject["identifier"]
    assert identifier["identityType"] == "emailAddress" and identifier["hashed"] is True
    assert identifier["identityHash"] == issued.recipient_hash
    assert "jamie" not in json.dumps(subject).lower()  # only the salted hash is published
    achievement = subject["achievement"]
    assert achievement["id"] == f"http://testserver/badges/{published.pk}/versions/1/"
    assert achievement["name"] == "Python for Data Analysis"
    assert achievement["alignment"][0]["targetCode"] == "S1.2.3"
    assert subject["result"] == [{"type": ["Result"], "value": "Distinction"}]
    assert doc["evidence"][0]["id"] == "https://portfolio.example/jamie"
    status = doc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListIndex"] == str(issued.status_index)
    [proof] = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == f"{org.did}#key-1"
    assert issued.recipient_email == "jamie.rivera@example.com"


def test_the_engine_verifies_it(issued: Credential) -> None:
    verification = credential_verify(credential=issued)
    assert verification.valid, [c.to_dict() for c in verification.report.checks]


def test_claim_email_is_sent(issued: Credential) -> None:
    [message] = mail.outbox
    assert message.to == ["jamie.rivera@example.com"]
    assert "Python for Data Analysis" in message.subject
    token = claim_token_from_mail()
    assert ClaimToken.objects.get(credential=issued).token_hash != token  # only the hash is kept


def test_status_list_is_published_and_signed(issued: Credential) -> None:
    status_list = StatusList.objects.get()
    doc = json.loads(status_list.document)
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["credentialSubject"]["statusPurpose"] == "revocation"
    assert "proof" in doc
    assert status_list.published_version == 1


def test_draft_cannot_be_awarded(draft, staff) -> None:
    with pytest.raises(ApplicationError, match="published"):
        services.credential_issue(
            actor=staff["issuer"], achievement_id=draft.pk, recipient_email="a@example.com"
        )


@pytest.mark.parametrize("role", ["designer", "assessor", "outsider"])
def test_only_issuers_award(published, staff, role: str) -> None:
    with pytest.raises(NotFound):
        services.credential_issue(
            actor=staff[role], achievement_id=published.pk, recipient_email="a@example.com"
        )


def test_expiry_policy_sets_valid_until(published, staff, fixed_now) -> None:
    from insignia.web.achievements.services import (
        ImageChoice,
        achievement_publish,
        achievement_update,
    )
    from tests.web.conftest import version_data

    achievement_update(
        actor=staff["designer"],
        achievement_id=published.pk,
        data=version_data(expiry_months=12),
        image=ImageChoice(),
    )
    achievement_publish(actor=staff["designer"], achievement_id=published.pk)
    credential = services.credential_issue(
        actor=staff["issuer"],
        achievement_id=published.pk,
        recipient_email="a@example.com",
        now=fixed_now,
    )
    assert credential.valid_until is not None
    assert credential.valid_until.isoformat() == "2027-11-28T12:00:00+00:00"
    assert json.loads(credential.document)["validUntil"] == "2027-11-28T12:00:00Z"
    assert credential.version.number == 2


def test_revoke_flips_the_bit_and_verification_fails(issued: Credential, staff) -> None:
    services.credential_revoke(
        actor=staff["issuer"], credential_id=issued.pk, reason="Issued in error"
    )
    issued.refresh_from_db()
    assert credential_live_status(credential=issued).code == "revoked"
    assert StatusList.objects.get().published_version == 2
    verification = credential_verify(credential=issued)
    assert not verification.valid
    with pytest.raises(ApplicationError, match="already been revoked"):
        services.credential_revoke(actor=staff["issuer"], credential_id=issued.pk, reason="again")


def test_designer_cannot_revoke(issued: Credential, staff) -> None:
    with pytest.raises(NotFound):
        services.credential_revoke(actor=staff["designer"], credential_id=issued.pk, reason="x")


def test_claim_into_existing_account_adds_the_address(issued: Credential, make_user) -> None:
    learner = make_user("jamie.personal@example.com", "Jamie Rivera")
    item = services.credential_claim(user=learner, token=claim_token_from_mail())
    assert item.user == learner and item.visibility == WalletItem.Visibility.PRIVATE
    issued.refresh_from_db()
    assert issued.recipient_user == learner
    assert "jamie.rivera@example.com" in [
        e.email for e in learner.emailaddress_set.filter(verified=True)
    ]
    # claiming again is harmless; someone else cannot take it
    assert services.credential_claim(user=learner, token=claim_token_from_mail()) == item


def test_claim_by_another_account_is_refused(issued: Credential, make_user) -> None:
    token = claim_token_from_mail()
    services.credential_claim(user=make_user("first@example.com"), token=token)
    with pytest.raises(ApplicationError, match="another account"):
        services.credential_claim(user=make_user("second@example.com"), token=token)


def test_claim_with_a_new_account(issued: Credential) -> None:
    user, item = services.credential_claim_with_new_account(
        token=claim_token_from_mail(), name="Jamie Rivera", password="a-long-unusual-passphrase"
    )
    assert user.email == "jamie.rivera@example.com"
    assert user.emailaddress_set.get().verified
    assert item.credential == issued


def test_unknown_claim_token(db) -> None:
    with pytest.raises(NotFound):
        services.credential_claim_with_new_account(token="nope", name="X", password="long-enough-1")


def test_badge_sent_to_a_verified_address_waits_in_the_wallet(
    issued: Credential, make_user
) -> None:
    learner = make_user("jamie.rivera@example.com")
    assert credentials_pending_for_user(user=learner) == [issued]
    services.credential_accept(user=learner, credential_id=issued.pk)
    assert credentials_pending_for_user(user=learner) == []
    other = make_user("other@example.com")
    with pytest.raises(NotFound):
        services.credential_accept(user=other, credential_id=issued.pk)


def test_status_indexes_are_unique_and_random(published, staff) -> None:
    indexes = {
        services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email=f"p{i}@example.com"
        ).status_index
        for i in range(5)
    }
    assert len(indexes) == 5
    assert indexes != set(range(5))


def test_a_mail_outage_does_not_undo_the_award(
    published, staff, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    def broken(**kwargs: object) -> None:
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(services, "claim_email_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        credential = services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email="a@example.com"
        )
    assert Credential.objects.filter(pk=credential.pk).exists()
    assert "Could not email the claim link" in caplog.text


def test_expired_credentials_show_as_expired(published, staff, fixed_now) -> None:
    from datetime import timedelta

    from insignia.web.achievements.services import (
        ImageChoice,
        achievement_publish,
        achievement_update,
    )
    from tests.web.conftest import version_data

    achievement_update(
        actor=staff["designer"],
        achievement_id=published.pk,
        data=version_data(expiry_months=1),
        image=ImageChoice(),
    )
    achievement_publish(actor=staff["designer"], achievement_id=published.pk)
    credential = services.credential_issue(
        actor=staff["issuer"],
        achievement_id=published.pk,
        recipient_email="a@example.com",
        now=fixed_now,
    )
    later = fixed_now + timedelta(days=40)
    assert credential_live_status(credential=credential, now=fixed_now).code == "valid"
    assert credential_live_status(credential=credential, now=later).code == "expired"
    verification = credential_verify(credential=credential, now=later)
    assert not verification.valid
    assert verification.report.outcome_of("dates.valid_until").value == "fail"


def test_badges_signed_before_a_key_rotation_still_verify(issued: Credential, staff, org) -> None:
    from insignia.web.issuers.services import signing_key_rotate

    signing_key_rotate(actor=staff["owner"], organisation_id=org.pk)
    newer = services.credential_issue(
        actor=staff["issuer"], achievement_id=issued.achievement_id, recipient_email="b@example.com"
    )
    assert json.loads(newer.document)["proof"][0]["verificationMethod"].endswith("#key-2")
    assert credential_verify(credential=issued).valid
    assert credential_verify(credential=newer).valid
    services.credential_revoke(actor=staff["issuer"], credential_id=newer.pk, reason="test")
    assert credential_verify(credential=issued).valid  # the list is now signed with key-2
    assert not credential_verify(credential=newer).valid
