"""The engine's verdict on our own credentials is reused for a minute, but a revocation, a
suspension or a compromised key shows at once, and nothing is reused past expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from insignia.web.awards import engine, services
from insignia.web.awards.models import Credential
from insignia.web.awards.verification import _cache_seconds, credential_verify


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    cache.clear()
    calls: list[int] = []
    real = engine.verify

    def verify(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "verify", verify)
    return calls


def award(staff, published) -> Credential:
    return services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )


def test_the_verdict_is_reused(staff, published, counted) -> None:
    credential = award(staff, published)
    first = credential_verify(credential=credential)
    second = credential_verify(credential=credential)
    assert first.valid and second.valid and len(counted) == 1
    assert second.checked_at == first.checked_at  # says when it was really checked


def test_revocation_and_suspension_show_at_once(staff, published, counted) -> None:
    credential = award(staff, published)
    assert credential_verify(credential=credential).valid
    services.credential_suspend(actor=staff["issuer"], credential_id=credential.pk, reason="Audit")
    credential.refresh_from_db()
    assert not credential_verify(credential=credential).valid
    services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    services.credential_revoke(actor=staff["issuer"], credential_id=credential.pk, reason="Error")
    credential.refresh_from_db()
    verification = credential_verify(credential=credential)
    codes = {c.code: c.outcome.value for c in verification.report.checks}
    assert codes["status.revocation"] == "fail"
    assert len(counted) == 2  # the revocation made a new verdict; suspension did not need one


def test_an_explicit_moment_is_never_cached(staff, published, counted) -> None:
    credential = award(staff, published)
    later = timezone.now() + timedelta(days=1)
    credential_verify(credential=credential, now=later)
    credential_verify(credential=credential, now=later)
    assert len(counted) == 2


def test_nothing_is_reused_past_expiry(staff, published) -> None:
    credential = award(staff, published)
    now = timezone.now()
    assert _cache_seconds(credential, now) == 60
    credential.valid_until = now + timedelta(seconds=5)
    assert _cache_seconds(credential, now) == 5
    credential.valid_until = now - timedelta(seconds=5)
    assert _cache_seconds(credential, now) == 0
