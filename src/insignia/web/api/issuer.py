"""The issuer REST API: badges, awards, revocation and bulk jobs of the token's organisation.

Mounted on the site's NinjaAPI at ``/api/v1/`` (see ``public/api.py``).  Every endpoint
needs a token with one scope; everything is looked up within the token's organisation, and
the services run as the token's creator (``TokenContext.acting``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import achievement_latest_version, version_url
from insignia.web.api import audit, paging, selectors
from insignia.web.api.auth import TokenAuth, context, document_scopes
from insignia.web.api.errors import BadRequest, Invalid, TooLarge
from insignia.web.api.schemas import (
    AchievementIn,
    AchievementOut,
    AchievementPage,
    AlignmentOut,
    AwardIn,
    BulkJobOut,
    BulkReportPage,
    BulkRowOut,
    CredentialDetailOut,
    CredentialOut,
    CredentialPage,
    ErrorOut,
    ReasonIn,
    RevokedOut,
    RevokeManyIn,
)
from insignia.web.api.scopes import Scope
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.awards.selectors import credential_document, credential_live_status
from insignia.web.bulk import selectors as bulk_selectors
from insignia.web.bulk import services as bulk_services
from insignia.web.bulk.models import FIELDS, BulkJob
from insignia.web.bulk.parsing import MAX_FILE_BYTES
from insignia.web.common.errors import NotFound
from insignia.web.images.designs import Design
from insignia.web.images.selectors import image_url

#: Error answers every token endpoint can give (documented in the OpenAPI schema).
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

achievements = Router(tags=["achievements"])
credentials = Router(tags=["credentials"])
bulk = Router(tags=["bulk jobs"])


# --- achievements ----------------------------------------------------------------------------


def _achievement_out(achievement: Achievement, latest: AchievementVersion | None) -> AchievementOut:
    assert latest is not None  # every achievement is created with version 1
    current = achievement.current_version
    return AchievementOut(
        id=achievement.pk,
        state=achievement.state,
        name=latest.name,
        description=latest.description,
        criteria=latest.criteria,
        achievement_type=latest.achievement_type,
        language=latest.language,
        tags=list(latest.tags),
        expiry_months=latest.expiry_months,
        image=image_url(latest.image),
        version=latest.number,
        published_version=current.number if current is not None else None,
        has_draft=not latest.is_published,
        alignments=[
            AlignmentOut(
                target_name=a.target_name,
                target_url=a.target_url,
                target_framework=a.target_framework,
                target_code=a.target_code,
            )
            for a in latest.alignments.all()
        ],
        url=version_url(current) if current is not None else None,
        created_at=achievement.created_at,
        updated_at=achievement.updated_at,
    )


def _one_achievement(achievement: Achievement) -> AchievementOut:
    return _achievement_out(achievement, achievement_latest_version(achievement=achievement))


def _version_data(body: AchievementIn) -> achievement_services.VersionData:
    return achievement_services.VersionData(
        name=body.name,
        description=body.description,
        criteria=body.criteria,
        achievement_type=str(body.achievement_type.value),
        language=body.language,
        expiry_months=body.expiry_months,
        tags=tuple(body.tags),
        alignments=tuple(achievement_services.AlignmentData(**a.dict()) for a in body.alignments),
    )


def _image(body: AchievementIn, *, required: bool) -> achievement_services.ImageChoice:
    if body.design is None and not required:
        return achievement_services.ImageChoice()
    design = body.design
    return achievement_services.ImageChoice(
        design=Design(
            title=body.name,
            colour=design.colour if design else "#3730a3",
            icon=design.icon if design else "star",
            shape=design.shape if design else "hexagon",
        )
    )


@achievements.get(
    "",
    response={200: AchievementPage, **ERRORS},
    auth=TokenAuth(Scope.ACHIEVEMENTS_READ),
    summary="List badges",
)
def achievement_list(
    request: HttpRequest,
    state: Achievement.State | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    offset: int = 0,
) -> AchievementPage:
    """The organisation's badges, newest first, each as its newest version."""
    ctx = context(request)
    rows = selectors.api_achievements(
        organisation=ctx.organisation, state=state.value if state else ""
    ).prefetch_related(
        Prefetch(
            "versions",
            queryset=AchievementVersion.objects.select_related("image")
            .prefetch_related("alignments")
            .order_by("-number"),
        )
    )
    items, meta = paging.page(request, rows, limit=limit, offset=offset)
    return AchievementPage(
        items=[_achievement_out(a, next(iter(a.versions.all()), None)) for a in items], **meta
    )


@achievements.get(
    "/{achievement_id}",
    response={200: AchievementOut, **ERRORS},
    auth=TokenAuth(Scope.ACHIEVEMENTS_READ),
    summary="Get a badge",
)
def achievement_get(request: HttpRequest, achievement_id: uuid.UUID) -> AchievementOut:
    ctx = context(request)
    return _one_achievement(
        selectors.api_achievement(organisation=ctx.organisation, achievement_id=achievement_id)
    )


@achievements.post(
    "",
    response={201: AchievementOut, **ERRORS},
    auth=TokenAuth(Scope.ACHIEVEMENTS_WRITE),
    summary="Create a badge (a draft)",
)
def achievement_create(request: HttpRequest, body: AchievementIn) -> Status[AchievementOut]:
    """Create a draft badge with a generated image; publish it to award it."""
    ctx = context(request)
    with ctx.acting() as actor:
        achievement = achievement_services.achievement_create(
            actor=actor,
            organisation_id=ctx.organisation.pk,
            data=_version_data(body),
            image=_image(body, required=True),
        )
    return Status(201, _one_achievement(achievement))


@achievements.put(
    "/{achievement_id}",
    response={200: AchievementOut, **ERRORS},
    auth=TokenAuth(Scope.ACHIEVEMENTS_WRITE),
    summary="Edit a badge",
)
def achievement_update(
    request: HttpRequest, achievement_id: uuid.UUID, body: AchievementIn
) -> AchievementOut:
    """Replace the badge's fields.  A published badge is never changed: the edit becomes a new
    draft version (``has_draft``), awarded once it is published."""
    ctx = context(request)
    achievement = selectors.api_achievement(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    with ctx.acting() as actor:
        achievement_services.achievement_update(
            actor=actor,
            achievement_id=achievement.pk,
            data=_version_data(body),
            image=_image(body, required=False),
        )
    achievement.refresh_from_db()
    return _one_achievement(achievement)


@achievements.post(
    "/{achievement_id}/publish",
    response={200: AchievementOut, **ERRORS},
    auth=TokenAuth(Scope.ACHIEVEMENTS_WRITE),
    summary="Publish a badge's draft",
)
def achievement_publish(request: HttpRequest, achievement_id: uuid.UUID) -> AchievementOut:
    ctx = context(request)
    achievement = selectors.api_achievement(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    with ctx.acting() as actor:
        achievement_services.achievement_publish(actor=actor, achievement_id=achievement.pk)
    return _one_achievement(
        selectors.api_achievement(organisation=ctx.organisation, achievement_id=achievement.pk)
    )


# --- credentials -----------------------------------------------------------------------------


def _credential_out(credential: Credential, *, now: datetime) -> dict[str, Any]:
    return {
        "id": credential.pk,
        "credential_id": credential.credential_id,
        "achievement_id": credential.achievement_id,
        "achievement_version": credential.version.number,
        "recipient_email": credential.recipient_email,
        "recipient_name": credential.recipient_name,
        "issued_at": credential.issued_at,
        "valid_until": credential.valid_until,
        "status": credential_live_status(credential=credential, now=now).code,
        "revoked_at": credential.revoked_at,
        "revocation_reason": credential.revocation_reason,
        "suspended_at": credential.suspended_at,
        "suspension_reason": credential.suspension_reason,
        "url": settings.INSIGNIA_BASE_URL + reverse("public:credential", args=[credential.pk]),
    }


def _detail(credential: Credential) -> CredentialDetailOut:
    return CredentialDetailOut(
        **_credential_out(credential, now=timezone.now()),
        document=credential_document(credential),
    )


class CredentialFilters(Schema):
    achievement_id: uuid.UUID | None = None
    recipient_email: str = ""
    status: str = ""
    issued_after: datetime | None = None
    issued_before: datetime | None = None
    limit: int = paging.DEFAULT_LIMIT
    offset: int = 0


@credentials.get(
    "",
    response={200: CredentialPage, 400: ErrorOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_READ),
    summary="List awarded credentials",
)
def credential_list(request: HttpRequest, filters: Query[CredentialFilters]) -> CredentialPage:
    """Newest first.  ``status``: ``active``, ``revoked`` or ``suspended``."""
    ctx = context(request)
    if filters.status not in ("", "active", "revoked", "suspended"):
        raise BadRequest("status must be active, revoked or suspended.", code="request.invalid")
    rows = selectors.api_credentials(
        organisation=ctx.organisation,
        achievement_id=filters.achievement_id,
        recipient_email=filters.recipient_email,
        status=filters.status,
        issued_after=filters.issued_after,
        issued_before=filters.issued_before,
    )
    items, meta = paging.page(request, rows, limit=filters.limit, offset=filters.offset)
    now = timezone.now()
    return CredentialPage(
        items=[CredentialOut(**_credential_out(c, now=now)) for c in items], **meta
    )


@credentials.post(
    "",
    response={201: CredentialDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_ISSUE),
    summary="Award a badge",
)
def credential_award(request: HttpRequest, body: AwardIn) -> Status[CredentialDetailOut]:
    """Award a published badge: the credential is signed, stored and a claim link emailed
    to the recipient, as when an issuer awards it on the site."""
    ctx = context(request)
    try:
        validate_email(body.recipient_email.strip())
    except DjangoValidationError:
        raise Invalid("recipient_email is not an email address.", field="recipient_email") from None
    achievement = selectors.api_achievement(
        organisation=ctx.organisation, achievement_id=body.achievement_id
    )
    with ctx.acting() as actor:
        credential = award_services.credential_issue(
            actor=actor,
            achievement_id=achievement.pk,
            recipient_email=body.recipient_email,
            recipient_name=body.recipient_name,
            evidence_url=body.evidence_url,
            evidence_narrative=body.evidence_narrative,
            result=body.result,
        )
    return Status(201, _detail(_reload(ctx.organisation, credential.pk)))


def _reload(organisation: Any, credential_id: uuid.UUID) -> Credential:
    return selectors.api_credential(organisation=organisation, credential_id=credential_id)


@credentials.post(
    "/revoke",
    response={200: RevokedOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_REVOKE),
    summary="Revoke several credentials",
)
def credential_revoke_many(request: HttpRequest, body: RevokeManyIn) -> RevokedOut:
    """Revoke a selection (each status list is re-signed once).  All or nothing: one unknown
    id (or one of another organisation) answers 404 and revokes none."""
    ctx = context(request)
    ids = list(dict.fromkeys(body.credential_ids))
    found = Credential.objects.filter(pk__in=ids, organisation=ctx.organisation).count()
    if found != len(ids):
        raise NotFound()
    now = timezone.now().replace(microsecond=0)
    with ctx.acting() as actor:
        count = award_services.credentials_revoke(
            actor=actor, credential_ids=ids, reason=body.reason, now=now
        )
        audit.tag_events(action="credential.revoked", object_ids=[str(i) for i in ids], since=now)
    return RevokedOut(revoked=count)


@credentials.get(
    "/{credential_id}",
    response={200: CredentialDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_READ),
    summary="Get a credential",
)
def credential_get(request: HttpRequest, credential_id: uuid.UUID) -> CredentialDetailOut:
    ctx = context(request)
    return _detail(_reload(ctx.organisation, credential_id))


@credentials.post(
    "/{credential_id}/revoke",
    response={200: CredentialDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_REVOKE),
    summary="Revoke a credential",
)
def credential_revoke(
    request: HttpRequest, credential_id: uuid.UUID, body: ReasonIn
) -> CredentialDetailOut:
    """Revoke with a reason verifiers are shown; the status list is re-signed at once."""
    ctx = context(request)
    credential = _reload(ctx.organisation, credential_id)
    now = timezone.now().replace(microsecond=0)
    with ctx.acting() as actor:
        award_services.credential_revoke(
            actor=actor, credential_id=credential.pk, reason=body.reason, now=now
        )
        audit.tag_events(action="credential.revoked", object_ids=[str(credential.pk)], since=now)
    return _detail(_reload(ctx.organisation, credential.pk))


@credentials.post(
    "/{credential_id}/suspend",
    response={200: CredentialDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_REVOKE),
    summary="Suspend a credential",
)
def credential_suspend(
    request: HttpRequest, credential_id: uuid.UUID, body: ReasonIn
) -> CredentialDetailOut:
    ctx = context(request)
    credential = _reload(ctx.organisation, credential_id)
    with ctx.acting() as actor:
        award_services.credential_suspend(
            actor=actor, credential_id=credential.pk, reason=body.reason
        )
    return _detail(_reload(ctx.organisation, credential.pk))


@credentials.post(
    "/{credential_id}/reinstate",
    response={200: CredentialDetailOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_REVOKE),
    summary="Reinstate a suspended credential",
)
def credential_reinstate(request: HttpRequest, credential_id: uuid.UUID) -> CredentialDetailOut:
    ctx = context(request)
    credential = _reload(ctx.organisation, credential_id)
    with ctx.acting() as actor:
        award_services.credential_reinstate(actor=actor, credential_id=credential.pk)
    return _detail(_reload(ctx.organisation, credential.pk))


# --- bulk jobs -------------------------------------------------------------------------------


def _job_out(job: BulkJob) -> BulkJobOut:
    return BulkJobOut(
        id=job.pk,
        achievement_id=job.achievement_id,
        file_name=job.file_name,
        state=job.state,
        headers=[str(h) for h in job.headers],
        mapping={str(k): int(v) for k, v in job.mapping.items()},
        total=job.total,
        valid=job.valid,
        invalid=job.invalid,
        issued=job.issued,
        skipped=job.skipped,
        percent=job.percent,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@bulk.post(
    "",
    response={200: BulkJobOut, 201: BulkJobOut, 413: ErrorOut, **ERRORS},
    auth=TokenAuth(Scope.BULK_WRITE),
    summary="Upload a file of recipients",
)
def bulk_job_create(
    request: HttpRequest,
    file: File[UploadedFile],
    achievement_id: Form[uuid.UUID],
    start: Form[bool] = False,
) -> Status[BulkJobOut]:
    """Upload a CSV or XLSX of recipients for a published badge (multipart form: ``file``,
    ``achievement_id``, ``start``).  The columns are mapped from the header row and every row
    is checked (the dry run: ``valid``/``invalid``, problems in the report); with
    ``start=true`` the rows that passed are queued for issuing.  The same file uploaded again
    for the same badge answers 200 with the job it made before (issuing is idempotent)."""
    ctx = context(request)
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise TooLarge("The file is larger than 5 MB.")
    achievement = selectors.api_achievement(
        organisation=ctx.organisation, achievement_id=achievement_id
    )
    with ctx.acting() as actor:
        job, created = bulk_services.bulk_job_create(
            actor=actor,
            achievement_id=achievement.pk,
            file_name=file.name or "recipients.csv",
            data=file.read(),
        )
        if created:
            job = bulk_services.bulk_job_check(actor=actor, job_id=job.pk, mapping=job.mapping)
            if start and job.valid:
                job = bulk_services.bulk_job_start(actor=actor, job_id=job.pk)
    return Status(201 if created else 200, _job_out(job))


@bulk.get(
    "/{job_id}",
    response={200: BulkJobOut, **ERRORS},
    auth=TokenAuth(Scope.BULK_WRITE),
    summary="Progress of a bulk job",
)
def bulk_job_get(request: HttpRequest, job_id: uuid.UUID) -> BulkJobOut:
    ctx = context(request)
    return _job_out(selectors.api_bulk_job(organisation=ctx.organisation, job_id=job_id))


@bulk.post(
    "/{job_id}/start",
    response={200: BulkJobOut, **ERRORS},
    auth=TokenAuth(Scope.BULK_WRITE),
    summary="Start issuing a checked bulk job",
)
def bulk_job_start(request: HttpRequest, job_id: uuid.UUID) -> BulkJobOut:
    ctx = context(request)
    job = selectors.api_bulk_job(organisation=ctx.organisation, job_id=job_id)
    with ctx.acting() as actor:
        job = bulk_services.bulk_job_start(actor=actor, job_id=job.pk)
    return _job_out(job)


@bulk.post(
    "/{job_id}/revoke",
    response={200: RevokedOut, **ERRORS},
    auth=TokenAuth(Scope.CREDENTIALS_REVOKE),
    summary="Revoke everything a bulk job issued",
)
def bulk_job_revoke(request: HttpRequest, job_id: uuid.UUID, body: ReasonIn) -> RevokedOut:
    """Revoke every credential of an award batch (a paused, cancelled or finished job) with
    one reason; each status list is re-signed once."""
    ctx = context(request)
    job = selectors.api_bulk_job(organisation=ctx.organisation, job_id=job_id)
    ids = [
        str(pk) for pk in Credential.objects.filter(bulk_row__job=job).values_list("pk", flat=True)
    ]
    since = timezone.now().replace(microsecond=0)
    with ctx.acting() as actor:
        count = bulk_services.bulk_job_revoke(actor=actor, job_id=job.pk, reason=body.reason)
        audit.tag_events(action="credential.revoked", object_ids=ids, since=since)
    return RevokedOut(revoked=count)


@bulk.get(
    "/{job_id}/report",
    response={200: BulkReportPage, 400: ErrorOut, **ERRORS},
    auth=TokenAuth(Scope.BULK_WRITE),
    summary="Per-row report of a bulk job",
)
def bulk_job_report(
    request: HttpRequest, job_id: uuid.UUID, limit: int = paging.DEFAULT_LIMIT, offset: int = 0
) -> BulkReportPage:
    """One entry per row, by row number: the values read, what happened, the credential's
    public page and the problems found."""
    ctx = context(request)
    job = selectors.api_bulk_job(organisation=ctx.organisation, job_id=job_id)
    paging.check(limit, offset)
    lines = list(bulk_selectors.bulk_job_report(job=job))
    items, meta = paging.page(request, lines, limit=limit, offset=offset)
    names = [name for name, _ in FIELDS]
    return BulkReportPage(
        items=[
            BulkRowOut(
                row=int(line[0]),
                values=dict(zip(names, line[1 : 1 + len(names)], strict=True)),
                outcome=line[1 + len(names)],
                credential=line[2 + len(names)],
                problems=[p for p in line[3 + len(names)].split("; ") if p],
            )
            for line in items
        ],
        **meta,
    )


for _router in (achievements, credentials, bulk):
    document_scopes(_router)
