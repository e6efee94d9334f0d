"""Staff pages for organisations (profile, team, keys) and the public key documents."""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from insignia.web.achievements.selectors import organisation_achievements
from insignia.web.awards.selectors import organisation_recent_credentials
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.issuers import selectors, services
from insignia.web.issuers.forms import (
    KeyCompromiseForm,
    MemberAddForm,
    MemberRolesForm,
    OrganisationEditForm,
    OrganisationForm,
)
from insignia.web.issuers.models import ROLE_HELP, Organisation, Role

LOGO = {"image": "logo"}


@login_required
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    memberships = selectors.organisations_for_user(user=current_user(request))
    return render(request, "issuers/organisation_list.html", {"memberships": memberships})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(
                actor=current_user(request),
                logo_file=form.cleaned_data.pop("logo"),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            add_application_error(form, exc, fields=LOGO)
        else:
            messages.success(request, f"{org.name} is ready. Its signing key has been created.")
            return redirect("issuers:dashboard", org.pk)
    return render(request, "issuers/organisation_form.html", {"form": form, "creating": True})


@login_required
@require_safe
def dashboard(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = selectors.access_organisation(user=current_user(request), organisation_id=organisation_id)
    roles = selectors.user_roles(user=current_user(request), organisation=org)
    return render(
        request,
        "issuers/dashboard.html",
        {
            "org": org,
            "roles": roles,
            "is_owner": Role.OWNER in roles,
            "can_design": selectors.has_role(roles, Role.DESIGNER),
            "can_issue": selectors.has_role(roles, Role.ISSUER),
            "can_assess": selectors.has_role(roles, Role.ASSESSOR),
            "badges": organisation_achievements(organisation=org),
            "recent": organisation_recent_credentials(organisation=org, limit=8),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = selectors.access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.OWNER
    )
    initial = {
        "name": org.name,
        "url": org.url,
        "email": org.email,
        "description": org.description,
        "linkedin_organization_id": org.linkedin_organization_id,
    }
    form = OrganisationEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=current_user(request),
                organisation_id=org.pk,
                logo_file=form.cleaned_data.pop("logo"),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            add_application_error(form, exc, fields=LOGO)
        else:
            messages.success(request, "The profile has been saved.")
            return redirect("issuers:dashboard", org.pk)
    return render(request, "issuers/organisation_form.html", {"form": form, "org": org})


@login_required
def team(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = selectors.access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.OWNER
    )
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.membership_grant(
                actor=current_user(request),
                organisation_id=org.pk,
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, f"{member} has been added to the team.")
            return redirect("issuers:team", org.pk)
    members = [
        (user, roles, MemberRolesForm(initial={"roles": sorted(roles)}, prefix=f"m{user.pk}"))
        for user, roles in selectors.organisation_team(organisation=org)
    ]
    return render(
        request,
        "issuers/team.html",
        {
            "org": org,
            "form": form,
            "members": members,
            "role_help": ROLE_HELP,
        },
    )


@login_required
@require_POST
def member_roles(request: HttpRequest, organisation_id: uuid.UUID, user_id: int) -> HttpResponse:
    form = MemberRolesForm(request.POST, prefix=f"m{user_id}")
    roles = form.cleaned_data["roles"] if form.is_valid() else []
    try:
        services.membership_set_roles(
            actor=current_user(request),
            organisation_id=organisation_id,
            user_id=user_id,
            roles=roles,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The team has been updated.")
    return redirect("issuers:team", organisation_id)


@login_required
def keys(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = selectors.access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.OWNER
    )
    if request.method == "POST":
        key = services.signing_key_rotate(actor=current_user(request), organisation_id=org.pk)
        messages.success(
            request, f"New signing key {key.key_id} is active; older badges still verify."
        )
        return redirect("issuers:keys", org.pk)
    return render(
        request,
        "issuers/keys.html",
        {
            "org": org,
            "keys": selectors.published_signing_keys(organisation=org),
            "audit": selectors.organisation_audit(organisation=org),
            "compromise_form": _compromise_form(org),
        },
    )


def _compromise_form(org: Organisation, data: Any = None) -> KeyCompromiseForm:
    keys = [
        (str(k.pk), k.key_id)
        for k in selectors.published_signing_keys(organisation=org)
        if k.compromised_after is None
    ]
    return KeyCompromiseForm(data, keys=keys)


@login_required
@require_POST
def key_compromise(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Mark a key compromised from a given time (owners only)."""
    org = selectors.access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.OWNER
    )
    form = _compromise_form(org, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("issuers:keys", org.pk)
    when = form.cleaned_data["compromised_after"]
    if timezone.is_naive(when):
        when = timezone.make_aware(when, UTC)
    try:
        key = services.signing_key_mark_compromised(
            actor=current_user(request),
            organisation_id=org.pk,
            key_id=uuid.UUID(form.cleaned_data["key"]),
            compromised_after=when,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{key.key_id} is marked compromised: badges it signed from then on fail "
            "verification; a new key signs from now on.",
        )
    return redirect("issuers:keys", org.pk)


@require_safe
def did_document(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """The organisation's did:web document (``did:web:<host>:issuers:<uuid>``)."""
    org = selectors.organisation_public_get(organisation_id=organisation_id)
    response = JsonResponse(
        selectors.organisation_did_document(organisation=org), content_type="application/did+json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def organisation_jwks(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = selectors.organisation_public_get(organisation_id=organisation_id)
    return _jwks_response(selectors.organisation_jwks(organisation=org))


@require_safe
def platform_jwks(request: HttpRequest) -> HttpResponse:
    """Every issuer's public keys, each with ``iss`` = the issuer's DID (multi-tenant JWKS)."""
    return _jwks_response(selectors.organisation_jwks())


def _jwks_response(data: dict[str, object]) -> HttpResponse:
    response = JsonResponse(data, content_type="application/jwk-set+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
