"""LTI 1.3 endpoints (OIDC login, launch, key set, the instructor's link form) and the
organisation's registration pages.

Only the tool endpoints are CSRF-exempt: the login and the launch are cross-site requests
by design (the platform's form post), validated by the OIDC state cookie, the nonce and the
id_token signature instead; the instructor's link form carries the launch id, a random
secret of one validated launch that expires, in place of a CSRF token (a CSRF cookie would
be a third-party cookie inside the LMS's frame).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.contrib.django.message_launch import DjangoMessageLaunch
from pylti1p3.contrib.django.oidc_login import DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.message_launch import MessageLaunch

from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.middleware import CONTENT_SECURITY_POLICY
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation, user_roles
from insignia.web.lti import selectors, services
from insignia.web.lti.ags import GradesUnavailable, completion_met, read_learner_result
from insignia.web.lti.claims import DL_SETTINGS, LTI, Launch, launch_from_claims
from insignia.web.lti.forms import LinkForm, PlatformForm
from insignia.web.lti.models import Platform
from insignia.web.lti.tool import (
    LAUNCH_SECONDS,
    DatabaseLaunchStorage,
    OnceSessionService,
    PlatformSession,
    PlatformToolConf,
    tool_jwk,
)

log = logging.getLogger(__name__)

#: Platform key sets are fetched at most this often (seconds).
KEY_SET_CACHE_SECONDS = 600


def _origin(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _framed(
    response: HttpResponse, platform: Platform, body: dict[str, Any] | None = None
) -> HttpResponse:
    """Let the platform show the page in its frame: frame-ancestors are the platform's
    origins (its issuer and login URLs, and the return URL of the signed launch)."""
    presentation = (body or {}).get(LTI + "launch_presentation") or {}
    origins = {
        o
        for o in (
            _origin(platform.issuer),
            _origin(platform.auth_login_url),
            _origin(presentation.get("return_url") if isinstance(presentation, dict) else None),
        )
        if o
    }
    ancestors = " ".join(sorted(origins)) or "'none'"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _refused(
    request: HttpRequest, platform: Platform, message: str, status: int = 400
) -> HttpResponse:
    response = render(request, "lti/refused.html", {"message": message}, status=status)
    return _framed(response, platform)


def _services(request: HttpRequest) -> tuple[DatabaseLaunchStorage, OnceSessionService]:
    storage = DatabaseLaunchStorage()
    return storage, OnceSessionService(request, storage)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest, platform_id: uuid.UUID) -> HttpResponse:
    """OIDC third-party initiated login: answer with a redirect to the platform's
    authentication endpoint carrying a new state (also set as a cookie) and nonce."""
    platform = selectors.platform_for_launch(platform_id=platform_id)
    storage, session = _services(request)
    DatabaseLaunchStorage.purge_expired()
    oidc = DjangoOIDCLogin(  # type: ignore[no-untyped-call]
        request, PlatformToolConf(platform), session_service=session, launch_data_storage=storage
    )
    try:
        response: HttpResponse = oidc.redirect(selectors.tool_urls(platform=platform)["launch"])
    except (OIDCException, LtiException) as exc:
        log.info("LTI login refused for %s: %s", platform.pk, exc)
        # Not framed: a login that matches nothing is no page of an LMS's.
        message = "This login request does not match the registration."
        return render(request, "lti/refused.html", {"message": message}, status=400)
    return response


def _validated(
    request: HttpRequest, platform: Platform
) -> tuple[DjangoMessageLaunch, dict[str, Any]]:
    storage, session = _services(request)
    message_launch = DjangoMessageLaunch(  # type: ignore[no-untyped-call]
        request,
        PlatformToolConf(platform),
        session_service=session,
        launch_data_storage=storage,
        requests_session=PlatformSession(),
    )
    message_launch.set_launch_data_lifetime(LAUNCH_SECONDS)
    message_launch.set_public_key_caching(storage, cache_lifetime=KEY_SET_CACHE_SECONDS)
    body = dict(message_launch.get_launch_data())  # validates, or raises LtiException
    return message_launch, body


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest, platform_id: uuid.UUID) -> HttpResponse:
    """A resource-link launch: the instructor links the activity to a badge; a learner
    gets the badge when the platform's result meets the completion rule."""
    platform = selectors.platform_for_launch(platform_id=platform_id)
    try:
        message_launch, body = _validated(request, platform)
    except LtiException as exc:
        log.info("LTI launch refused for %s: %s", platform.pk, exc)
        return _refused(request, platform, "This launch could not be verified.")
    facts = launch_from_claims(body)
    if message_launch.is_deep_link_launch():
        if not facts.is_instructor:
            return _refused(
                request, platform, "Only the course's instructors may add this activity.", 403
            )
        return _configure_page(
            request,
            platform=platform,
            launch_id=message_launch.get_launch_id(),
            facts=facts,
            body=body,
        )
    if not message_launch.is_resource_launch():
        return _refused(request, platform, "Insignia only answers resource link launches.")
    services.resource_link_adopt(platform=platform, launch=facts)
    if facts.is_instructor:
        return _configure_page(
            request,
            platform=platform,
            launch_id=message_launch.get_launch_id(),
            facts=facts,
            body=body,
        )
    return _framed(_learner_page(request, platform, message_launch, facts, body), platform, body)


def _configure_page(
    request: HttpRequest,
    *,
    platform: Platform,
    launch_id: str,
    facts: Launch,
    body: dict[str, Any],
    form: LinkForm | None = None,
    status: int = 200,
    saved: bool = False,
) -> HttpResponse:
    link = (
        None
        if facts.is_deep_link
        else selectors.resource_link_get(
            platform=platform,
            deployment_id=facts.deployment_id,
            resource_link_id=facts.resource_link_id,
        )
    )
    badges = [
        (str(a.pk), a.current_version.name if a.current_version else str(a.pk))
        for a in selectors.linkable_achievements(organisation=platform.organisation)
    ]
    if form is None:
        initial = (
            {
                "badge": str(link.achievement_id),
                "rule": link.rule,
                "threshold": link.threshold_percent,
            }
            if link
            else {"rule": "score", "threshold": 70}
        )
        form = LinkForm(initial=initial, badges=badges)
    response = render(
        request,
        "lti/configure.html",
        {
            "platform": platform,
            "org": platform.organisation,
            "launch": facts,
            "launch_id": launch_id,
            "link": link,
            "form": form,
            "has_badges": bool(badges),
            "saved": saved,
            "action": reverse(
                "lti:deep_link" if facts.is_deep_link else "lti:link", args=[platform.pk]
            ),
        },
        status=status,
    )
    return _framed(response, platform, body)


def _learner_page(
    request: HttpRequest,
    platform: Platform,
    message_launch: DjangoMessageLaunch,
    facts: Launch,
    body: dict[str, Any],
) -> HttpResponse:
    link = selectors.resource_link_get(
        platform=platform,
        deployment_id=facts.deployment_id,
        resource_link_id=facts.resource_link_id,
    )
    context: dict[str, Any] = {"org": platform.organisation, "launch": facts, "link": link}
    if link is None:
        return render(request, "lti/learner.html", {**context, "state": "not_linked"})
    award = selectors.lti_award_get(link=link, user_sub=facts.sub)
    if award is not None:
        return render(request, "lti/learner.html", {**context, "state": "already", "award": award})
    try:
        result = read_learner_result(message_launch, body, facts.sub)
    except GradesUnavailable as exc:
        return render(
            request, "lti/learner.html", {**context, "state": "unavailable", "message": str(exc)}
        )
    context["result"] = result
    if not completion_met(link, result):
        return render(request, "lti/learner.html", {**context, "state": "not_yet"})
    try:
        award, _ = services.lti_award(link=link, launch=facts, score_percent=result.percent)
    except ApplicationError as exc:
        return render(
            request, "lti/learner.html", {**context, "state": "refused", "message": exc.message}
        )
    return render(request, "lti/learner.html", {**context, "state": "awarded", "award": award})


@csrf_exempt
@xframe_options_exempt
@require_POST
def link(request: HttpRequest, platform_id: uuid.UUID) -> HttpResponse:
    """The instructor's choice of badge and completion rule, posted from the launch page."""
    platform = selectors.platform_for_launch(platform_id=platform_id)
    cached = _cached_launch(request, platform)
    if cached is None:
        return _refused(request, platform, "This form has expired; launch the activity again.")
    launch_id = request.POST["launch"]
    _, body = cached
    facts = launch_from_claims(body)
    if not facts.is_instructor:
        return _refused(
            request, platform, "Only the course's instructors may link this activity.", 403
        )
    if facts.is_deep_link:
        return _refused(request, platform, "This form has expired; launch the activity again.")
    badges = [
        (str(a.pk), a.current_version.name if a.current_version else str(a.pk))
        for a in selectors.linkable_achievements(organisation=platform.organisation)
    ]
    form = LinkForm(request.POST, badges=badges)
    if form.is_valid():
        try:
            services.resource_link_configure(
                platform=platform,
                launch=facts,
                achievement_id=form.cleaned_data["badge"],
                rule=form.cleaned_data["rule"],
                threshold_percent=form.cleaned_data["threshold"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _configure_page(
                request,
                platform=platform,
                launch_id=launch_id,
                facts=facts,
                body=body,
                saved=True,
            )
    return _configure_page(
        request,
        platform=platform,
        launch_id=launch_id,
        facts=facts,
        body=body,
        form=form,
        status=400,
    )


@require_GET
def jwks(request: HttpRequest, platform_id: uuid.UUID) -> JsonResponse:
    """The tool's public key of one registration (the platform checks our client
    assertions with it)."""
    platform = selectors.platform_for_launch(platform_id=platform_id)
    response = JsonResponse({"keys": [tool_jwk(platform.tool_public_key_pem)]})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def platform_list(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """The organisation's registered platforms, and the form to register one."""
    user = current_user(request)
    org = access_organisation(user=user, organisation_id=organisation_id, role=Role.ISSUER)
    form = PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.platform_register(
                actor=user, organisation_id=org.pk, data=form.platform_data()
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Registered. Now paste the tool's URLs into the platform.")
            return redirect("lti:platform", platform.organisation_id, platform.pk)
    return render(
        request,
        "lti/platform_list.html",
        {
            "org": org,
            "platforms": selectors.organisation_platforms(organisation=org),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def platform_detail(
    request: HttpRequest, organisation_id: uuid.UUID, platform_id: uuid.UUID
) -> HttpResponse:
    """One registration: the URLs to paste into the LMS, its settings, its linked activities."""
    user = current_user(request)
    platform = selectors.access_platform(
        user=user, platform_id=platform_id, organisation_id=organisation_id
    )
    initial = {
        "name": platform.name,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployment_ids": "\n".join(platform.deployment_ids),
        "auth_login_url": platform.auth_login_url,
        "access_token_url": platform.access_token_url,
        "auth_audience": platform.auth_audience,
        "key_set_url": platform.key_set_url,
        "key_set": json.dumps(platform.key_set, indent=2) if platform.key_set else "",
    }
    form = PlatformForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_update(actor=user, platform_id=platform.pk, data=form.platform_data())
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The registration has been saved.")
            return redirect("lti:platform", platform.organisation_id, platform.pk)
    return render(
        request,
        "lti/platform_detail.html",
        {
            "org": platform.organisation,
            "platform": platform,
            "urls": selectors.tool_urls(platform=platform),
            "links": selectors.platform_links(platform=platform),
            "form": form,
            "is_owner": Role.OWNER in user_roles(user=user, organisation=platform.organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def platform_delete(
    request: HttpRequest, organisation_id: uuid.UUID, platform_id: uuid.UUID
) -> HttpResponse:
    """Remove a registration (owners only)."""
    user = current_user(request)
    platform = selectors.access_platform(
        user=user, platform_id=platform_id, organisation_id=organisation_id, role=Role.OWNER
    )
    services.platform_delete(actor=user, platform_id=platform.pk)
    messages.success(request, f"{platform.name} is no longer connected.")
    return redirect("lti:platform_list", organisation_id)


def _cached_launch(
    request: HttpRequest, platform: Platform
) -> tuple[MessageLaunch[Any, Any, Any, Any], dict[str, Any]] | None:
    """The validated launch whose id the form posted back (None: unknown, expired, or of
    another registration)."""
    launch_id = request.POST.get("launch", "")
    if not launch_id.startswith("lti1p3-launch-") or len(launch_id) > 64:
        return None
    storage, session = _services(request)
    try:
        message_launch = DjangoMessageLaunch.from_cache(
            launch_id,
            request,
            PlatformToolConf(platform),
            session_service=session,
            launch_data_storage=storage,
            requests_session=PlatformSession(),
        )
        return message_launch, dict(message_launch.get_launch_data())
    except LtiException:
        return None


@csrf_exempt
@xframe_options_exempt
@require_POST
def deep_link(request: HttpRequest, platform_id: uuid.UUID) -> HttpResponse:
    """Deep linking: the instructor's choice becomes a new resource link in the course, sent
    back to the platform as a deep-linking response signed with the tool key.  The badge and
    rule travel as the link's custom parameters (the platform signs them into its launches)."""
    platform = selectors.platform_for_launch(platform_id=platform_id)
    cached = _cached_launch(request, platform)
    if cached is None:
        return _refused(request, platform, "This form has expired; launch the activity again.")
    message_launch, body = cached
    facts = launch_from_claims(body)
    if not facts.is_instructor or not facts.is_deep_link:
        return _refused(
            request, platform, "Only the course's instructors may add this activity.", 403
        )
    badges = {
        str(a.pk): a for a in selectors.linkable_achievements(organisation=platform.organisation)
    }
    form = LinkForm(
        request.POST,
        badges=[
            (pk, a.current_version.name if a.current_version else pk) for pk, a in badges.items()
        ],
    )
    if not form.is_valid():
        return _configure_page(
            request,
            platform=platform,
            launch_id=request.POST["launch"],
            facts=facts,
            body=body,
            form=form,
            status=400,
        )
    achievement = badges[form.cleaned_data["badge"]]
    title = achievement.current_version.name if achievement.current_version else "Badge"
    resource = (
        DeepLinkResource()
        .set_url(selectors.tool_urls(platform=platform)["launch"])
        .set_title(title)
        .set_custom_params(
            services.deep_link_custom(
                achievement_id=str(achievement.pk),
                rule=form.cleaned_data["rule"],
                threshold_percent=form.cleaned_data["threshold"],
            )
        )
    )
    token = message_launch.get_deep_link().get_response_jwt([resource])
    settings_claim = body.get(DL_SETTINGS) or {}
    return_url = settings_claim.get("deep_link_return_url", "")
    response = render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "token": token, "title": title, "org": platform.organisation},
    )
    _framed(response, platform, body)
    origin = _origin(return_url)
    if origin:
        response["Content-Security-Policy"] = response["Content-Security-Policy"].replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response
