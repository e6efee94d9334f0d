"""``Imsx_StatusInfo``: the one error shape of the OB 3.0 API (§6), with its HTTP status.

``imsx_codeMinorFieldValue`` takes the spec's enumeration (``unauthorizedrequest``,
``forbidden``, ``invalid_data``, ``invalid_query_parameter``, ``not_found``, ``not_allowed``,
``server_busy``, ``internal_server_error``…).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

#: HTTP status → the code-minor value a client reads when no more specific one applies.
DEFAULT_MINOR = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    406: "not_acceptable",
    413: "invalid_data",
    415: "invalid_data",
    429: "server_busy",
    500: "internal_server_error",
    503: "server_busy",
}


def status_info(description: str, minor: str, *, severity: str = "error") -> dict[str, Any]:
    """The ``Imsx_StatusInfo`` body for a failure."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": severity,
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


def error_response(
    status: int,
    description: str,
    *,
    minor: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """An ``Imsx_StatusInfo`` JSON response with ``status``."""
    response = JsonResponse(
        status_info(description, minor or DEFAULT_MINOR.get(status, "unknown")), status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response
