"""``Authorization: Bearer <token>`` for the issuer API, one scope per endpoint.

The token resolves to its organisation and acts as the person who created it: the creator
must still be active and still hold, in that organisation, the role the scope needs
(:data:`~insignia.web.api.scopes.SCOPE_ROLES`).  Services then check roles again as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.security import HttpBearer

from insignia.web.accounts.models import User
from insignia.web.api import audit
from insignia.web.api.errors import InsufficientScope
from insignia.web.api.models import ApiToken
from insignia.web.api.scopes import SCOPE_ROLES, Scope
from insignia.web.api.selectors import api_token_authenticate
from insignia.web.api.services import api_token_touch
from insignia.web.issuers.models import Organisation
from insignia.web.issuers.selectors import has_role, user_roles


@dataclass(frozen=True, slots=True)
class TokenContext:
    """Who a request acts as: the token, its organisation, and the person it acts for."""

    token: ApiToken
    organisation: Organisation
    actor: User

    @contextmanager
    def acting(self) -> Iterator[User]:
        """Run services as the creator; their audit events name the token."""
        with audit.acting_with(self.token.prefix):
            yield self.actor


class TokenAuth(HttpBearer):
    """Bearer token holding ``scope``."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> TokenContext:
        now = timezone.now()
        api_token = api_token_authenticate(secret=token.strip(), now=now)
        if self.scope.value not in api_token.scopes:
            raise InsufficientScope(
                f"This token lacks the {self.scope.value} scope.", required_scope=self.scope.value
            )
        creator = api_token.created_by
        role = SCOPE_ROLES[self.scope]
        if (
            creator is None
            or not creator.is_active
            or not has_role(user_roles(user=creator, organisation=api_token.organisation), role)
        ):
            raise InsufficientScope(
                "The person who created this token no longer holds the role this scope needs.",
                code="token.creator_lacks_role",
                required_scope=self.scope.value,
            )
        api_token_touch(token=api_token, now=now)
        return TokenContext(token=api_token, organisation=api_token.organisation, actor=creator)


def document_scopes(router: Router) -> None:
    """Start each token endpoint's OpenAPI description with the scope it needs."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            scopes = [a.scope.value for a in operation.auth_callbacks if isinstance(a, TokenAuth)]
            if scopes:
                lead = f"Needs an API token with the `{scopes[0]}` scope."
                operation.description = f"{lead}\n\n{operation.description or ''}".strip()


def context(request: HttpRequest) -> TokenContext:
    """The token context ninja stored on the request after authentication."""
    auth = getattr(request, "auth", None)
    assert isinstance(auth, TokenContext)
    return auth
