"""Pathway pages: the issuer's builder, review queue and funnel; the learner's progress; the
public page.  Thin: access in selectors, writes in services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from insignia.web.analytics.charts import bar_chart
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.forms import add_application_error
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation
from insignia.web.pathways import selectors, services
from insignia.web.pathways.forms import PathwayForm, RequirementForm, ThresholdForm
from insignia.web.pathways.models import Pathway


def _details(form: PathwayForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "goal_id": data["goal"].pk,
        "name": data["name"],
        "description": data["description"],
        "is_public": data["is_public"],
        "award_mode": data["award_mode"],
        "on_dependency_lost": data["on_dependency_lost"],
    }


@login_required
@require_safe
def pathway_list(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.ISSUER
    )
    return render(
        request,
        "pathways/list.html",
        {"org": org, "pathways": selectors.organisation_pathways(organisation=org)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pathway_create(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    org = access_organisation(user=user, organisation_id=organisation_id, role=Role.ISSUER)
    goals = selectors.goal_choices(organisation=org)
    initial = {"award_mode": "automatic", "on_dependency_lost": "keep"}
    form = PathwayForm(request.POST or None, goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_create(actor=user, organisation_id=org.pk, **_details(form))
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Pathway created. Add its requirements, then activate it.")
            return redirect("pathways:builder", pathway.pk)
    return render(request, "pathways/create.html", {"org": org, "form": form})


def _builder_context(
    pathway: Pathway,
    *,
    details: PathwayForm | None = None,
    requirement: RequirementForm | None = None,
    threshold: ThresholdForm | None = None,
) -> dict[str, Any]:
    groups = selectors.group_choices(pathway)
    goals = selectors.goal_choices(organisation=pathway.organisation)
    if details is None:
        details = PathwayForm(
            goals=goals,
            initial={
                "name": pathway.name,
                "goal": pathway.goal_id,
                "description": pathway.description,
                "is_public": pathway.is_public,
                "award_mode": pathway.award_mode,
                "on_dependency_lost": pathway.on_dependency_lost,
            },
        )
    return {
        "pathway": pathway,
        "org": pathway.organisation,
        "root": selectors.display_tree(pathway),
        "problems": services.pathway_problems(pathway),
        "details": details,
        "requirement": requirement
        or RequirementForm(groups=groups, badges=selectors.requirement_badge_choices()),
        "threshold": threshold or ThresholdForm(groups=groups, prefix="t"),
        "pending": len(selectors.pending_completions(pathway=pathway)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def builder(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = selectors.access_pathway(user=user, pathway_id=pathway_id)
    form = None
    if request.method == "POST":
        form = PathwayForm(
            request.POST, goals=selectors.goal_choices(organisation=pathway.organisation)
        )
        if form.is_valid():
            try:
                services.pathway_update(actor=user, pathway_id=pathway.pk, **_details(form))
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("pathways:builder", pathway.pk)
    return render(request, "pathways/builder.html", _builder_context(pathway, details=form))


@login_required
@require_POST
def requirement_add(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = selectors.access_pathway(user=user, pathway_id=pathway_id)
    form = RequirementForm(
        request.POST,
        groups=selectors.group_choices(pathway),
        badges=selectors.requirement_badge_choices(),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.requirement_add(
                actor=user,
                pathway_id=pathway.pk,
                parent_id=data["parent"],
                kind=data["kind"],
                n=data["n"],
                achievement_id=data["achievement"].pk if data["achievement"] else None,
                value=data["value"],
                label=data["label"],
                url=data["url"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Requirement added.")
            return redirect("pathways:builder", pathway.pk)
    context = _builder_context(pathway, requirement=form)
    return render(request, "pathways/builder.html", context, status=400)


@login_required
@require_POST
def threshold(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = selectors.access_pathway(user=user, pathway_id=pathway_id)
    form = ThresholdForm(request.POST, groups=selectors.group_choices(pathway), prefix="t")
    if form.is_valid():
        try:
            services.requirement_set_threshold(
                actor=user,
                pathway_id=pathway.pk,
                requirement_id=form.cleaned_data["group"],
                kind=form.cleaned_data["kind"],
                n=form.cleaned_data["n"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Rule changed.")
            return redirect("pathways:builder", pathway.pk)
    context = _builder_context(pathway, threshold=form)
    return render(request, "pathways/builder.html", context, status=400)


def _action(
    request: HttpRequest, pathway_id: uuid.UUID, call: Callable[[], Any], done: str
) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("pathways:builder", pathway_id)


@login_required
@require_POST
def requirement_remove(
    request: HttpRequest, pathway_id: uuid.UUID, requirement_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    return _action(
        request,
        pathway_id,
        lambda: services.requirement_remove(
            actor=user, pathway_id=pathway_id, requirement_id=requirement_id
        ),
        "Removed.",
    )


@login_required
@require_POST
def activate(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    return _action(
        request,
        pathway_id,
        lambda: services.pathway_activate(actor=user, pathway_id=pathway_id),
        "Active: learners who meet the requirements now earn the goal badge.",
    )


@login_required
@require_POST
def deactivate(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    return _action(
        request,
        pathway_id,
        lambda: services.pathway_deactivate(actor=user, pathway_id=pathway_id),
        "Paused: nothing more is awarded through it; awarded badges stay.",
    )


@login_required
@require_safe
def reviews(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    pathway = selectors.access_pathway(user=current_user(request), pathway_id=pathway_id)
    return render(
        request,
        "pathways/reviews.html",
        {
            "pathway": pathway,
            "org": pathway.organisation,
            "pending": selectors.pending_completions(pathway=pathway),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pathway_id: uuid.UUID, completion_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    pathway = selectors.access_pathway(user=user, pathway_id=pathway_id)
    approve = request.POST.get("decision") == "approve"
    try:
        if approve:
            services.completion_approve(actor=user, completion_id=completion_id)
        else:
            services.completion_reject(actor=user, completion_id=completion_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Awarded: the badge is in the learner's wallet." if approve else "Declined."
        )
    return redirect("pathways:reviews", pathway.pk)


def _short(label: str, most: int = 24) -> str:
    """A chart label that fits beside its bar (the table beside the chart has it whole)."""
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


@login_required
@require_safe
def analytics(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    pathway = selectors.access_pathway(user=current_user(request), pathway_id=pathway_id)
    funnel = selectors.pathway_funnel(pathway=pathway)
    reach = selectors.requirement_reach(pathway=pathway)
    return render(
        request,
        "pathways/analytics.html",
        {
            "pathway": pathway,
            "org": pathway.organisation,
            "funnel": funnel,
            "funnel_chart": bar_chart(
                chart_id="pathway-funnel",
                title=f"{pathway.name}: learners who started, got halfway and completed",
                bars=funnel.stages,
            ),
            "reach": reach,
            "reach_chart": bar_chart(
                chart_id="pathway-reach",
                title="Learners who started, by requirement they hold",
                bars=[(_short(label), n) for label, n in reach],
                colour="#3730a3",
            )
            if reach
            else None,
        },
    )


@login_required
@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    items = []
    for p in selectors.learner_progress(user=user):
        missing = selectors.missing_links(p.pathway, p.outcome)
        items.append((p, selectors.display_tree(p.pathway, p.outcome), missing))
    return render(request, "pathways/progress.html", {"items": items})


@require_safe
def public(request: HttpRequest, pathway_id: uuid.UUID) -> HttpResponse:
    pathway = selectors.public_pathway_get(pathway_id=pathway_id)
    outcome = None
    user = request.user
    if getattr(user, "is_authenticated", False):
        holdings = selectors.learner_holdings(user=current_user(request), now=timezone.now())
        outcome = selectors.evaluate_pathway(pathway, holdings)
    return render(
        request,
        "pathways/public.html",
        {
            "pathway": pathway,
            "org": pathway.organisation,
            "goal": pathway.goal.current_version,
            "root": selectors.display_tree(pathway, outcome),
            "outcome": outcome,
            "page_url": settings.INSIGNIA_BASE_URL + reverse("pathways:public", args=[pathway.pk]),
        },
    )
