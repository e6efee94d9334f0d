"""Award a badge, look after awards (staff), claim a badge (recipient), serve status lists."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe

from insignia.web.accounts.forms import ClaimSignupForm
from insignia.web.accounts.selectors import user_by_email
from insignia.web.achievements.selectors import access_achievement
from insignia.web.awards import selectors, services
from insignia.web.awards.forms import (
    AwardForm,
    CorrectForm,
    RevokeForm,
    RevokeSelectionForm,
    SuspendForm,
)
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.earning.selectors import version_result_descriptions
from insignia.web.issuers.models import Role


@login_required
def award(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.ISSUER
    )
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.cleaned_data.pop("confirm")
        try:
            credential = services.credential_issue(
                actor=current_user(request),
                achievement_id=achievement.pk,
                result_descriptions=version_result_descriptions(version=achievement.current_version)
                if achievement.current_version
                else (),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(
                request,
                f"Awarded and signed. We emailed {credential.recipient_email} a link to accept it.",
            )
            return redirect("awards:detail", credential.pk)
    return render(
        request,
        "awards/award.html",
        {
            "achievement": achievement,
            "version": achievement.current_version,
            "form": form,
        },
    )


@login_required
def detail(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    credential = selectors.access_credential(
        user=current_user(request), credential_id=credential_id
    )
    return render(
        request,
        "awards/detail.html",
        {
            "credential": credential,
            "status": selectors.credential_live_status(credential=credential),
            "revoke_form": RevokeForm(),
            "suspend_form": SuspendForm(),
            "correct_form": CorrectForm(
                initial=selectors.credential_correction_initial(credential)
            ),
            "document": credential.document,
        },
    )


def _check_issuer(request: HttpRequest, credential_id: uuid.UUID) -> None:
    """Access before the form: a person who may not act on this award gets the same 404 as
    for an unknown one, whatever they posted."""
    selectors.access_credential(
        user=current_user(request), credential_id=credential_id, role=Role.ISSUER
    )


@login_required
@require_POST
def revoke(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    _check_issuer(request, credential_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for revoking the badge.")
        return redirect("awards:detail", credential_id)
    try:
        services.credential_revoke(
            actor=current_user(request),
            credential_id=credential_id,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The badge was revoked; verifiers will now see it as revoked.")
    return redirect("awards:detail", credential_id)


def _lifecycle(request: HttpRequest, credential_id: uuid.UUID, run: Any, done: str) -> HttpResponse:
    try:
        run()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("awards:detail", credential_id)


@login_required
@require_POST
def suspend(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    _check_issuer(request, credential_id)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for suspending the badge.")
        return redirect("awards:detail", credential_id)
    return _lifecycle(
        request,
        credential_id,
        lambda: services.credential_suspend(
            actor=current_user(request),
            credential_id=credential_id,
            reason=form.cleaned_data["reason"],
        ),
        "The badge is suspended: it fails verification until you reinstate it.",
    )


@login_required
@require_POST
def reinstate(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    return _lifecycle(
        request,
        credential_id,
        lambda: services.credential_reinstate(
            actor=current_user(request), credential_id=credential_id
        ),
        "The badge is reinstated.",
    )


@login_required
@require_POST
def correct(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    _check_issuer(request, credential_id)
    form = CorrectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was wrong, and check the corrected values.")
        return redirect("awards:detail", credential_id)
    try:
        new = services.credential_correct(
            actor=current_user(request), credential_id=credential_id, **form.cleaned_data
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("awards:detail", credential_id)
    messages.success(request, "Re-issued with the corrections; the old badge is revoked.")
    return redirect("awards:detail", new.pk)


@login_required
@require_POST
def renew(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    try:
        new = services.credential_renew(actor=current_user(request), credential_id=credential_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("awards:detail", credential_id)
    messages.success(request, "Renewed: a new badge, linked to the old one, was issued.")
    return redirect("awards:detail", new.pk)


@login_required
def revoke_selection(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    """Revoke several awards of one badge at once."""
    achievement = access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.ISSUER
    )
    awards = selectors.achievement_revocable_credentials(achievement_id=achievement.pk)
    form = RevokeSelectionForm(
        request.POST or None,
        choices=[(str(c.pk), c.recipient_name or c.recipient_email) for c in awards],
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.credentials_revoke(
                actor=current_user(request),
                credential_ids=form.cleaned_data["credentials"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"{count} badge{'s' if count != 1 else ''} revoked.")
            return redirect("achievements:detail", achievement.pk)
    return render(
        request,
        "awards/revoke_selection.html",
        {"achievement": achievement, "version": achievement.current_version, "form": form},
    )


@login_required
@require_POST
def resend(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    try:
        services.claim_email_resend(actor=current_user(request), credential_id=credential_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "A new claim link has been emailed.")
    return redirect("awards:detail", credential_id)


def claim(request: HttpRequest, token: str) -> HttpResponse:
    """The page the emailed link opens: accept into your account, or create one."""
    row = selectors.claim_token_get(token=token)
    form = ClaimSignupForm(request.POST or None)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            item = services.credential_claim(user=current_user(request), token=token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "The badge is in your wallet. It is private until you make it public."
            )
            return redirect("wallet:detail", item.credential_id)
    elif request.method == "POST" and form.is_valid():
        try:
            user, item = services.credential_claim_with_new_account(
                token=token, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready and the badge is in your wallet.")
            return redirect("wallet:detail", item.credential_id)
    return render(
        request,
        "awards/claim.html",
        {
            "row": row,
            "credential": row.credential,
            "form": form,
            "has_account": user_by_email(email=row.credential.recipient_email) is not None,
        },
    )


@require_safe
def status_list(
    request: HttpRequest, organisation_id: uuid.UUID, list_id: uuid.UUID
) -> HttpResponse:
    """The signed BitstringStatusListCredential, exactly as stored."""
    row = selectors.status_list_public_get(organisation_id=organisation_id, list_id=list_id)
    etag = f'"{row.pk.hex}-{row.published_version}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(row.document, content_type="application/vc+ld+json")
    response["ETag"] = etag
    if row.published_at is not None:
        response["Last-Modified"] = http_date(row.published_at.timestamp())
    response["Access-Control-Allow-Origin"] = "*"
    # Verifiers revalidate every time (a 304 is cheap), so a revocation is seen at once.
    response["Cache-Control"] = "public, no-cache"
    return response
