"""Writes about bulk jobs: upload, map and check (dry run), issue in the background, pause,
resume, cancel.

Idempotency: a chunk of rows is claimed (``valid`` → ``issued``, conditionally) and its
credentials stored in one transaction, with the job row locked; a crash or a killed worker
rolls the chunk back, so its rows are simply issued by the next run.  Rows whose recipient
already holds the badge (not revoked) are skipped, so a second upload of the same people never
issues twice, and the same file uploaded again opens the job it already made.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from insignia.web.accounts.models import User, normalise_email
from insignia.web.achievements.models import Achievement
from insignia.web.achievements.selectors import access_achievement
from insignia.web.awards import engine
from insignia.web.awards.models import Credential
from insignia.web.awards.services import (
    RecipientData,
    credentials_create_many,
    credentials_revoke_batch,
)
from insignia.web.bulk import parsing
from insignia.web.bulk.models import FIELDS, BulkJob, BulkRow
from insignia.web.bulk.selectors import access_bulk_job, bulk_job_is_stale
from insignia.web.common.errors import ApplicationError
from insignia.web.earning.selectors import version_result_descriptions
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import audit_record

logger = logging.getLogger(__name__)

LIMITS = {"name": 150, "evidence_url": 500, "evidence_narrative": 3000, "result": 100}
LABELS = dict(FIELDS)
_url = URLValidator(schemes=["http", "https"])


class ConcurrentRun(Exception):
    """Another run claimed some of the same rows; this chunk is rolled back."""


def _published(achievement: Achievement) -> None:
    if achievement.state != Achievement.State.PUBLISHED or achievement.current_version is None:
        raise ApplicationError("Only published badges can be awarded.")


@transaction.atomic
def bulk_job_create(
    *, actor: User, achievement_id: uuid.UUID, file_name: str, data: bytes
) -> tuple[BulkJob, bool]:
    """Read an uploaded CSV/XLSX of recipients (issuers only).

    :returns: the job and whether it is new — the same file uploaded again for the same badge
        returns the job it made before (unless that one was cancelled).
    :raises ApplicationError: (field ``file``) when the file cannot be read.
    """
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.ISSUER)
    _published(achievement)
    digest = hashlib.sha256(data).hexdigest()
    existing = (
        BulkJob.objects.filter(achievement=achievement, file_hash=digest)
        .exclude(state=BulkJob.State.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing, False
    table = parsing.read_table(file_name, data)
    job = BulkJob.objects.create(
        organisation=achievement.organisation,
        achievement=achievement,
        created_by=actor,
        file_name=file_name[:255],
        file_hash=digest,
        headers=table.headers,
        mapping=parsing.guess_mapping(table.headers),
        total=len(table.rows),
    )
    BulkRow.objects.bulk_create(
        (BulkRow(job=job, number=number, cells=cells) for number, cells in table.rows),
        batch_size=1000,
    )
    audit_record(
        organisation=job.organisation,
        actor=actor,
        action="bulk.uploaded",
        obj=job,
        file=job.file_name,
        sha256=digest,
        rows=job.total,
    )
    return job, True


def _parse_date(text: str, today: date) -> tuple[str, str | None]:
    try:
        day = date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        return "", "Issue date: use the form YYYY-MM-DD (for example 2025-06-30)."
    if day > today:
        return "", "Issue date: is in the future."
    if day.year < 1970:
        return "", "Issue date: is too far in the past."
    return day.isoformat(), None


def clean_row(
    cells: Sequence[str], mapping: Mapping[str, int], today: date
) -> tuple[dict[str, str], list[str]]:
    """Map one row's cells to fields and check them; return the values and the problems."""
    values = {
        field: (cells[index].strip() if index < len(cells) else "")
        for field, index in mapping.items()
    }
    errors: list[str] = []
    email = values.get("email", "")
    if not email:
        errors.append("Email: missing.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"Email: “{email[:80]}” is not an email address.")
        else:
            values["email"] = normalise_email(email)
    for field, limit in LIMITS.items():
        if len(values.get(field, "")) > limit:
            errors.append(f"{LABELS[field]}: longer than {limit} characters.")
    if values.get("evidence_url"):
        try:
            _url(values["evidence_url"])
        except ValidationError:
            errors.append("Evidence URL: not a web address starting with http:// or https://.")
    if values.get("issue_date"):
        values["issue_date"], problem = _parse_date(values["issue_date"], today)
        if problem:
            errors.append(problem)
    return values, errors


def _holders(achievement: Achievement, emails: Sequence[str]) -> set[str]:
    """Addresses that hold this badge now (not revoked, not expired)."""
    now = timezone.now()
    found: set[str] = set()
    emails = list(emails)
    for start in range(0, len(emails), 500):
        found.update(
            Credential.objects.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=now),
                achievement=achievement,
                revoked_at__isnull=True,
                recipient_email__in=emails[start : start + 500],
            ).values_list("recipient_email", flat=True)
        )
    return found


@transaction.atomic
def bulk_job_check(*, actor: User, job_id: uuid.UUID, mapping: Mapping[str, int | None]) -> BulkJob:
    """Set the column mapping and check every row (the dry run): nothing is issued.

    Each row's problems are recorded with its row number: a missing or malformed address, an
    address already used on an earlier row, a recipient who already holds the badge, values
    too long, a malformed evidence URL or issue date.

    :raises ApplicationError: when the job has started, or no column holds the email addresses.
    """
    job = access_bulk_job(user=actor, job_id=job_id)
    job = BulkJob.objects.select_for_update().get(pk=job.pk)
    if job.state not in (BulkJob.State.UPLOADED, BulkJob.State.CHECKED):
        raise ApplicationError("This upload has already been issued; upload a new file instead.")
    clean = {
        field: int(index)
        for field, index in mapping.items()
        if field in LABELS and index is not None and 0 <= int(index) < len(job.headers)
    }
    if "email" not in clean:
        raise ApplicationError("Choose the column that holds the email addresses.", field="email")
    if len(set(clean.values())) != len(clean):
        raise ApplicationError("Each column can be used for one field only.")
    today = timezone.now().date()
    rows = list(job.rows.order_by("number").values_list("number", "cells"))
    checked: list[tuple[int, list[str], dict[str, str], list[str]]] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        values, errors = clean_row(cells, clean, today)
        email = values.get("email", "")
        if email and not errors:
            if email in first_row:
                errors.append(f"Email: {email} is also on row {first_row[email]}.")
            else:
                first_row[email] = number
        checked.append((number, cells, values, errors))
    holders = _holders(job.achievement, list(first_row))
    for _, _, values, errors in checked:
        if not errors and values["email"] in holders:
            errors.append(f"Email: {values['email']} already holds this badge.")
    job.rows.all().delete()
    BulkRow.objects.bulk_create(
        (
            BulkRow(
                job=job,
                number=number,
                cells=cells,
                data=values,
                errors=errors,
                state=BulkRow.State.INVALID if errors else BulkRow.State.VALID,
            )
            for number, cells, values, errors in checked
        ),
        batch_size=1000,
    )
    job.mapping = clean
    job.valid = sum(1 for *_, errors in checked if not errors)
    job.invalid = len(checked) - job.valid
    job.state = BulkJob.State.CHECKED
    job.save(update_fields=["mapping", "valid", "invalid", "state"])
    audit_record(
        organisation=job.organisation,
        actor=actor,
        action="bulk.checked",
        obj=job,
        valid=job.valid,
        invalid=job.invalid,
    )
    return job


def _enqueue_run(job: BulkJob) -> None:
    from insignia.web.bulk.tasks import bulk_job_run_task

    job_id = str(job.pk)
    transaction.on_commit(lambda: bulk_job_run_task.enqueue(job_id))


@transaction.atomic
def bulk_job_start(*, actor: User, job_id: uuid.UUID) -> BulkJob:
    """Queue the issuance of the rows that passed the dry run (rows with problems are left
    out and stay in the report).

    :raises ApplicationError: when the file was not checked or no row is ready.
    """
    job = access_bulk_job(user=actor, job_id=job_id)
    job = (
        BulkJob.objects.select_for_update(of=("self",)).select_related("achievement").get(pk=job.pk)
    )
    if job.state != BulkJob.State.CHECKED:
        raise ApplicationError("Check the file (dry run) before issuing.")
    if job.valid == 0:
        raise ApplicationError("No row is ready to issue; correct the file and upload it again.")
    _published(job.achievement)
    job.state = BulkJob.State.QUEUED
    job.save(update_fields=["state"])
    audit_record(organisation=job.organisation, actor=actor, action="bulk.started", obj=job)
    _enqueue_run(job)
    return job


@transaction.atomic
def bulk_job_pause(*, actor: User, job_id: uuid.UUID) -> BulkJob:
    """Stop after the chunk being issued; nothing is lost and it can be resumed."""
    job = access_bulk_job(user=actor, job_id=job_id)
    job = BulkJob.objects.select_for_update().get(pk=job.pk)
    if job.state not in (BulkJob.State.QUEUED, BulkJob.State.RUNNING):
        raise ApplicationError("Only a job that is issuing can be paused.")
    job.state = BulkJob.State.PAUSED
    job.save(update_fields=["state"])
    audit_record(organisation=job.organisation, actor=actor, action="bulk.paused", obj=job)
    return job


@transaction.atomic
def bulk_job_resume(*, actor: User | None, job_id: uuid.UUID) -> BulkJob:
    """Queue a paused or stopped job again (also one whose worker stopped answering); it
    carries on with the rows not yet issued.  ``actor`` None: the system (``bulk_resume``)."""
    if actor is not None:
        access_bulk_job(user=actor, job_id=job_id)
    job = BulkJob.objects.select_for_update().get(pk=job_id)
    resumable = job.state in (BulkJob.State.PAUSED, BulkJob.State.FAILED) or bulk_job_is_stale(job)
    if not resumable:
        raise ApplicationError("This job is not stopped.")
    job.state = BulkJob.State.QUEUED
    job.error = ""
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["state", "error", "heartbeat_at"])
    audit_record(organisation=job.organisation, actor=actor, action="bulk.resumed", obj=job)
    _enqueue_run(job)
    return job


@transaction.atomic
def bulk_job_cancel(*, actor: User, job_id: uuid.UUID) -> BulkJob:
    """Stop for good; badges already issued stay issued (revoke them as a batch if needed)."""
    job = access_bulk_job(user=actor, job_id=job_id)
    job = BulkJob.objects.select_for_update().get(pk=job.pk)
    if job.state in (BulkJob.State.DONE, BulkJob.State.CANCELLED):
        raise ApplicationError("This job has already ended.")
    job.state = BulkJob.State.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at"])
    audit_record(organisation=job.organisation, actor=actor, action="bulk.cancelled", obj=job)
    return job


@transaction.atomic
def bulk_job_revoke(*, actor: User, job_id: uuid.UUID, reason: str) -> int:
    """Revoke every badge a bulk upload issued (a stopped or finished one); each status list
    is re-signed once.  Returns how many were revoked."""
    job = access_bulk_job(user=actor, job_id=job_id)
    if job.state in (BulkJob.State.QUEUED, BulkJob.State.RUNNING):
        raise ApplicationError("Pause or cancel the job before revoking what it issued.")
    credentials = list(
        Credential.objects.filter(bulk_row__job=job, revoked_at__isnull=True).select_related(
            "organisation"
        )
    )
    count = credentials_revoke_batch(actor=actor, credentials=credentials, reason=reason)
    audit_record(
        organisation=job.organisation, actor=actor, action="bulk.revoked", obj=job, count=count
    )
    return count


def _recipient(data: Mapping[str, str]) -> RecipientData:
    evidence = []
    if data.get("evidence_url") or data.get("evidence_narrative"):
        evidence.append(
            engine.EvidenceData(
                id=data.get("evidence_url") or None,
                name="Evidence",
                narrative=data.get("evidence_narrative") or None,
            )
        )
    issued = data.get("issue_date")
    return RecipientData(
        email=data["email"],
        name=data.get("name", ""),
        evidence=evidence,
        results=[engine.ResultData(value=data["result"])] if data.get("result") else [],
        valid_from=datetime.fromisoformat(issued).replace(tzinfo=UTC) if issued else None,
    )


def _issue_chunk(job_id: uuid.UUID, size: int, result_descriptions: Any) -> bool:
    """Issue the next ``size`` ready rows in one transaction; False when there is nothing more
    to do (finished, paused or cancelled)."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            BulkJob.objects.select_for_update(of=("self",))
            .select_related("achievement", "achievement__organisation", "created_by")
            .get(pk=job_id)
        )
        if job.state != BulkJob.State.RUNNING:
            return False
        rows = list(job.rows.filter(state=BulkRow.State.VALID).order_by("number")[:size])
        if not rows:
            job.state = BulkJob.State.DONE
            job.finished_at = job.heartbeat_at = now
            job.save(update_fields=["state", "finished_at", "heartbeat_at"])
            audit_record(
                organisation=job.organisation,
                actor=None,
                action="bulk.finished",
                obj=job,
                issued=job.issued,
                skipped=job.skipped,
            )
            return False
        # One chunk per badge at a time: two jobs for the same badge (different files naming
        # the same people) would otherwise both see "not a holder yet" and both issue.  The
        # lock is the badge row; the holder check below then sees the other's committed awards.
        Achievement.objects.select_for_update().filter(pk=job.achievement_id).first()
        holders = _holders(job.achievement, [row.data["email"] for row in rows])
        skipped = [row for row in rows if row.data["email"] in holders]
        todo = [row for row in rows if row.data["email"] not in holders]
        version = job.achievement.current_version
        if version is None:
            raise ApplicationError("The badge has no published version.")
        credentials = credentials_create_many(
            achievement=job.achievement,
            version=version,
            issued_by=job.created_by,
            recipients=[_recipient(row.data) for row in todo],
            result_descriptions=result_descriptions,
            now=now,
            audit=[{"bulk_job": str(job.pk), "row": str(row.number)} for row in todo],
        )
        # Claim each row and link its credential in one conditional statement: a row another
        # run took meanwhile makes the whole chunk roll back (the one-to-one link is unique).
        ready = BulkRow.objects.filter(state=BulkRow.State.VALID)
        for row, credential in zip(todo, credentials, strict=True):
            if not ready.filter(pk=row.pk).update(
                state=BulkRow.State.ISSUED, credential=credential, issued_at=now
            ):
                raise ConcurrentRun()
        for row in skipped:
            if not ready.filter(pk=row.pk).update(
                state=BulkRow.State.SKIPPED,
                errors=[f"Email: {row.data['email']} already holds this badge."],
            ):
                raise ConcurrentRun()
        BulkJob.objects.filter(pk=job.pk).update(
            issued=F("issued") + len(todo), skipped=F("skipped") + len(skipped), heartbeat_at=now
        )
        ids = [str(c.pk) for c in credentials]
        if ids:
            transaction.on_commit(lambda: _queue_emails(ids))
    return True


def _queue_emails(ids: list[str]) -> None:
    from insignia.web.awards.tasks import claim_emails_send_task

    claim_emails_send_task.enqueue(ids)


def bulk_job_run(*, job_id: uuid.UUID | str, chunk_size: int | None = None) -> BulkJob:
    """Issue a queued job chunk by chunk until it is done, paused or cancelled (the worker's
    task).  Safe to run twice at once and after any crash: see the module docstring.

    An error stops the job (``failed``, with the message); the chunk it happened in is rolled
    back, so resuming issues exactly the rows still waiting.
    """
    now = timezone.now()
    started = BulkJob.objects.filter(
        pk=job_id, state__in=[BulkJob.State.QUEUED, BulkJob.State.RUNNING]
    ).update(state=BulkJob.State.RUNNING, heartbeat_at=now)
    BulkJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=now)
    job = BulkJob.objects.select_related("achievement__current_version").get(pk=job_id)
    if not started:
        return job
    chunk_size = chunk_size or settings.INSIGNIA_BULK_CHUNK
    version = job.achievement.current_version
    descriptions = version_result_descriptions(version=version) if version else ()
    try:
        while _issue_chunk(job.pk, chunk_size, descriptions):
            pass
    except ConcurrentRun:
        logger.info("Bulk job %s: another run is issuing it", job_id)
    except Exception as exc:
        logger.exception("Bulk job %s stopped", job_id)
        BulkJob.objects.filter(pk=job_id, state=BulkJob.State.RUNNING).update(
            state=BulkJob.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000]
        )
        audit_record(
            organisation=job.organisation,
            actor=None,
            action="bulk.failed",
            obj=job,
            error=type(exc).__name__,
        )
        raise
    job.refresh_from_db()
    return job


def bulk_jobs_resume_stale() -> list[BulkJob]:
    """Queue again every job whose worker stopped answering (run at worker start or by cron)."""
    resumed = []
    for job in BulkJob.objects.filter(state__in=[BulkJob.State.RUNNING, BulkJob.State.QUEUED]):
        if bulk_job_is_stale(job):
            resumed.append(bulk_job_resume(actor=None, job_id=job.pk))
    return resumed
