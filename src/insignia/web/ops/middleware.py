"""Turn "the database went away" into a clean 503 instead of a 500.

When PostgreSQL restarts, fails over or refuses connections, a view raises Django's
``OperationalError`` (or ``InterfaceError`` for a connection already closed).  Every service
runs in a transaction, so nothing was half-written: the right answer is "try again shortly"
(503 with ``Retry-After``), logged, with a page that needs no database to render (no session,
no user, no context processors) and JSON for API clients.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_JSON_PREFIXES = ("/api/", "/ims/", "/credentials/issue", "/credentials/verify", "/presentations/")


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(_JSON_PREFIXES) or (
        "json" in accept and "text/html" not in accept
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON for API clients, a static page for people."""
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(
            {
                "error": "service_unavailable",
                "message": "The service is briefly unavailable; nothing was changed. "
                "Try again shortly.",
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("ops/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view fails because the database is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        return service_unavailable(request)
