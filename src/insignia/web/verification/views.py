"""The public verifier: one badge, or a whole résumé.  No sign-in; nothing is indexed.

The size of a request is checked from its ``Content-Length`` before the body is read, so a
huge upload is refused without being stored.  These views are exempt from CSRF checks for that
reason (the middleware would otherwise parse the body first); they change nothing that belongs
to anyone — a submission is anonymous and kept for thirty minutes.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from insignia.web.common.ratelimit import rate_limit
from insignia.web.verification import selectors, services
from insignia.web.verification.forms import (
    MAX_BADGE_BYTES,
    MAX_RESUME_BADGES,
    MAX_RESUME_BYTES,
    OVERHEAD_BYTES,
    RecipientForm,
    ResumeForm,
    VerifyForm,
)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_large(request: HttpRequest, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit + OVERHEAD_BYTES


def _refuse(request: HttpRequest, template: str, form_class: type, message: str) -> HttpResponse:
    form = form_class()
    return _private(render(request, template, {"form": form, "problem": message}, status=413))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("verify", methods=["POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Paste, link or drop a badge; the result page verifies it."""
    if request.method == "POST":
        if _too_large(request, MAX_BADGE_BYTES):
            return _refuse(
                request,
                "verification/verify.html",
                VerifyForm,
                "That is larger than 5 MB: no badge is that big, so it was refused unread.",
            )
        try:
            form = VerifyForm(request.POST, request.FILES)
            valid = form.is_valid()
        except (RequestDataTooBig, TooManyFieldsSent):
            return _refuse(
                request, "verification/verify.html", VerifyForm, "That is too large to be a badge."
            )
        if valid:
            submission = services.submission_create(given=form.given())
            email = form.cleaned_data.get("email") or ""
            if email:
                result = services.submission_verify(submission=submission, recipient_email=email)
                return _result_page(request, result, RecipientForm(initial={"email": email}))
            return redirect("verification:result", submission.pk)
    else:
        form = VerifyForm()
    return _private(render(request, "verification/verify.html", {"form": form}))


def _result_page(
    request: HttpRequest, result: services.Result, recipient_form: RecipientForm
) -> HttpResponse:
    status = 422 if result.problem else 200
    return _private(
        render(
            request,
            "verification/result.html",
            {"result": result, "summary": result.summary, "recipient_form": recipient_form},
            status=status,
        )
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("verify")
def result(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    """The verification of a submitted badge, computed now; POST an email to check it."""
    submission = selectors.access_submission(submission_id=submission_id)
    form = RecipientForm(request.POST if request.method == "POST" else None)
    email = form.cleaned_data["email"] if form.is_bound and form.is_valid() else ""
    found = services.submission_verify(submission=submission, recipient_email=email)
    return _result_page(request, found, form)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("verify", methods=["POST"])
def resume(request: HttpRequest) -> HttpResponse:
    """Several badges at once: files, addresses, or a learner's public profile."""
    if request.method == "POST":
        if _too_large(request, MAX_RESUME_BYTES):
            return _refuse(
                request,
                "verification/resume.html",
                ResumeForm,
                "That is more than 20 MB of badges: check fewer at once.",
            )
        try:
            form = ResumeForm(request.POST, request.FILES)
            valid = form.is_valid()
        except (RequestDataTooBig, TooManyFieldsSent):
            return _refuse(
                request,
                "verification/resume.html",
                ResumeForm,
                "That is too much to check at once.",
            )
        if valid:
            files, addresses = form.given()
            badges = services.resume_expand(
                files=files, addresses=addresses, limit=MAX_RESUME_BADGES
            )
            if badges:
                batch = services.submissions_create(given=badges)
                return redirect("verification:resume_result", batch)
            form.add_error(None, "That profile shows no public badges.")
    else:
        form = ResumeForm()
    return _private(render(request, "verification/resume.html", {"form": form}))


@require_http_methods(["GET", "HEAD"])
@rate_limit("verify")
def resume_result(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    """A summary table of a résumé's badges, each verified now."""
    submissions = selectors.batch_submissions(batch_id=batch_id)
    results = [services.submission_verify(submission=s) for s in submissions]
    valid = sum(1 for r in results if r.valid)
    return _private(
        render(
            request,
            "verification/resume_result.html",
            {"results": results, "valid_count": valid, "total": len(results)},
        )
    )
