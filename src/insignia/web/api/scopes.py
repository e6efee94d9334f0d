"""What an API token may do (its scopes), and which staff role each scope needs.

A token acts as the person who created it (see docs/api.md): every request re-checks that
this person still holds, in the token's organisation, the role the scope needs.  A token
whose creator lost that role stops working for that scope at once.
"""

from __future__ import annotations

from django.db import models

from insignia.web.issuers.models import Role


class Scope(models.TextChoices):
    ACHIEVEMENTS_READ = "achievements:read", "Read badges"
    ACHIEVEMENTS_WRITE = "achievements:write", "Create, edit and publish badges"
    CREDENTIALS_READ = "credentials:read", "Read awarded credentials"
    CREDENTIALS_ISSUE = "credentials:issue", "Award badges and sign credentials (VC-API)"
    CREDENTIALS_REVOKE = "credentials:revoke", "Revoke, suspend and reinstate credentials"
    BULK_WRITE = "bulk:write", "Upload recipient files and run bulk issuance"


#: The role the token's creator must hold for each scope (None: any role in the organisation).
SCOPE_ROLES: dict[Scope, Role | None] = {
    Scope.ACHIEVEMENTS_READ: None,
    Scope.ACHIEVEMENTS_WRITE: Role.DESIGNER,
    Scope.CREDENTIALS_READ: Role.ISSUER,
    Scope.CREDENTIALS_ISSUE: Role.ISSUER,
    Scope.CREDENTIALS_REVOKE: Role.ISSUER,
    Scope.BULK_WRITE: Role.ISSUER,
}
