"""credential.expired: a sweep announces each credential's expiry once."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.webhooks import services
from insignia.web.webhooks.models import Delivery, EventType, ExpiryNotice

HOOK = "https://hooks.example.com/insignia"


def expiring(award, email: str, valid_until) -> Credential:
    credential = award(email)
    Credential.objects.filter(pk=credential.pk).update(valid_until=valid_until)
    credential.refresh_from_db()
    return credential


def test_sweep_announces_each_expiry_once(subscribe, award, staff) -> None:
    subscription = subscribe(HOOK, [EventType.CREDENTIAL_EXPIRED])
    now = timezone.now()
    gone = expiring(award, "gone@example.org", now - timedelta(days=1))
    later = expiring(award, "later@example.org", now + timedelta(days=10))
    revoked = expiring(award, "revoked@example.org", now - timedelta(days=2))
    award_services.credential_revoke(actor=staff["issuer"], credential_id=revoked.pk, reason="x")
    expiring(award, "forever@example.org", None)

    assert services.credentials_expired_sweep(now=now) == 1
    [delivery] = Delivery.objects.filter(subscription=subscription)
    event = json.loads(delivery.body)
    assert event["type"] == "credential.expired"
    assert event["data"]["credential"]["uuid"] == str(gone.pk)
    assert event["data"]["credential"]["valid_until"] is not None
    # remembered: a second run (and the same run again later) sends nothing new
    assert services.credentials_expired_sweep(now=now) == 0
    assert services.credentials_expired_sweep(now=now + timedelta(hours=1)) == 0
    assert set(ExpiryNotice.objects.values_list("credential_id", flat=True)) == {
        gone.pk,
        revoked.pk,
    }
    # the other one's time comes
    assert services.credentials_expired_sweep(now=now + timedelta(days=11)) == 1
    announced = [
        json.loads(d.body)["data"]["credential"]["uuid"]
        for d in Delivery.objects.filter(subscription=subscription).order_by("created_at")
    ]
    assert announced == [str(gone.pk), str(later.pk)]


def test_sweep_in_batches_and_command(subscribe, award, capsys) -> None:
    subscription = subscribe(HOOK, [EventType.CREDENTIAL_EXPIRED])
    past = timezone.now() - timedelta(days=1)
    for i in range(5):
        expiring(award, f"p{i}@example.org", past)
    assert services.credentials_expired_sweep(batch=2) == 5
    assert Delivery.objects.filter(subscription=subscription).count() == 5
    call_command("sweep_expired_credentials")
    assert "0 expired credential(s) announced" in capsys.readouterr().out
    assert Delivery.objects.filter(subscription=subscription).count() == 5


def test_expiry_is_noted_even_without_subscribers(award) -> None:
    credential = expiring(award, "a@example.org", timezone.now() - timedelta(days=1))
    assert services.credentials_expired_sweep() == 1
    assert ExpiryNotice.objects.filter(credential=credential).exists()
    assert Delivery.objects.count() == 0
