"""Staff pages of the badge designer."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from insignia.web.achievements import selectors, services
from insignia.web.achievements.forms import AchievementForm, AlignmentFormSet
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.awards.selectors import achievement_credentials, credential_live_status
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.earning.selectors import access_policy_for, version_requirements, version_rubric
from insignia.web.images.designs import Design, render_svg
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation, has_role, user_roles


def _version_data(form: AchievementForm, alignments: Any) -> services.VersionData:
    d = form.cleaned_data
    return services.VersionData(
        name=d["name"],
        description=d["description"],
        criteria=d["criteria"],
        achievement_type=d["achievement_type"],
        language=d["language"],
        tags=tuple(d["tags"]),
        expiry_months=d["expiry_months"] if d["expiry"] == "months" else None,
        alignments=tuple(
            services.AlignmentData(
                **{
                    k: row[k]
                    for k in ("target_name", "target_url", "target_framework", "target_code")
                }
            )
            for row in alignments.cleaned_data
            if row.get("target_name")
        ),
    )


def _design(form: AchievementForm) -> Design:
    d = form.cleaned_data
    return Design(
        title=d["name"],
        colour=d["design_colour"],
        icon=d["design_icon"],
        shape=d["design_shape"],
        subtitle=d["design_subtitle"],
    )


def _image_choice(form: AchievementForm) -> services.ImageChoice:
    source = form.cleaned_data["image_source"]
    if source == "upload":
        return services.ImageChoice(upload=form.cleaned_data["image"])
    if source == "design":
        return services.ImageChoice(design=_design(form))
    return services.ImageChoice()


def _preview(form: AchievementForm) -> str | None:
    """A data: URL of the generated design, for the no-JavaScript "Preview" button."""
    if not form.is_valid() or form.cleaned_data["image_source"] != "design":
        return None
    svg = render_svg(_design(form)).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _initial(version: AchievementVersion) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    design = version.image.design or {}
    initial = {
        "name": version.name,
        "description": version.description,
        "criteria": version.criteria,
        "achievement_type": version.achievement_type,
        "tags": ", ".join(version.tags),
        "language": version.language,
        "expiry": "months" if version.expiry_months else "never",
        "expiry_months": version.expiry_months,
        "design_colour": design.get("colour", "#3730a3"),
        "design_icon": design.get("icon", "star"),
        "design_shape": design.get("shape", "hexagon"),
        "design_subtitle": design.get("subtitle", ""),
    }
    rows = [
        {
            "target_name": a.target_name,
            "target_url": a.target_url,
            "target_framework": a.target_framework,
            "target_code": a.target_code,
        }
        for a in version.alignments.all()
    ]
    return initial, rows


def _designer(request: HttpRequest, *, org: Any, achievement: Achievement | None) -> HttpResponse:
    latest = selectors.achievement_latest_version(achievement=achievement) if achievement else None
    initial, rows = _initial(latest) if latest else ({"design_subtitle": org.name[:40]}, [])
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = AchievementForm(data, files, initial=initial, has_image=latest is not None)
    alignments = AlignmentFormSet(data, initial=rows, prefix="skills")
    if data is not None and "preview" not in data and form.is_valid() and alignments.is_valid():
        try:
            if achievement is None:
                achievement = services.achievement_create(
                    actor=current_user(request),
                    organisation_id=org.pk,
                    data=_version_data(form, alignments),
                    image=_image_choice(form),
                )
            else:
                services.achievement_update(
                    actor=current_user(request),
                    achievement_id=achievement.pk,
                    data=_version_data(form, alignments),
                    image=_image_choice(form),
                )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Saved as a draft. Publish it when it is ready to award.")
            return redirect("achievements:detail", achievement.pk)
    return render(
        request,
        "achievements/form.html",
        {
            "org": org,
            "achievement": achievement,
            "latest": latest,
            "form": form,
            "alignments": alignments,
            "preview": _preview(form) if data is not None else None,
        },
    )


@login_required
def create(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.DESIGNER
    )
    return _designer(request, org=org, achievement=None)


@login_required
def edit(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = selectors.access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.DESIGNER
    )
    return _designer(request, org=achievement.organisation, achievement=achievement)


@login_required
def detail(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = selectors.access_achievement(
        user=current_user(request), achievement_id=achievement_id
    )
    roles = user_roles(user=current_user(request), organisation=achievement.organisation)
    credentials = list(achievement_credentials(achievement_id=achievement.pk)[:50])
    latest = selectors.achievement_latest_version(achievement=achievement)
    return render(
        request,
        "achievements/detail.html",
        {
            "achievement": achievement,
            "org": achievement.organisation,
            "latest": latest,
            "requirements": version_requirements(version=latest) if latest else [],
            "rubric": version_rubric(version=latest) if latest else None,
            "policy": access_policy_for(achievement=achievement),
            "can_assess": has_role(roles, Role.ASSESSOR),
            "versions": selectors.achievement_versions(achievement=achievement),
            "can_design": has_role(roles, Role.DESIGNER),
            "can_issue": has_role(roles, Role.ISSUER),
            "awards": [(c, credential_live_status(credential=c)) for c in credentials],
        },
    )


def _action(
    request: HttpRequest, achievement_id: uuid.UUID, action: Any, done: str
) -> HttpResponse:
    try:
        action(actor=current_user(request), achievement_id=achievement_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("achievements:detail", achievement_id)


@login_required
@require_POST
def publish(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        achievement_id,
        services.achievement_publish,
        "Published. Issuers can award this version now.",
    )


@login_required
@require_POST
def archive(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        achievement_id,
        services.achievement_archive,
        "Archived. It can no longer be awarded; awarded badges stay valid.",
    )


@login_required
@require_POST
def discard(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    achievement = selectors.access_achievement(
        user=current_user(request), achievement_id=achievement_id, role=Role.DESIGNER
    )
    org_id = achievement.organisation_id
    try:
        kept = services.achievement_discard_draft(
            actor=current_user(request), achievement_id=achievement_id
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("achievements:detail", achievement_id)
    messages.success(request, "The unpublished changes were discarded.")
    if kept is None:
        return redirect("issuers:dashboard", org_id)
    return redirect("achievements:detail", achievement_id)
