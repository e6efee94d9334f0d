"""Live verification of our own credentials, computed by the engine on every request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from insignia.core.report import Outcome, VerificationReport
from insignia.web.awards import engine
from insignia.web.awards.fetcher import PlatformFetcher
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import SigningKey


@dataclass(frozen=True, slots=True)
class Verification:
    """The engine's report, and when it was computed."""

    report: VerificationReport
    checked_at: datetime

    @property
    def valid(self) -> bool:
        return self.report.valid


def credential_verify(*, credential: Credential, now: datetime | None = None) -> Verification:
    """Verify the stored document exactly as an outside verifier would (proof, status, dates).

    The issuer's DID document and status list are read through :class:`PlatformFetcher`,
    which serves the same bytes as the public URLs.
    """
    now = now or timezone.now()
    holder_email = credential.recipient_email if credential.recipient_user_id else None
    report = engine.verify(
        json.loads(credential.document),
        now=now,
        fetcher=PlatformFetcher(),
        recipient_email=holder_email,
    )
    platform_policy(credential=credential, report=report)
    return Verification(report, now)


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
