"""Pages of the api app: an organisation's API tokens, and the interactive API docs."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from insignia.web.api import selectors, services
from insignia.web.api.forms import TokenForm
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation

#: The docs page runs Swagger UI (our copy, from django-ninja's static files): scripts from
#: this site, and the inline style attributes Swagger UI sets.  Only this page gets it.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@login_required
def tokens(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """List, create (the secret is shown once) and revoke tokens — owners only."""
    user = current_user(request)
    org = access_organisation(user=user, organisation_id=organisation_id, role=Role.OWNER)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["expires_on"]
        try:
            token, secret = services.api_token_create(
                actor=user,
                organisation_id=org.pk,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=datetime.combine(day, time.min, tzinfo=UTC) if day else None,
            )
        except ApplicationError as exc:
            add_application_error(form, exc, fields={"expires_at": "expires_on"})
        else:
            form = TokenForm()
            messages.success(request, f"Token “{token.name}” created. Copy it now.")
    response = render(
        request,
        "api/tokens.html",
        {
            "org": org,
            "tokens": selectors.organisation_api_tokens(organisation=org),
            "form": form,
            "secret": secret,
            "now": timezone.now(),
        },
        status=422 if request.method == "POST" and secret is None else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may show a secret
    return response


@login_required
@require_POST
def token_revoke(
    request: HttpRequest, organisation_id: uuid.UUID, token_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    token = selectors.access_api_token(user=user, token_id=token_id)
    if token.organisation_id != organisation_id:
        return redirect("issuer_api:tokens", token.organisation_id)
    try:
        services.api_token_revoke(actor=user, token_id=token.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("issuer_api:tokens", organisation_id)


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI for ``/api/v1/openapi.json``, from this site's static files."""
    settings_json = json.dumps(
        {"url": reverse("api:openapi-json"), "layout": "BaseLayout", "deepLinking": True}
    )
    response = render(request, "api/docs.html", {"swagger_settings": settings_json})
    response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
    return response
