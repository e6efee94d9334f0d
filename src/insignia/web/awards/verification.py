"""Live verification of our own credentials, computed by the engine on every request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from insignia.core.report import VerificationReport
from insignia.web.awards import engine
from insignia.web.awards.fetcher import PlatformFetcher
from insignia.web.awards.models import Credential


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
    return Verification(report, now)
