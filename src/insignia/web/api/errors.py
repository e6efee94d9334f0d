"""Errors of the JSON APIs: every error answers ``{"code": …, "message": …}`` with a stable code.

The handlers are installed on the site's one NinjaAPI (``public/api.py``), so the public, the
verification, the issuer and the VC-API endpoints all answer errors in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from insignia.web.common.errors import ApplicationError


class ApiError(Exception):
    """An error with an HTTP status and a stable machine code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra


class InvalidToken(ApiError):
    """401: no token, an unknown one, or one revoked or expired."""

    status = 401
    code = "token.invalid"


class InsufficientScope(ApiError):
    """403: the token lacks the scope, or its creator lost the role the scope needs."""

    status = 403
    code = "token.insufficient_scope"


class TooLarge(ApiError):
    status = 413
    code = "input.too_large"


class Invalid(ApiError):
    """422: well-formed JSON whose values are not acceptable."""

    status = 422
    code = "request.invalid"


class BadRequest(ApiError):
    status = 400
    code = "request.malformed"


def _json(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="insignia", error="invalid_token"'
    return response


def install(api: NinjaAPI) -> None:
    """Answer every error of ``api`` as ``{"code", "message"}`` (plus details where useful).

    Handlers take ``exc: Any``: ninja types the handler argument as "instance or class".
    """

    def api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(
            api, request, exc.status, {"code": exc.code, "message": exc.message, **exc.extra}
        )

    def authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(
            api,
            request,
            401,
            {
                "code": "token.missing",
                "message": "Send an API token: Authorization: Bearer <token>.",
            },
        )

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(api, request, 404, {"code": "not_found", "message": "Not found."})

    def permission(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(api, request, 403, {"code": "permission_denied", "message": "Not allowed."})

    def application(request: HttpRequest, exc: Any) -> HttpResponse:
        body: dict[str, Any] = {"code": "rule.refused", "message": exc.message}
        if exc.field:
            body["field"] = exc.field
        return _json(api, request, 422, body)

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(
            api,
            request,
            422,
            {
                "code": "request.invalid",
                "message": "The request does not match the schema.",
                "errors": exc.errors,
            },
        )

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _json(
            api, request, exc.status_code, {"code": f"http.{exc.status_code}", "message": str(exc)}
        )

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(AuthenticationError, authentication)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, permission)
    api.add_exception_handler(ApplicationError, application)
    api.add_exception_handler(NinjaValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
