"""Claim emails are delivered at least once, whatever happens on the way: the mail server
refusing, or the worker sending a batch being killed part-way.  Nothing is sent twice."""

from __future__ import annotations

import io
import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from insignia.web.awards import services
from insignia.web.awards.models import ClaimToken, Credential

LATER = timedelta(minutes=20)


def award(staff: Any, published: Any, email: str) -> Credential:
    return services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=email
    )


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A mail server that refuses the next ``left`` messages."""
    state = {"left": 0}
    real_send = EmailMultiAlternatives.send

    def send(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        if state["left"] > 0:
            state["left"] -= 1
            raise smtplib.SMTPDataError(451, b"try again later")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return state


def test_a_refused_email_keeps_the_award_and_is_sent_by_the_retry(
    staff, published, refusing, django_capture_on_commit_callbacks
) -> None:
    refusing["left"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        credential = award(staff, published, "sam@example.com")
    assert Credential.objects.filter(pk=credential.pk).exists()
    assert mail.outbox == []
    assert not ClaimToken.objects.filter(credential=credential, emailed_at__isnull=False).exists()
    now = timezone.now()
    assert services.claim_emails_retry(now=now) == 0  # too young: the normal path may yet run
    assert services.claim_emails_retry(now=now + LATER) == 1
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert services.claim_emails_retry(now=now + LATER) == 0  # never twice


def test_a_batch_cut_short_sends_the_rest_and_nothing_twice(staff, published, refusing) -> None:
    credentials = [award(staff, published, f"p{i}@example.com") for i in range(4)]
    mail.outbox.clear()
    ClaimToken.objects.all().delete()  # as if issued in bulk: no link sent yet
    ids = [c.pk for c in credentials]
    refusing["left"] = 2  # the server refuses the first two, then recovers
    assert services.claim_emails_send(credential_ids=ids) == 2
    assert services.claim_emails_send(credential_ids=ids) == 2
    assert services.claim_emails_send(credential_ids=ids) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.com" for i in range(4)]


def test_accepted_and_revoked_awards_are_not_chased(
    staff, published, make_user, refusing, django_capture_on_commit_callbacks
) -> None:
    refusing["left"] = 3
    with django_capture_on_commit_callbacks(execute=True):
        kept = award(staff, published, "kim@example.com")
        taken = award(staff, published, "lee@example.com")
        gone = award(staff, published, "max@example.com")
    services.credential_accept(user=make_user("lee@example.com"), credential_id=taken.pk)
    services.credential_revoke(actor=staff["issuer"], credential_id=gone.pk, reason="Error")
    assert services.claim_emails_retry(now=timezone.now() + LATER) == 1
    assert [m.to for m in mail.outbox] == [[kept.recipient_email]]


def test_the_retry_command(staff, published, refusing, django_capture_on_commit_callbacks) -> None:
    refusing["left"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        credential = award(staff, published, "sam@example.com")
    Credential.objects.filter(pk=credential.pk).update(
        issued_at=timezone.now() - timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("send_pending_claim_emails", stdout=out)
    assert out.getvalue().strip() == "1 claim email(s) sent."
