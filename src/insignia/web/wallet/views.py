"""The learner's wallet: their badges, downloads, and the public/private switch."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from insignia.web.analytics.models import Channel, Kind
from insignia.web.analytics.services import event_record_request
from insignia.web.awards import engine
from insignia.web.awards.selectors import (
    credential_award_details,
    credential_live_status,
    credentials_pending_for_user,
)
from insignia.web.awards.services import credential_accept
from insignia.web.awards.verification import credential_verify
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.common.forms import add_application_error
from insignia.web.common.http import json_ld_response
from insignia.web.wallet import selectors, services
from insignia.web.wallet.forms import ImportForm


@login_required
@require_safe
def wallet_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wallet/list.html",
        {
            "entries": selectors.wallet_entries(user=current_user(request)),
            "pending": credentials_pending_for_user(user=current_user(request)),
            "imported": selectors.imported_credentials(user=current_user(request)),
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
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel.JSON,
        count_holder=True,
    )
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
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel(extension),
        count_holder=True,
    )
    response = HttpResponse(baked, content_type=content_type)
    name = slugify(item.credential.version.name) or "badge"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


# --- badges earned elsewhere --------------------------------------------------------------


@login_required
def import_badge(request: HttpRequest) -> HttpResponse:
    """Bring a badge from another platform (OB 2.0 or 3.0): verified before it is kept."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.imported_credential_create(
                user=current_user(request), **form.source()
            )
        except ApplicationError as exc:
            add_application_error(form, exc, fields={"badge": "text"})
        else:
            messages.success(request, "The badge verified and is in your wallet.")
            return redirect("wallet:imported", imported.pk)
    return render(request, "wallet/import.html", {"form": form})


@login_required
@require_safe
def imported(request: HttpRequest, imported_id: uuid.UUID) -> HttpResponse:
    found = selectors.access_imported_credential(
        user=current_user(request), imported_id=imported_id
    )
    return render(
        request,
        "wallet/imported.html",
        {
            "imported": found,
            "checks": found.report.get("checks", []),
            "document": json.dumps(found.credential, indent=2, ensure_ascii=False),
        },
    )


@login_required
@require_POST
def imported_verify(request: HttpRequest, imported_id: uuid.UUID) -> HttpResponse:
    try:
        found = services.imported_credential_verify(
            user=current_user(request), imported_id=imported_id
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Verified again: it is still valid." if found.valid else "Verified again."
        )
    return redirect("wallet:imported", imported_id)


@login_required
@require_POST
def imported_delete(request: HttpRequest, imported_id: uuid.UUID) -> HttpResponse:
    services.imported_credential_delete(user=current_user(request), imported_id=imported_id)
    messages.success(request, "The imported badge was removed from your wallet.")
    return redirect("wallet:list")


_IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@login_required
@require_safe
def imported_image(request: HttpRequest, imported_id: uuid.UUID) -> HttpResponse:
    """The picture of an imported badge: the baked image itself, or an image the credential
    carries as a data: URL.  Never fetched from elsewhere."""
    found = selectors.access_imported_credential(
        user=current_user(request), imported_id=imported_id
    )
    if found.media in _IMAGE_TYPES:
        data, content_type = bytes(found.original), _IMAGE_TYPES[found.media]
    else:
        picture = selectors.imported_data_image(imported=found)
        if picture is None:
            raise NotFound()
        data, content_type = picture
    response = HttpResponse(data, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
