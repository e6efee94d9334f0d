"""Bulk issuance pages: upload, map and check, progress (no JavaScript), report."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from insignia.web.achievements.selectors import access_achievement
from insignia.web.awards.forms import RevokeForm
from insignia.web.bulk import parsing, selectors, services
from insignia.web.bulk.forms import MappingForm, StartForm, UploadForm
from insignia.web.bulk.models import BulkJob
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.issuers.models import Role


@login_required
def upload(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.ISSUER
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            if file.size > parsing.MAX_FILE_BYTES:
                raise ApplicationError("The file is larger than 5 MB.", field="file")
            job, created = services.bulk_job_create(
                actor=current_user(request),
                achievement_id=achievement.pk,
                file_name=file.name or "upload",
                data=file.read(),
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            if not created:
                messages.info(
                    request,
                    f"This file was already uploaded on {job.created_at:%d %B %Y}: "
                    "here is that upload, nothing was issued twice.",
                )
            return redirect("bulk:job", job.pk)
    return render(
        request,
        "bulk/upload.html",
        {
            "achievement": achievement,
            "version": achievement.current_version,
            "form": form,
            "jobs": selectors.achievement_bulk_jobs(achievement=achievement),
        },
    )


@login_required
def job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    row = selectors.access_bulk_job(user=current_user(request), job_id=job_id)
    mapping_form = MappingForm(
        request.POST or None, headers=row.headers, initial_mapping=row.mapping
    )
    if request.method == "POST" and mapping_form.is_valid():
        try:
            services.bulk_job_check(
                actor=current_user(request), job_id=row.pk, mapping=mapping_form.cleaned_data
            )
        except ApplicationError as exc:
            add_application_error(mapping_form, exc)
        else:
            return redirect("bulk:job", row.pk)
    working = row.state in (BulkJob.State.QUEUED, BulkJob.State.RUNNING)
    return render(
        request,
        "bulk/job.html",
        {
            "job": row,
            "achievement": row.achievement,
            "mapping_form": mapping_form,
            "start_form": StartForm(),
            "revoke_form": RevokeForm(),
            "problems": selectors.bulk_job_problems(job=row),
            "preview": selectors.bulk_row_preview(job=row),
            "working": working,
            "stale": selectors.bulk_job_is_stale(row),
            "refresh": working and not selectors.bulk_job_is_stale(row),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    # Access before the form: others get the same 404 as for an unknown job.
    selectors.access_bulk_job(user=current_user(request), job_id=job_id)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirm that these people met the criteria.")
        return redirect("bulk:job", job_id)
    try:
        services.bulk_job_start(actor=current_user(request), job_id=job_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Issuing has started; this page shows its progress.")
    return redirect("bulk:job", job_id)


def _action(request: HttpRequest, job_id: uuid.UUID, name: str, done: str) -> HttpResponse:
    action = {
        "pause": services.bulk_job_pause,
        "resume": services.bulk_job_resume,
        "cancel": services.bulk_job_cancel,
    }[name]
    try:
        action(actor=current_user(request), job_id=job_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("bulk:job", job_id)


@login_required
@require_POST
def pause(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    return _action(request, job_id, "pause", "Paused after the current chunk.")


@login_required
@require_POST
def resume(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    return _action(request, job_id, "resume", "Queued again: it carries on where it stopped.")


@login_required
@require_POST
def cancel(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    return _action(request, job_id, "cancel", "Cancelled. Badges already issued stay issued.")


@login_required
@require_POST
def revoke(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    # Access before the form: others get the same 404 as for an unknown job.
    selectors.access_bulk_job(user=current_user(request), job_id=job_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for revoking these badges.")
        return redirect("bulk:job", job_id)
    try:
        count = services.bulk_job_revoke(
            actor=current_user(request), job_id=job_id, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{count} badge{'s' if count != 1 else ''} revoked.")
    return redirect("bulk:job", job_id)


@login_required
@require_safe
def report(request: HttpRequest, job_id: uuid.UUID) -> StreamingHttpResponse:
    """Every row with its outcome, as CSV (formula-safe)."""
    row = selectors.access_bulk_job(user=current_user(request), job_id=job_id)
    response = StreamingHttpResponse(
        parsing.write_csv(selectors.REPORT_HEADER, selectors.bulk_job_report(job=row)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="bulk-report-{row.pk}.csv"'
    return response
