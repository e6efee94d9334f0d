"""Views of the talent app: thin wrappers around services and selectors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError
from insignia.web.common.ratelimit import rate_limit
from insignia.web.talent import selectors, services
from insignia.web.talent.forms import (
    ContactForm,
    ProfileForm,
    SearchForm,
    SkillFilterForm,
    SkillGroupForm,
    SkillMergeForm,
)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    """Opt in to being found, per badge, and choose what employers see."""
    user = current_user(request)
    items = selectors.selectable_items(user=user)
    profile = selectors.talent_profile_of(user=user)
    initial = (
        {
            "is_discoverable": profile.is_discoverable,
            "show_name": profile.show_name,
            "show_contact": profile.show_contact,
            "show_location": profile.show_location,
            "location": profile.location,
            "headline": profile.headline,
            "badges": list(selectors.chosen_item_ids(user=user)),
        }
        if profile
        else {"show_name": True}
    )
    form = ProfileForm(request.POST or None, initial=initial, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.talent_profile_update(
                user=user,
                is_discoverable=data["is_discoverable"],
                show_name=data["show_name"],
                show_contact=data["show_contact"],
                show_location=data["show_location"],
                location=data["location"],
                headline=data["headline"],
                wallet_item_ids=[i.pk for i in data["badges"]],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "Employers can now find you by the badges you chose."
                if data["is_discoverable"]
                else "Employers cannot find you.",
            )
            return redirect("talent:settings")
    return _private(
        render(request, "talent/settings.html", {"form": form, "profile": profile, "items": items})
    )


@login_required
@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    services.talent_profile_withdraw(user=current_user(request))
    messages.success(request, "You have left talent search: employers can no longer find you.")
    return redirect("talent:settings")


@login_required
@rate_limit("search")
def search(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Recruiters search for candidates holding a combination of skills."""
    user = current_user(request)
    organisation = selectors.access_recruiter_organisation(
        user=user, organisation_id=organisation_id
    )
    form = SearchForm(request.GET or None)
    result, next_page = None, ""
    offset = request.GET.get("offset", "0")
    offset_value = min(int(offset), 10_000) if offset.isdigit() else 0
    if form.is_bound and form.is_valid() and form.has_terms:
        data = form.cleaned_data
        after = data.get("earned_after")
        result = selectors.talent_search(
            query=selectors.SearchQuery(
                all_skills=data["all_terms"],
                any_skills=data["any_terms"],
                issuers=tuple(o.pk for o in data["issuers"]),
                earned_after=datetime.combine(after, time.min, tzinfo=UTC) if after else None,
            ),
            offset=offset_value,
        )
        if result.next_offset is not None:
            following = request.GET.copy()
            following["offset"] = str(result.next_offset)
            next_page = following.urlencode()
    return _private(
        render(
            request,
            "talent/search.html",
            {
                "organisation": organisation,
                "form": form,
                "result": result,
                "next_page": next_page,
                "offset": offset_value,
            },
        )
    )


@login_required
def candidate(
    request: HttpRequest, organisation_id: uuid.UUID, profile_id: uuid.UUID
) -> HttpResponse:
    """A candidate's badges, each verified live; and a message relayed to them."""
    user = current_user(request)
    organisation = selectors.access_recruiter_organisation(
        user=user, organisation_id=organisation_id
    )
    profile = selectors.access_candidate(
        user=user, organisation_id=organisation_id, profile_id=profile_id
    )
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_request_create(
                actor=user,
                organisation_id=organisation_id,
                profile_id=profile_id,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your message was sent. Their answer will come by email.")
            return redirect("talent:candidate", organisation_id, profile_id)
    return _private(
        render(
            request,
            "talent/candidate.html",
            {
                "organisation": organisation,
                "profile": profile,
                "badges": selectors.candidate_badges(profile=profile),
                "form": form,
            },
        )
    )


@login_required
def skill_list(request: HttpRequest) -> HttpResponse:
    """Site staff: the synonym groups (each skill and the wordings that mean it)."""
    form = SkillFilterForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    skills = selectors.skill_groups(user=current_user(request), text=text)
    page = Paginator(skills, 50).get_page(request.GET.get("page"))
    return _private(render(request, "talent/skills.html", {"form": form, "page": page, "q": text}))


@login_required
def skill_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Site staff: rename a skill, set its wordings, or merge it into another."""
    user = current_user(request)
    skill = selectors.access_skill(user=user, key=key)
    aliases = "\n".join(skill.synonyms.values_list("alias", flat=True))
    merging = request.method == "POST" and "into" in request.POST
    form = SkillGroupForm(
        request.POST if request.method == "POST" and not merging else None,
        initial={"name": skill.name, "aliases": aliases},
    )
    merge = SkillMergeForm(request.POST if merging else None)
    if merging and merge.is_valid():
        try:
            target = services.skill_group_merge(
                actor=user, key=skill.key, into=merge.cleaned_data["into"]
            )
        except ApplicationError as exc:
            merge.add_error("into", exc.message)
        else:
            messages.success(request, f"Merged into {target.name}.")
            return redirect("talent:skill_edit", target.key)
    elif form.is_bound and form.is_valid():
        services.skill_group_update(
            actor=user,
            key=skill.key,
            name=form.cleaned_data["name"],
            aliases=form.cleaned_data["aliases"],
        )
        messages.success(request, "Saved. Search uses these wordings from now on.")
        return redirect("talent:skill_edit", skill.key)
    return _private(
        render(request, "talent/skill_edit.html", {"skill": skill, "form": form, "merge": merge})
    )
