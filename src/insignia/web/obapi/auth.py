"""Bearer-token checks for the resource endpoints (RFC 6750, through django-oauth-toolkit).

Only an access token in the ``Authorization`` header counts: the site's session cookie never
opens the API, so a page on another site cannot use a signed-in learner's browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, JsonResponse
from oauth2_provider.oauth2_backends import get_oauthlib_core

from insignia.web.accounts.models import User
from insignia.web.obapi import imsx

REALM = "Insignia Open Badges API"


@dataclass(frozen=True, slots=True)
class Authorised:
    user: User
    scopes: frozenset[str]


def _challenge(error: str = "", description: str = "", scope: str = "") -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def authorise(request: HttpRequest, scope: str) -> Authorised | JsonResponse:
    """The learner behind the request's access token, when it carries ``scope``; otherwise
    the ``Imsx_StatusInfo`` response to send (401 with a challenge, or 403)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return imsx.error_response(
            401,
            "An OAuth 2.0 access token is required (Authorization: Bearer …).",
            headers={"WWW-Authenticate": _challenge()},
        )
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    user = getattr(token, "user", None)
    if token is None or user is None or not user.is_active:
        return imsx.error_response(
            401,
            "The access token is invalid, expired or revoked.",
            headers={
                "WWW-Authenticate": _challenge(
                    "invalid_token", "The access token is invalid, expired or revoked."
                )
            },
        )
    if not token.allow_scopes([scope]):
        return imsx.error_response(
            403,
            f"The access token does not carry the scope {scope}.",
            headers={"WWW-Authenticate": _challenge("insufficient_scope", scope=scope)},
        )
    return Authorised(user=user, scopes=frozenset(token.scope.split()))
