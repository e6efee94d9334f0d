"""The OB 3.0 API endpoints (thin: checks in ``auth``, reads in ``selectors``, writes in
``services``) and the OAuth 2.0 endpoints, which are django-oauth-toolkit's views."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views import AuthorizationView, RevokeTokenView, TokenView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from insignia.web.accounts.models import User
from insignia.web.common.errors import ApplicationError
from insignia.web.common.ratelimit import api_rate_limit
from insignia.web.obapi import discovery, engine, imsx, registration, scopes, selectors, services
from insignia.web.obapi.auth import Authorised, authorise
from insignia.web.obapi.models import RegisteredClient

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_BODY = 5 * 1024 * 1024
JSON_TYPES = frozenset({"application/json", "application/ld+json", "application/vc+ld+json"})


def _not_allowed(allowed: str) -> JsonResponse:
    return imsx.error_response(405, "This method is not allowed here.", headers={"Allow": allowed})


def _absolute(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


def _endpoints(request: HttpRequest) -> discovery.Endpoints:
    server = _absolute(request, "obapi:discovery").removesuffix("/discovery")
    return discovery.Endpoints(
        server=server,
        authorization=_absolute(request, "obapi:authorize"),
        token=_absolute(request, "obapi:token"),
        registration=_absolute(request, "obapi:register"),
        privacy_policy=settings.INSIGNIA_OB_API_PRIVACY_POLICY_URL
        or _absolute(request, "obapi:privacy"),
        terms_of_service=settings.INSIGNIA_OB_API_TERMS_URL or _absolute(request, "obapi:privacy"),
        image=request.build_absolute_uri(settings.STATIC_URL + "insignia/favicon.svg"),
    )


@csrf_exempt
def discovery_document(request: HttpRequest) -> HttpResponse:
    """GET the Service Description Document (public: it names no one)."""
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET, HEAD")
    response = JsonResponse(discovery.service_description(_endpoints(request)))
    response["Cache-Control"] = "public, max-age=300"
    return response


def privacy(request: HttpRequest) -> HttpResponse:
    """What a client may see and do once a learner allows it (the document's privacy URL)."""
    return render(
        request,
        "obapi/privacy.html",
        {"scope_words": list(scopes.PLAIN_WORDS.values())},
    )


@login_required
def connections(request: HttpRequest) -> HttpResponse:
    """The learner's connected applications, each with a button that disconnects it."""
    user = cast(User, request.user)
    if request.method == "POST":
        client_id = request.POST.get("client_id", "")
        name = next(
            (
                c.name
                for c in selectors.connected_clients(user=user, now=timezone.now())
                if c.client_id == client_id
            ),
            "",
        )
        services.connection_revoke(user=user, client_id=client_id)
        if name:
            messages.success(request, f"{name} can no longer use your badges or profile.")
        return redirect("obapi:connections")
    return render(
        request,
        "obapi/connections.html",
        {"connections": selectors.connected_clients(user=user, now=timezone.now())},
    )


# --- resources ---------------------------------------------------------------------------


def _query_int(request: HttpRequest, name: str, default: int, minimum: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)  # ValueError is the caller's 400
    if value < minimum:
        raise ValueError(name)
    return value


def _since(request: HttpRequest) -> datetime | None:
    raw = request.GET.get("since", "").strip()
    if not raw:
        return None
    moment = datetime.fromisoformat(raw.replace(" ", "+"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _link_header(request: HttpRequest, *, limit: int, offset: int, total: int) -> str:
    base = request.build_absolute_uri(request.path)
    extra = {"since": request.GET["since"]} if request.GET.get("since") else {}

    def link(at: int, rel: str) -> str:
        return f'<{base}?{urlencode({"limit": limit, "offset": at, **extra})}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    links = []
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    links.append(link(last, "last"))
    links.append(link(0, "first"))
    if offset > 0:
        links.append(link(max(0, min(offset - limit, last)), "prev"))
    return ", ".join(links)


def _credentials_get(request: HttpRequest, who: Authorised) -> HttpResponse:
    try:
        limit = min(_query_int(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        offset = _query_int(request, "offset", 0, 0)
        since = _since(request)
    except ValueError:
        return imsx.error_response(
            400,
            "limit must be a positive integer, offset zero or more, since an ISO 8601 time.",
            minor="invalid_query_parameter",
        )
    page = selectors.learner_credentials(user=who.user, limit=limit, offset=offset, since=since)
    body: dict[str, Any] = {
        "credential": [c.document for c in page.items if c.document is not None],
        discovery.JWS_FIELD: [c.jws for c in page.items if c.jws is not None],
    }
    response = JsonResponse(body)
    response["X-Total-Count"] = str(page.total)
    response["Link"] = _link_header(request, limit=limit, offset=offset, total=page.total)
    response["Cache-Control"] = "no-store"
    return response


def _media_type(request: HttpRequest) -> str:
    return (request.content_type or "").split(";", 1)[0].strip().lower()


def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.headers.get("Content-Length") or 0) > MAX_BODY
    except ValueError:
        return True


def _credentials_post(request: HttpRequest, who: Authorised) -> HttpResponse:
    media = _media_type(request)
    if media not in JSON_TYPES and media != "text/plain":
        return imsx.error_response(
            415,
            "Send a credential as application/json (or application/vc+ld+json) or a compact "
            "JWS as text/plain.",
        )
    if _too_big(request):
        return imsx.error_response(413, f"The body is larger than {MAX_BODY:,} bytes.")
    data = request.body
    posted: Any
    if media == "text/plain":
        posted = data.decode("utf-8", errors="replace").strip()
        if not engine.is_compact_jws(posted):
            return imsx.error_response(400, "A text/plain body must be a compact JWS (VC-JWT).")
    else:
        try:
            posted = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return imsx.error_response(400, "The body is not valid JSON.")
        if not isinstance(posted, dict):
            return imsx.error_response(400, "The body must be a credential (a JSON object).")
    try:
        result = services.credential_upsert(user=who.user, data=data, now=timezone.now())
    except ApplicationError as exc:
        return imsx.error_response(400, exc.message)
    status = 201 if result.created else 200
    if isinstance(posted, str):
        return HttpResponse(posted, content_type="text/plain; charset=utf-8", status=status)
    return JsonResponse(posted, status=status)


@csrf_exempt
def credentials(request: HttpRequest) -> HttpResponse:
    """GET the learner's credentials (a page), POST one into their wallet."""
    handlers: dict[str, tuple[str, Callable[[HttpRequest, Authorised], HttpResponse]]] = {
        "GET": (scopes.CREDENTIAL_READ, _credentials_get),
        "POST": (scopes.CREDENTIAL_UPSERT, _credentials_post),
    }
    return _dispatch(request, handlers)


def _profile_get(request: HttpRequest, who: Authorised) -> HttpResponse:
    response = JsonResponse(selectors.learner_profile(user=who.user))
    response["Cache-Control"] = "no-store"
    return response


def _profile_put(request: HttpRequest, who: Authorised) -> HttpResponse:
    if _media_type(request) not in JSON_TYPES:
        return imsx.error_response(415, "Send the Profile as application/json.")
    if _too_big(request):
        return imsx.error_response(413, "The body is too large.")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return imsx.error_response(400, "The body is not valid JSON.")
    try:
        profile = services.profile_update(user=who.user, data=data, now=timezone.now())
    except ApplicationError as exc:
        return imsx.error_response(400, exc.message)
    response = JsonResponse(profile)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def profile(request: HttpRequest) -> HttpResponse:
    """GET the learner's OB 3.0 Profile, PUT changes to it."""
    handlers: dict[str, tuple[str, Callable[[HttpRequest, Authorised], HttpResponse]]] = {
        "GET": (scopes.PROFILE_READ, _profile_get),
        "PUT": (scopes.PROFILE_UPDATE, _profile_put),
    }
    return _dispatch(request, handlers)


def _dispatch(
    request: HttpRequest,
    handlers: dict[str, tuple[str, Callable[[HttpRequest, Authorised], HttpResponse]]],
) -> HttpResponse:
    method = request.method or ""
    if method not in handlers:
        return _not_allowed(", ".join(handlers))
    scope, handler = handlers[method]
    who = authorise(request, scope)
    if isinstance(who, JsonResponse):
        return who
    try:
        return handler(request, who)
    except Exception:  # every answer of the API is an Imsx_StatusInfo, a crash's too
        log.exception("OB API %s %s failed", method, request.path)
        return imsx.error_response(500, "Something went wrong on our side.")


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /ims/ob/v3p0/: a 404 in the API's error shape."""
    return imsx.error_response(404, "There is no such endpoint in the Open Badges API.")


# --- OAuth 2.0 ---------------------------------------------------------------------------


def _registration_error(error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=400)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@api_rate_limit("register")  # open registration: a budget per address
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 dynamic client registration, as OB 3.0 profiles it (open to any client)."""
    if request.method != "POST":
        response = _registration_error("invalid_request", "Register with POST.")
        response.status_code = 405
        response["Allow"] = "POST"
        return response
    if _too_big(request):
        return _registration_error("invalid_client_metadata", "The request is too large.")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _registration_error("invalid_client_metadata", "The body must be JSON.")
    try:
        metadata = registration.parse_metadata(data)
    except registration.RegistrationError as exc:
        return _registration_error(exc.error, exc.description)
    now = timezone.now()
    client, secret = services.client_register(metadata=metadata, now=now)
    body: dict[str, Any] = {
        "client_id": client.application.client_id,
        "client_secret": secret,
        "client_id_issued_at": int(client.registered_at.timestamp()),
        "client_secret_expires_at": 0,
        "client_name": metadata.client_name,
        "client_uri": metadata.client_uri,
        "logo_uri": metadata.logo_uri,
        "tos_uri": metadata.tos_uri,
        "policy_uri": metadata.policy_uri,
        "software_id": metadata.software_id,
        "software_version": metadata.software_version,
        "redirect_uris": list(metadata.redirect_uris),
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": " ".join(metadata.scope),
    }
    if metadata.contacts:
        body["contacts"] = list(metadata.contacts)
    response = JsonResponse(body, status=201)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class AuthorizeView(AuthorizationView):  # type: ignore[misc]
    """django-oauth-toolkit's authorization endpoint with our consent page, refusing any PKCE
    method but S256 before the learner is asked (the toolkit also refuses ``plain`` when the
    code is made, for a tampered form)."""

    template_name = "obapi/authorize.html"

    def validate_authorization_request(self, request: HttpRequest) -> tuple[Any, Any]:
        found_scopes, credentials = super().validate_authorization_request(request)
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description="PKCE is required with code_challenge_method=S256.",
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials.get("redirect_uri"),
            )
        return found_scopes, credentials

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        application = context.get("application")
        context["registration"] = (
            RegisteredClient.objects.filter(application=application).first()
            if application is not None
            else None
        )
        context["scope_words"] = [
            scopes.PLAIN_WORDS.get(scope, scope) for scope in context.get("scopes") or []
        ]
        return context


authorize = AuthorizeView.as_view()
token = TokenView.as_view()
revoke = RevokeTokenView.as_view()
