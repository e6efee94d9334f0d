"""Reads about organisations, staff roles and keys — and the access function for organisations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from insignia.web.accounts.models import User
from insignia.web.common.errors import NotFound
from insignia.web.issuers import engine
from insignia.web.issuers.models import AuditEvent, Membership, Organisation, Role, SigningKey


def user_roles(*, user: User | Any, organisation: Organisation) -> set[Role]:
    """The roles ``user`` holds in ``organisation`` (empty for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    rows = Membership.objects.filter(organisation=organisation, user=user)
    return {Role(role) for role in rows.values_list("role", flat=True)}


def has_role(roles: Iterable[Role], role: Role | None) -> bool:
    """True when ``roles`` grant ``role`` (owners hold every role; None = any membership)."""
    roles = set(roles)
    if not roles:
        return False
    return role is None or role in roles or Role.OWNER in roles


def access_organisation(
    *, user: User | Any, organisation_id: uuid.UUID | str, role: Role | None = None
) -> Organisation:
    """Return the organisation when ``user`` holds ``role`` in it (None: any role).

    :raises NotFound: when it does not exist *or* the user may not act on it — the same
        answer for both, so that ids cannot be probed.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).select_related("logo").first()
    if organisation is None or not has_role(user_roles(user=user, organisation=organisation), role):
        raise NotFound()
    return organisation


def organisation_public_get(*, organisation_id: uuid.UUID | str) -> Organisation:
    """Return an organisation for its public pages (every issuer profile is public).

    :raises NotFound: when there is none.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).select_related("logo").first()
    if organisation is None:
        raise NotFound()
    return organisation


def organisations_for_user(*, user: User) -> list[tuple[Organisation, set[Role]]]:
    """Every organisation where ``user`` holds a role, with those roles."""
    rows = Membership.objects.filter(user=user).select_related("organisation", "organisation__logo")
    grouped: dict[uuid.UUID, tuple[Organisation, set[Role]]] = {}
    for row in rows.order_by("organisation__name"):
        grouped.setdefault(row.organisation.pk, (row.organisation, set()))[1].add(Role(row.role))
    return list(grouped.values())


def organisation_team(*, organisation: Organisation) -> list[tuple[User, set[Role]]]:
    """Every member of staff with their roles, by name."""
    team: dict[int, tuple[User, set[Role]]] = {}
    rows = Membership.objects.filter(organisation=organisation).select_related("user")
    for row in rows.order_by("user__name", "user__email"):
        team.setdefault(row.user.pk, (row.user, set()))[1].add(Role(row.role))
    return list(team.values())


def active_signing_key(*, organisation: Organisation) -> SigningKey | None:
    """The key new credentials are signed with (the newest one not retired)."""
    return (
        SigningKey.objects.filter(
            organisation=organisation, retired_at__isnull=True, compromised_after__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def published_signing_keys(*, organisation: Organisation) -> QuerySet[SigningKey]:
    """Keys listed in the DID document: every key, so that what a key signed keeps verifying
    after it is retired — and, for a compromised key, what it signed before the time it was
    marked compromised from (the platform's live check fails the rest)."""
    return SigningKey.objects.filter(organisation=organisation).order_by("created_at")


def organisation_profile_url(organisation: Organisation) -> str:
    """The public https page of the issuer (its profile, with content negotiation)."""
    return settings.INSIGNIA_BASE_URL + reverse("public:issuer", args=[organisation.pk])


def organisation_did_document(*, organisation: Organisation) -> dict[str, Any]:
    """The did:web document of the organisation, built by the engine from its public keys."""
    keys = [
        (k.key_id, k.public_key_multibase)
        for k in published_signing_keys(organisation=organisation)
    ]
    return engine.did_document(
        organisation.did, keys, profile_url=organisation_profile_url(organisation)
    )


def organisation_jwks(*, organisation: Organisation | None = None) -> dict[str, Any]:
    """The JWK Set of one organisation, or of every organisation on the platform."""
    keys = SigningKey.objects.select_related("organisation")
    if organisation is not None:
        keys = keys.filter(organisation=organisation)
    return engine.jwk_set(
        [
            (k.verification_method, k.public_key_multibase, k.organisation.did)
            for k in keys.order_by("organisation__created_at", "created_at")
        ]
    )


def organisation_audit(*, organisation: Organisation, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events of an organisation."""
    return list(
        AuditEvent.objects.filter(organisation=organisation).select_related("actor")[:limit]
    )
