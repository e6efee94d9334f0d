"""Reads of the verification app, and its access functions."""

from __future__ import annotations

import uuid

from django.utils import timezone

from insignia.web.common.errors import NotFound
from insignia.web.verification.models import Submission
from insignia.web.verification.services import KEEP_FOR


def access_submission(*, submission_id: uuid.UUID) -> Submission:
    """A submission still kept (the same 404 for unknown and expired ones)."""
    found = Submission.objects.filter(
        pk=submission_id, created_at__gte=timezone.now() - KEEP_FOR
    ).first()
    if found is None:
        raise NotFound()
    return found


def batch_submissions(*, batch_id: uuid.UUID) -> list[Submission]:
    """The badges of a résumé check, in the order given (404 when none are left)."""
    found = list(
        Submission.objects.filter(batch=batch_id, created_at__gte=timezone.now() - KEEP_FOR)
    )
    if not found:
        raise NotFound()
    return found
