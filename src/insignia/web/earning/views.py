"""Pages of the earning app: applying (learners), reviewing (assessors), designing the
assessment, opening a badge for applications and its earn rate (designers and owners)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from insignia.web.achievements.selectors import access_achievement
from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.common.forms import add_application_error
from insignia.web.earning import files, selectors, services
from insignia.web.earning.designer import assessment_initial, requirement_data, rubric_data
from insignia.web.earning.forms import (
    AccessPolicyForm,
    ApplyForm,
    ConflictForm,
    CriterionFormSet,
    EmailListForm,
    EvidenceForm,
    InviteCodeForm,
    QueueFilterForm,
    RequirementFormSet,
    ReviewForm,
    RowVersionForm,
    RubricForm,
    field_name,
)
from insignia.web.earning.models import AccessPolicy, Application
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation, has_role, user_roles

# --- learners -----------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    """What the badge asks for and how it is judged; start an application."""
    user = current_user(request)
    achievement = selectors.achievement_for_applicants(achievement_id=achievement_id)
    existing = selectors.learner_application_for(learner=user, achievement=achievement)
    if existing is not None:
        return redirect("earning:application", existing.pk)
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                learner=user, achievement_id=achievement.pk, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Your application is started. Save it as often as you like.")
            return redirect("earning:application", application.pk)
    version = achievement.current_version
    assert version is not None
    return render(
        request,
        "earning/apply.html",
        {
            "achievement": achievement,
            "version": version,
            "org": achievement.organisation,
            "policy": selectors.access_policy_for(achievement=achievement),
            "open": selectors.applications_open(achievement=achievement),
            "requirements": selectors.version_requirements(version=version),
            "rubric": selectors.version_rubric(version=version),
            "form": form,
        },
    )


@login_required
@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "earning/application_list.html",
        {"applications": selectors.learner_applications(learner=current_user(request))},
    )


def _answers(form: EvidenceForm) -> dict[uuid.UUID, services.AnswerData]:
    answers = {}
    for row in form.rows:
        r, name = row.requirement, field_name(row.requirement.pk)
        value = form.cleaned_data.get(name)
        answers[r.pk] = services.AnswerData(
            text=value if r.kind == "text" and value else "",
            url=value if r.kind == "url" and value else "",
            attested=bool(value) if r.kind == "attestation" else False,
            file=value if r.kind == "file" and value else None,
            remove_file=bool(form.cleaned_data.get(f"{name}_remove")),
        )
    return answers


def _save_and_maybe_submit(
    request: HttpRequest, application: Application, form: EvidenceForm
) -> HttpResponse | None:
    user = current_user(request)
    fields = {str(row.requirement.pk): field_name(row.requirement.pk) for row in form.rows}
    try:
        saved = services.application_save(
            learner=user,
            application_id=application.pk,
            expected_row_version=form.cleaned_data["row_version"],
            answers=_answers(form),
        )
    except services.StaleApplication as exc:
        messages.error(request, exc.message)
        return redirect("earning:application", application.pk)
    except ApplicationError as exc:
        add_application_error(form, exc, fields=fields)
        return None
    if request.POST.get("action") != "submit":
        messages.success(request, "Saved. Your application stays a draft until you submit it.")
        return redirect("earning:application", application.pk)
    try:
        services.application_submit(
            learner=user, application_id=application.pk, expected_row_version=saved.row_version
        )
    except services.IncompleteApplication as exc:
        messages.error(request, f"Saved, but not submitted: {exc.message}")
        request.session[f"problems-{application.pk}"] = {str(k): v for k, v in exc.problems.items()}
        return redirect("earning:application", application.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("earning:application", application.pk)
    messages.success(request, "Submitted. We will email you when an assessor has decided.")
    return redirect("earning:application", application.pk)


@login_required
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The learner's application: where it stands, the feedback, and the evidence form."""
    application = selectors.access_application(
        user=current_user(request), application_id=application_id
    )
    rows = selectors.application_evidence(application=application, revision=application.revision)
    form = None
    if application.is_editable:
        data = request.POST if request.method == "POST" else None
        form = EvidenceForm(
            data,
            request.FILES if data is not None else None,
            rows=rows,
            initial={"row_version": application.row_version},
        )
        if data is not None and form.is_valid():
            response = _save_and_maybe_submit(request, application, form)
            if response is not None:
                return response
        # What a refused submit found missing, shown under each item (the form is unbound
        # after the redirect, so the errors are set directly).
        problems = request.session.pop(f"problems-{application.pk}", {})
        for key, message in problems.items():
            name = field_name(uuid.UUID(key))
            if name in form.fields and data is None:
                form.errors[name] = form.error_class([message])
    elif request.method == "POST":
        messages.error(
            request,
            "This application has already been submitted."
            if application.submitted_at
            else "This application cannot be changed now.",
        )
        return redirect("earning:application", application.pk)
    return render(
        request,
        "earning/application_detail.html",
        {
            "application": application,
            "version": application.version,
            "org": application.achievement.organisation,
            "form": form,
            "rows": rows,
            "feedback": selectors.application_latest_feedback(application=application),
            "history": [
                h
                for h in selectors.application_history(application=application, for_learner=True)
                if h.number != application.revision
            ],
            "can_share": application.state == Application.State.APPROVED,
            "events": selectors.application_events(application=application),
            "rubric": selectors.version_rubric(version=application.version),
        },
    )


@login_required
@require_POST
def evidence_visibility(
    request: HttpRequest, application_id: uuid.UUID, item_id: uuid.UUID
) -> HttpResponse:
    public = request.POST.get("visibility") == "public"
    services.evidence_set_visibility(learner=current_user(request), item_id=item_id, public=public)
    messages.success(
        request,
        "Anyone with your credential can now open this evidence."
        if public
        else "This evidence is private again: only you and the assessors can open it.",
    )
    return redirect("earning:application", application_id)


@require_safe
def evidence(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse | FileResponse:
    """An evidence item: the file (always as a download), or a page with the answer.  404 for
    anyone the learner has not allowed — the same answer as for an unknown id."""
    item = selectors.access_evidence_item(user=request.user, item_id=item_id)
    if item.has_file:
        try:
            handle = files.open_evidence_file(item.file_path)
        except OSError:
            raise NotFound() from None
        response: HttpResponse | FileResponse = FileResponse(
            handle, as_attachment=True, filename=item.file_name, content_type=item.content_type
        )
    else:
        response = render(request, "earning/evidence_item.html", {"item": item})
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    if item.has_file:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- assessors ----------------------------------------------------------------------------


@login_required
@require_safe
def queue(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    org = access_organisation(user=user, organisation_id=organisation_id, role=Role.ASSESSOR)
    form = QueueFilterForm(
        request.GET or None, badges=selectors.organisation_applicable_badges(organisation=org)
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "achievement_id": uuid.UUID(d["badge"]) if d["badge"] else None,
            "older_than_days": int(d["age"]) if d["age"] else None,
            "only_mine": d["mine"],
        }
    return render(
        request,
        "earning/queue.html",
        {
            "org": org,
            "form": form,
            "rows": selectors.review_queue(user=user, organisation=org, **filters),
            "disagreements": selectors.organisation_disagreements(organisation=org)
            if Role.OWNER in user_roles(user=user, organisation=org)
            else [],
        },
    )


def _review_page(
    request: HttpRequest, application: Application, form: ReviewForm | None
) -> HttpResponse:
    user = current_user(request)
    rubric = selectors.version_rubric(version=application.version)
    history = selectors.application_history(application=application)
    if form is None and rubric is not None:
        form = ReviewForm(
            rubric=rubric,
            initial={"revision": application.revision, "row_version": application.row_version},
        )
    return render(
        request,
        "earning/review.html",
        {
            "application": application,
            "version": application.version,
            "org": application.achievement.organisation,
            "rubric": rubric,
            "form": form,
            "rows": selectors.application_evidence(
                application=application, revision=application.revision
            ),
            "history": [h for h in history if h.number != application.revision],
            # Second marking is blind: the first review shows only once it is settled, or to
            # the owner deciding a disagreement.
            "current_reviews": next(
                (h.reviews for h in history if h.number == application.revision), []
            )
            if not application.is_waiting or application.review_stage == Application.Stage.DECIDING
            else [],
            "events": selectors.application_events(application=application),
            "is_reviewer": application.reviewer_id == user.pk and application.is_waiting,
            "is_owner": Role.OWNER
            in user_roles(user=user, organisation=application.achievement.organisation),
            "conflict_form": ConflictForm(),
        },
    )


@login_required
def review(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The evidence, the rubric and — for the assessor reviewing it — the scoring form."""
    user = current_user(request)
    application = selectors.access_application(
        user=user, application_id=application_id, as_assessor=True
    )
    if request.method != "POST":
        return _review_page(request, application, None)
    rubric = selectors.version_rubric(version=application.version)
    if rubric is None:
        raise NotFound()
    form = ReviewForm(request.POST, rubric=rubric)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.review_decide(
                actor=user,
                application_id=application.pk,
                expected_revision=d["revision"],
                expected_row_version=d["row_version"],
                data=services.DecisionData(
                    decision=d["decision"],
                    feedback=d["feedback"],
                    scores=tuple(services.ScoreData(*s) for s in form.scores()),
                ),
            )
        except services.StaleApplication as exc:
            messages.error(request, exc.message)
            return redirect("earning:review", application.pk)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Your review is recorded.")
            return redirect("earning:queue", application.achievement.organisation_id)
    return _review_page(request, application, form)


def _review_action(
    request: HttpRequest, application_id: uuid.UUID, action: Any, done: str
) -> HttpResponse:
    form = RowVersionForm(request.POST)
    if not form.is_valid():
        raise NotFound()
    try:
        action(
            actor=current_user(request),
            application_id=application_id,
            expected_row_version=form.cleaned_data["row_version"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("earning:review", application_id)


@login_required
@require_POST
def review_start(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    take_over = request.POST.get("take_over") == "1"

    def start(**kwargs: Any) -> Application:
        return services.review_start(take_over=take_over, **kwargs)

    return _review_action(request, application_id, start, "The application is yours to review.")


@login_required
@require_POST
def review_release(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    application = selectors.access_application(
        user=user, application_id=application_id, as_assessor=True
    )
    form = RowVersionForm(request.POST)
    if not form.is_valid():
        raise NotFound()
    try:
        services.review_release(
            actor=user,
            application_id=application.pk,
            expected_row_version=form.cleaned_data["row_version"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("earning:review", application.pk)
    messages.success(request, "Back in the queue for another assessor.")
    return redirect("earning:queue", application.achievement.organisation_id)


@login_required
@require_POST
def conflict(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    application = selectors.access_application(
        user=user, application_id=application_id, as_assessor=True
    )
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.conflict_declare(actor=user, application_id=application.pk, reason=reason)
    messages.success(
        request, "Conflict of interest recorded: this learner's applications are hidden from you."
    )
    return redirect("earning:queue", application.achievement.organisation_id)


# --- designers and owners -----------------------------------------------------------------


@login_required
def assessment(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    """Evidence requirements and the rubric of the badge's draft (or next) version."""
    user = current_user(request)
    achievement = access_achievement(user=user, achievement_id=achievement_id, role=Role.DESIGNER)
    latest, rubric_initial, requirement_rows, criterion_rows = assessment_initial(achievement)
    data = request.POST if request.method == "POST" else None
    rubric_form = RubricForm(data, initial=rubric_initial)
    requirements = RequirementFormSet(data, initial=requirement_rows, prefix="items")
    criteria = CriterionFormSet(data, initial=criterion_rows, prefix="criteria")
    if (
        data is not None
        and rubric_form.is_valid()
        and requirements.is_valid()
        and criteria.is_valid()
    ):
        try:
            version = services.assessment_save(
                actor=user,
                achievement_id=achievement.pk,
                requirements=requirement_data(requirements),
                rubric=rubric_data(rubric_form, criteria),
            )
        except ApplicationError as exc:
            add_application_error(rubric_form, exc)
        else:
            messages.success(
                request,
                f"Saved in version {version.number} (a draft). Publish it to use it for "
                "new applications.",
            )
            return redirect("achievements:detail", achievement.pk)
    return render(
        request,
        "earning/assessment_form.html",
        {
            "achievement": achievement,
            "org": achievement.organisation,
            "latest": latest,
            "rubric_form": rubric_form,
            "requirements": requirements,
            "criteria": criteria,
        },
    )


@login_required
def access(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    """Who may apply: open, by invite code or by email list; one or two assessors."""
    user = current_user(request)
    achievement = access_achievement(user=user, achievement_id=achievement_id, role=Role.DESIGNER)
    policy = selectors.access_policy_for(achievement=achievement)
    form = AccessPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"mode": policy.mode, "reviews_required": policy.reviews_required},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.access_policy_set(
                actor=user,
                achievement_id=achievement.pk,
                mode=form.cleaned_data["mode"],
                reviews_required=form.cleaned_data["reviews_required"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "Saved who may apply.")
            return redirect("earning:access", achievement.pk)
    return render(
        request,
        "earning/access_form.html",
        {
            "achievement": achievement,
            "org": achievement.organisation,
            "version": achievement.current_version,
            "form": form,
            "policy": policy,
            "codes": list(achievement.invite_codes.all()),
            "code_form": InviteCodeForm(),
            "email_form": EmailListForm(
                initial={"emails": "\n".join(e.email for e in achievement.invited_emails.all())}
            ),
            "Mode": AccessPolicy.Mode,
        },
    )


@login_required
@require_POST
def invite_code_create(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    form = InviteCodeForm(request.POST)
    if form.is_valid():
        code = services.invite_code_create(
            actor=current_user(request), achievement_id=achievement_id, **form.cleaned_data
        )
        messages.success(request, f"New invite code: {code.code}")
    else:
        messages.error(request, "The maximum number of uses must be a whole number.")
    return redirect("earning:access", achievement_id)


@login_required
@require_POST
def invite_code_revoke(
    request: HttpRequest, achievement_id: uuid.UUID, code_id: uuid.UUID
) -> HttpResponse:
    code = services.invite_code_revoke(
        actor=current_user(request), achievement_id=achievement_id, code_id=code_id
    )
    messages.success(request, f"The code {code.code} no longer admits anyone new.")
    return redirect("earning:access", achievement_id)


@login_required
@require_POST
def email_list(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    form = EmailListForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("emails", [])))
        return redirect("earning:access", achievement_id)
    try:
        count = services.invited_emails_set(
            actor=current_user(request),
            achievement_id=achievement_id,
            emails=form.cleaned_data["emails"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The list holds {count} address{'es' if count != 1 else ''}.")
    return redirect("earning:access", achievement_id)


@login_required
@require_safe
def earn_rate(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    achievement = access_achievement(user=user, achievement_id=achievement_id, role=Role.DESIGNER)
    roles = user_roles(user=user, organisation=achievement.organisation)
    return render(
        request,
        "earning/earn_rate.html",
        {
            "achievement": achievement,
            "org": achievement.organisation,
            "version": achievement.current_version,
            "rate": selectors.achievement_earn_rate(achievement=achievement),
            "policy": selectors.access_policy_for(achievement=achievement),
            "can_review": has_role(roles, Role.ASSESSOR),
        },
    )
