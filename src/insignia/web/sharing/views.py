"""Sharing: counted redirects to share targets and programme pages, preview cards, embeds,
downloads (baked images, PDF certificate), the wallet hand-over, the learner's sharing page,
issuers' marketing settings, and public learner profiles."""

from __future__ import annotations

import json
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from insignia.web.achievements.selectors import access_achievement
from insignia.web.analytics.models import Channel, Kind
from insignia.web.analytics.services import event_record, event_record_request
from insignia.web.analytics.visitors import valid_channel
from insignia.web.awards import engine
from insignia.web.awards.selectors import credential_live_status
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.common.forms import add_application_error
from insignia.web.common.middleware import CONTENT_SECURITY_POLICY
from insignia.web.issuers.models import Role
from insignia.web.sharing import selectors, services
from insignia.web.sharing.certificate import render_certificate
from insignia.web.sharing.forms import MarketingForm, ProfileForm
from insignia.web.wallet.models import WalletItem
from insignia.web.wallet.selectors import access_wallet_item, public_wallet_item

#: Served images and files: nothing in them may run or load anything.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class _Redirect(HttpResponseRedirect):
    """A redirect that may also lead to ``mailto:`` (the email share)."""

    allowed_schemes = ["http", "https", "mailto"]  # noqa: RUF012


def _with_scripts(response: HttpResponse) -> HttpResponse:
    """The site's policy, but allowing scripts from our own origin (the copy buttons); inline
    scripts stay forbidden.  Only the pages that load ``share.js`` get it."""
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "script-src 'none'", "script-src 'self'"
    )
    return response


def _not_for_robots(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


# --- counted redirects --------------------------------------------------------------------


@require_safe
def share(request: HttpRequest, credential_id: uuid.UUID, channel: str) -> HttpResponse:
    """``/s/<credential>/<channel>``: count the share, then go to the network's share form."""
    item = public_wallet_item(credential_id=credential_id)
    target = selectors.share_target(item, channel)
    if channel == selectors.LINKEDIN_PROFILE:
        kind, counted = Kind.LINKEDIN_ADD, Channel.LINKEDIN
    else:
        kind, counted = Kind.SHARE, Channel(channel)
    event_record_request(
        request=request, kind=kind, credential=item.credential, channel=counted, count_holder=True
    )
    return _not_for_robots(_Redirect(target))


@require_safe
def learn_more(request: HttpRequest, credential_id: uuid.UUID, channel: str) -> HttpResponse:
    """``/go/<credential>/<channel>``: count the click, then go to the programme page (tagged
    with UTM parameters for the channel that brought the visitor)."""
    item = public_wallet_item(credential_id=credential_id)
    via = valid_channel(channel)
    target = selectors.learn_more_target(item.credential, via)
    event_record_request(request=request, kind=Kind.CLICK, credential=item.credential, channel=via)
    return _not_for_robots(_Redirect(target))


# --- public files -------------------------------------------------------------------------


@require_safe
def preview_card(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """The 1200×630 PNG that link previews show (drawn once, then served from the database)."""
    item = public_wallet_item(credential_id=credential_id)
    card = services.preview_card_ensure(item=item)
    etag = f'"{card.fingerprint}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(card.png), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _baked(item: WalletItem, extension: str) -> HttpResponse:
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
    response["Content-Security-Policy"] = FILE_POLICY
    return response


def _certificate(item: WalletItem) -> HttpResponse:
    pdf = render_certificate(selectors.certificate_content(item))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(item.credential.version.name) or "badge"
    response["Content-Disposition"] = f'attachment; filename="{name}-certificate.pdf"'
    response["Content-Security-Policy"] = FILE_POLICY
    return response


@require_safe
def badge_download(request: HttpRequest, credential_id: uuid.UUID, extension: str) -> HttpResponse:
    """A public badge's image with the signed credential baked in (PNG or SVG)."""
    item = public_wallet_item(credential_id=credential_id)
    response = _baked(item, extension)
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel(extension),
        count_holder=True,
    )
    return response


@require_safe
def certificate_download(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """A public badge's printable PDF certificate (the credential attached inside)."""
    item = public_wallet_item(credential_id=credential_id)
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel.PDF,
        count_holder=True,
    )
    return _certificate(item)


EMBED_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)


@require_safe
@xframe_options_exempt
def embed(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """The badge as a small card for other sites' ``<iframe>`` (any site may frame it)."""
    item = public_wallet_item(credential_id=credential_id)
    event_record_request(
        request=request, kind=Kind.VIEW, credential=item.credential, channel=Channel.EMBED
    )
    response = render(
        request,
        "sharing/embed.html",
        {
            "item": item,
            "credential": item.credential,
            "version": item.credential.version,
            "org": item.credential.organisation,
            "holder": selectors.holder_name(item),
            "status": credential_live_status(credential=item.credential),
            "link": selectors.credential_url(item.credential, via="embed"),
            "site": selectors.site_host(),
        },
    )
    response["Content-Security-Policy"] = EMBED_POLICY
    return response


# --- the learner's side -------------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=4))


@login_required
@require_safe
def toolkit(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """Everything to share one badge: LinkedIn, networks, embeds, signature, files, wallets."""
    item = access_wallet_item(user=current_user(request), credential_id=credential_id)
    handover = selectors.wallet_handover(item)
    context: dict[str, Any] = {
        "item": item,
        "credential": item.credential,
        "version": item.credential.version,
        "org": item.credential.organisation,
        "handover": handover,
        "handover_qr": _qr_data_uri(handover.deep_link),
        "profile": selectors.learner_profile_of(user=current_user(request)),
    }
    if item.is_public:
        context |= {
            "menu": selectors.share_menu(item),
            "linkedin_fields": selectors.linkedin_fields(item),
            "snippets": selectors.embed_snippets(item),
        }
    return _with_scripts(render(request, "sharing/toolkit.html", context))


def _snippet_policy() -> str:
    origin = selectors.absolute("")
    return (
        f"default-src 'none'; img-src 'self' {origin} data:; frame-src 'self' {origin}; "
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


@login_required
@require_safe
@xframe_options_sameorigin
def snippet_preview(request: HttpRequest, credential_id: uuid.UUID, kind: str) -> HttpResponse:
    """One snippet rendered on its own, exactly as another site or an email would show it."""
    item = access_wallet_item(user=current_user(request), credential_id=credential_id)
    if not item.is_public:
        raise NotFound()
    snippets = selectors.embed_snippets(item)
    html = {
        "iframe": snippets.iframe,
        "image": snippets.image_link,
        "signature": snippets.signature,
    }.get(kind)
    if html is None:
        raise NotFound()
    response = render(request, "sharing/snippet_preview.html", {"snippet": html, "kind": kind})
    response["Content-Security-Policy"] = _snippet_policy()
    return response


@login_required
@require_safe
def wallet_certificate(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """The PDF certificate of a badge in the learner's wallet (public or not)."""
    item = access_wallet_item(user=current_user(request), credential_id=credential_id)
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel.PDF,
        count_holder=True,
    )
    return _certificate(item)


@csrf_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
def exchange(request: HttpRequest, token: str) -> HttpResponse:
    """A VC-API exchange a wallet app follows to fetch the credential.

    The token in the URL is the pass (signed, expiring after 30 minutes); there is no cookie
    or session, hence no CSRF check.  ``GET`` names the protocol, ``POST`` answers with a
    presentation that carries the signed credential.
    """
    item = selectors.exchange_item(token)
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
    elif request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            response = JsonResponse({"error": "The request must be a JSON object."}, status=400)
        else:
            event_record(kind=Kind.DOWNLOAD, credential=item.credential, channel=Channel.WALLET)
            response = JsonResponse(selectors.exchange_offer(item))
    else:
        response = JsonResponse(
            {"protocols": {"vcapi": selectors.wallet_handover(item).exchange_url}}
        )
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    profile = selectors.learner_profile_of(user=user)
    initial = {"is_public": profile.is_public, "headline": profile.headline} if profile else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile = services.learner_profile_update(user=user, **form.cleaned_data)
        messages.success(
            request,
            "Your profile is public: share its link."
            if profile.is_public
            else "Your profile is private; its page is gone.",
        )
        return redirect("sharing:profile_settings")
    return _with_scripts(
        render(
            request,
            "sharing/profile_settings.html",
            {
                "form": form,
                "profile": profile,
                "profile_url": selectors.profile_url(profile) if profile else None,
                "public_count": selectors.public_badge_count(user=user),
            },
        )
    )


@require_safe
def profile(request: HttpRequest, profile_id: uuid.UUID) -> HttpResponse:
    """A learner's public page: the badges they made public."""
    found = selectors.public_learner_profile(profile_id=profile_id)
    return render(
        request,
        "sharing/profile.html",
        {
            "profile": found,
            "items": selectors.profile_items(profile=found),
            "url": selectors.profile_url(found),
            "share_links": selectors.profile_share_links(found),
        },
    )


# --- issuers ------------------------------------------------------------------------------


@login_required
def marketing(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    """The badge's "Learn more / enrol" link (designers)."""
    achievement = access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.DESIGNER
    )
    form = MarketingForm(
        request.POST or None, initial={"learn_more_url": achievement.learn_more_url}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.achievement_marketing_update(
                actor=current_user(request), achievement_id=achievement.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "The programme link has been saved.")
            return redirect("analytics:achievement", achievement.pk)
    name = achievement.current_version.name if achievement.current_version else "Badge"
    return render(
        request,
        "sharing/marketing.html",
        {"form": form, "achievement": achievement, "org": achievement.organisation, "name": name},
    )
