"""The privacy pages: what we keep, the export download, and account deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.privacy import services
from insignia.web.privacy.forms import DeleteAccountForm


@login_required
@require_http_methods(["GET", "HEAD"])
def overview(request: HttpRequest) -> HttpResponse:
    """What Insignia keeps about you, the export, and the way to delete the account."""
    return render(request, "privacy/overview.html")


@login_required
@require_POST
def export(request: HttpRequest) -> FileResponse:
    """Download everything as a ZIP (POST, so that no link or prefetch starts it)."""
    user = current_user(request)
    archive = services.account_export(user=user)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"insignia-data-{timezone.now():%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Confirm with the password; then the account is deleted and the person signed out."""
    user = current_user(request)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=user, password=form.cleaned_data["password"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            logout(request)
            messages.success(
                request,
                "Your account and personal data were deleted. Badges issued to you stay "
                "valid, and the copies you downloaded still verify.",
            )
            return redirect("home")
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "has_password": user.has_usable_password()},
        status=400 if form.errors else 200,
    )
