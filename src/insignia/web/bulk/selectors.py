"""Reads about bulk jobs — the access function, the problems of a dry run, the report."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.bulk.models import FIELDS, BulkJob, BulkRow
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import has_role, user_roles

#: A running job whose worker gave no sign of life for this long may be resumed.
STALE_AFTER = timedelta(minutes=2)


def access_bulk_job(*, user: User | Any, job_id: uuid.UUID | str) -> BulkJob:
    """Return a bulk job to the issuers (and owners) of its organisation.

    :raises NotFound: for unknown jobs and for people who may not see it alike.
    """
    job = (
        BulkJob.objects.filter(pk=job_id)
        .select_related("organisation", "achievement", "achievement__current_version")
        .first()
    )
    if job is None or not has_role(
        user_roles(user=user, organisation=job.organisation), Role.ISSUER
    ):
        raise NotFound()
    return job


def achievement_bulk_jobs(*, achievement: Achievement, limit: int = 20) -> list[BulkJob]:
    return list(BulkJob.objects.filter(achievement=achievement).order_by("-created_at")[:limit])


def bulk_job_is_stale(job: BulkJob) -> bool:
    """A job marked running whose worker stopped answering (killed, machine lost)."""
    if job.state not in (BulkJob.State.RUNNING, BulkJob.State.QUEUED):
        return False
    last = job.heartbeat_at or job.started_at or job.created_at
    return timezone.now() - last > STALE_AFTER


def bulk_job_problems(*, job: BulkJob, limit: int = 500) -> list[BulkRow]:
    """Rows with problems, by row number."""
    return list(
        job.rows.filter(state__in=[BulkRow.State.INVALID, BulkRow.State.SKIPPED]).order_by(
            "number"
        )[:limit]
    )


def bulk_row_preview(*, job: BulkJob, limit: int = 5) -> list[BulkRow]:
    return list(job.rows.order_by("number")[:limit])


REPORT_HEADER = ["row", *(label for _, label in FIELDS), "outcome", "credential", "problems"]


def bulk_job_report(*, job: BulkJob) -> Iterator[list[str]]:
    """One line per row: the values as read, what happened, the credential, the problems."""
    finished = job.state in (BulkJob.State.DONE, BulkJob.State.CANCELLED)
    rows = job.rows.order_by("number").values_list(
        "number", "data", "cells", "state", "credential_id", "errors"
    )
    for number, data, cells, state, credential_id, errors in rows.iterator(chunk_size=2000):
        values = [str(data.get(field, "")) for field, _ in FIELDS] if data else [""] * len(FIELDS)
        if not data and cells:
            values = [str(c) for c in cells[: len(FIELDS)]] + [""] * (len(FIELDS) - len(cells))
        outcome = {
            BulkRow.State.ISSUED: "issued",
            BulkRow.State.INVALID: "not issued: problems",
            BulkRow.State.SKIPPED: "skipped",
            BulkRow.State.VALID: "not issued (cancelled)" if finished else "waiting",
            BulkRow.State.NEW: "not checked",
        }[BulkRow.State(state)]
        link = (
            settings.INSIGNIA_BASE_URL + reverse("public:credential", args=[credential_id])
            if credential_id
            else ""
        )
        yield [str(number), *values, outcome, link, "; ".join(errors)]
