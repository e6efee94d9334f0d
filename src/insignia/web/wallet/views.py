"""The learner's wallet: their badges, downloads, and the public/private switch."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from insignia.web.awards import engine
from insignia.web.awards.selectors import (
    credential_award_details,
    credential_live_status,
    credentials_pending_for_user,
)
from insignia.web.awards.services import credential_accept
from insignia.web.awards.verification import credential_verify
from insignia.web.common.auth import current_user
from insignia.web.common.errors import NotFound
from insignia.web.common.http import json_ld_response
from insignia.web.wallet import selectors, services


@login_required
@require_safe
def wallet_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wallet/list.html",
        {
            "entries": selectors.wallet_entries(user=current_user(request)),
            "pending": credentials_pending_for_user(user=current_user(request)),
        },
    )


@login_required
@require_safe
def detail(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    item = selectors.access_wallet_item(user=current_user(request), credential_id=credential_id)
    return render(
        request,
        "wallet/detail.html",
        {
            "item": item,
            "credential": item.credential,
            "version": item.credential.version,
            "status": credential_live_status(credential=item.credential),
            "verification": credential_verify(credential=item.credential),
            "details": credential_award_details(item.credential),
        },
    )


@login_required
@require_POST
def visibility(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    public = request.POST.get("visibility") == "public"
    services.wallet_set_visibility(
        user=current_user(request), credential_id=credential_id, public=public
    )
    if public:
        messages.success(
            request, "The badge is public: anyone with its link can see and verify it."
        )
    else:
        messages.success(request, "The badge is private again; its public page is gone.")
    return redirect("wallet:detail", credential_id)


@login_required
@require_POST
def accept(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    item = credential_accept(user=current_user(request), credential_id=credential_id)
    messages.success(request, "The badge is in your wallet.")
    return redirect("wallet:detail", item.credential_id)


@login_required
@require_safe
def download_json(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    item = selectors.access_wallet_item(user=current_user(request), credential_id=credential_id)
    name = slugify(item.credential.version.name) or "badge"
    return json_ld_response(request, item.credential.document, download=f"{name}.json")


@login_required
@require_safe
def download_image(request: HttpRequest, credential_id: uuid.UUID, extension: str) -> HttpResponse:
    """The badge image with the signed credential baked in (PNG or SVG)."""
    item = selectors.access_wallet_item(user=current_user(request), credential_id=credential_id)
    image = item.credential.version.image
    if extension == "svg" and image.is_svg:
        data, content_type = bytes(image.data), "image/svg+xml"
    elif extension == "png" and (png := image.png_bytes()) is not None:
        data, content_type = png, "image/png"
    else:
        raise NotFound()
    baked = engine.bake(data, svg=extension == "svg", credential_text=item.credential.document)
    response = HttpResponse(baked, content_type=content_type)
    name = slugify(item.credential.version.name) or "badge"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
