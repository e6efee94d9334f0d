"""Live verification of our own credentials, computed by the engine (reused for a minute)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from insignia.core.report import Outcome, VerificationReport
from insignia.web.awards import engine
from insignia.web.awards.fetcher import PlatformFetcher
from insignia.web.awards.models import Credential, StatusList
from insignia.web.issuers.models import SigningKey


@dataclass(frozen=True, slots=True)
class Verification:
    """The engine's report, and when it was computed."""

    report: VerificationReport
    checked_at: datetime

    @property
    def valid(self) -> bool:
        return self.report.valid


#: How long the engine's verdict on one of our credentials is reused.  Revocation changes the
#: cache key (the status list's published version), so a revoked badge shows as revoked at
#: once; suspension and key compromise are this platform's policy, checked on every view.
VERIFY_CACHE_SECONDS = 60


def _cache_key(credential: Credential, holder_email: str | None) -> str:
    status_version = (
        StatusList.objects.filter(pk=credential.status_list_id)
        .values_list("published_version", flat=True)
        .first()
    )
    holder = hashlib.sha256((holder_email or "").encode()).hexdigest()[:16]
    return f"insignia:verify:{credential.pk}:{status_version}:{holder}"


def _cache_seconds(credential: Credential, now: datetime) -> int:
    """Never reuse a verdict past the moment the credential expires."""
    if credential.valid_until is None:
        return VERIFY_CACHE_SECONDS
    return max(0, min(VERIFY_CACHE_SECONDS, int((credential.valid_until - now).total_seconds())))


def credential_verify(*, credential: Credential, now: datetime | None = None) -> Verification:
    """Verify the stored document exactly as an outside verifier would (proof, status, dates).

    The issuer's DID document and status list are read through :class:`PlatformFetcher`,
    which serves the same bytes as the public URLs.  The engine's verdict is reused for up to
    :data:`VERIFY_CACHE_SECONDS` (its ``checked_at`` says when it was made) unless ``now`` is
    given; the platform's own policy (suspension, compromised keys) is applied fresh each time.
    """
    holder_email = credential.recipient_email if credential.recipient_user_id else None
    key = _cache_key(credential, holder_email) if now is None else ""
    cached = cache.get(key) if key else None
    if cached is not None:
        report, checked_at = cached
    else:
        checked_at = now or timezone.now()
        report = engine.verify(
            json.loads(credential.document),
            now=checked_at,
            fetcher=PlatformFetcher(),
            recipient_email=holder_email,
        )
        seconds = _cache_seconds(credential, checked_at)
        if key and seconds:
            cache.set(key, (report, checked_at), seconds)
    platform_policy(credential=credential, report=report)
    return Verification(report, checked_at)


def _parse_instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def platform_policy(*, credential: Credential, report: VerificationReport) -> None:
    """What this platform knows beyond the signed document, added to the engine's report:

    * ``issuer.key_compromised`` fails when a proof was made with a key its owner marked
      compromised, at or after the time given (earlier proofs still verify);
    * ``status.suspension`` fails while the issuer suspends the credential, with the reason;
    * ``status.reason`` gives the issuer's reason for a revocation (already failing).
    """
    document = json.loads(credential.document)
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, dict):
            continue
        method = str(proof.get("verificationMethod", ""))
        did, _, key_id = method.partition("#")
        created = _parse_instant(proof.get("created"))
        if did != credential.organisation.did or created is None:
            continue
        key = SigningKey.objects.filter(
            organisation_id=credential.organisation_id,
            key_id=key_id,
            compromised_after__isnull=False,
        ).first()
        if key is not None and key.compromised_after and created >= key.compromised_after:
            report.add(
                "issuer.key_compromised",
                Outcome.FAIL,
                "It was signed with a key the issuer reported compromised "
                f"(from {key.compromised_after:%d %B %Y, %H:%M} UTC).",
                verification_method=method,
                compromised_after=key.compromised_after.isoformat(),
            )
    if credential.suspended_at is not None and credential.revoked_at is None:
        report.add(
            "status.suspension",
            Outcome.FAIL,
            f"The issuer has suspended this credential: {credential.suspension_reason}",
            suspended_at=credential.suspended_at.isoformat(),
        )
    if credential.revoked_at is not None and credential.revocation_reason:
        report.add(
            "status.reason",
            Outcome.FAIL,
            f"The issuer's reason: {credential.revocation_reason}",
            revoked_at=credential.revoked_at.isoformat(),
        )
