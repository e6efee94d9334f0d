"""Reads about earning — access functions for applications and evidence, the review queue,
the rubric as OB 3.0 result descriptions, and the earn-rate figures."""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import version_url
from insignia.web.awards import engine
from insignia.web.common.errors import NotFound
from insignia.web.earning.models import (
    AccessPolicy,
    Application,
    ApplicationEvent,
    ConflictOfInterest,
    Criterion,
    EvidenceItem,
    EvidenceRequirement,
    Level,
    Review,
    Rubric,
)
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles

_APPLICATION_RELATED = (
    "learner",
    "achievement",
    "achievement__organisation",
    "version",
    "version__image",
    "reviewer",
    "credential",
)


def is_conflicted(*, assessor: User | Any, application: Application) -> bool:
    """True when ``assessor`` may not judge ``application``: it is their own, or they declared
    (or were recorded with) a conflict of interest with the learner."""
    if application.learner_id == getattr(assessor, "pk", None):
        return True
    return ConflictOfInterest.objects.filter(
        organisation_id=application.achievement.organisation_id,
        assessor=assessor,
        learner_id=application.learner_id,
    ).exists()


def access_application(
    *, user: User | Any, application_id: uuid.UUID | str, as_assessor: bool = False
) -> Application:
    """Return an application to its learner, or (``as_assessor``) to an assessor of the badge's
    organisation who has no conflict of interest with the learner (never a draft).

    :raises NotFound: for unknown applications and for anyone else alike.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    application = (
        Application.objects.filter(pk=application_id).select_related(*_APPLICATION_RELATED).first()
    )
    if application is None:
        raise NotFound()
    if not as_assessor:
        if application.learner_id != user.pk:
            raise NotFound()
        return application
    roles = user_roles(user=user, organisation=application.achievement.organisation)
    if (
        not has_role(roles, Role.ASSESSOR)
        or application.state == Application.State.DRAFT
        or is_conflicted(assessor=user, application=application)
    ):
        raise NotFound()
    return application


def access_evidence_item(*, user: User | Any, item_id: uuid.UUID | str) -> EvidenceItem:
    """Return an evidence item to whoever may see it: its learner, the badge's assessors (no
    conflict of interest, never a draft), and — once the learner made it public — anyone,
    provided it is evidence of an approved revision (what the credential links to).

    :raises NotFound: for unknown items and for anyone else alike.
    """
    item = (
        EvidenceItem.objects.filter(pk=item_id)
        .select_related(
            "requirement",
            "application",
            "application__learner",
            "application__achievement__organisation",
            "application__version",
        )
        .first()
    )
    if item is None:
        raise NotFound()
    application = item.application
    if getattr(user, "is_authenticated", False):
        if application.learner_id == user.pk:
            return item
        roles = user_roles(user=user, organisation=application.achievement.organisation)
        if (
            has_role(roles, Role.ASSESSOR)
            and application.state != Application.State.DRAFT
            and not is_conflicted(assessor=user, application=application)
        ):
            return item
    if (
        item.is_public
        and application.state == Application.State.APPROVED
        and item.revision == application.revision
    ):
        return item
    raise NotFound()


def evidence_url(item: EvidenceItem) -> str:
    """The opaque URL of an evidence item, as it goes into the credential."""
    return settings.INSIGNIA_BASE_URL + reverse("earning:evidence", args=[item.pk])


# --- the achievement version's requirements and rubric -----------------------------------


def version_requirements(*, version: AchievementVersion) -> list[EvidenceRequirement]:
    return list(EvidenceRequirement.objects.filter(version=version).order_by("position", "pk"))


def version_rubric(*, version: AchievementVersion) -> Rubric | None:
    """The version's rubric with its criteria and levels (lowest level first), or None."""
    return (
        Rubric.objects.filter(version=version)
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("levels", queryset=Level.objects.order_by("position", "pk"))
                ),
            )
        )
        .first()
    )


def version_accepts_applications(*, version: AchievementVersion | None) -> bool:
    """A version can be applied for when it asks for evidence and says how it is judged."""
    if version is None or not version.is_published:
        return False
    return (
        EvidenceRequirement.objects.filter(version=version).exists()
        and Rubric.objects.filter(version=version).exists()
    )


def _rd_ids(version: AchievementVersion) -> tuple[str, str]:
    base = version_url(version)
    return f"{base}#rubric", base


def version_result_descriptions(
    *, version: AchievementVersion
) -> tuple[engine.ResultDescriptionData, ...]:
    """The rubric as OB 3.0 ``ResultDescription`` values: the total score, then one per
    criterion with its levels (a must-pass criterion names its ``requiredLevel``)."""
    rubric = version_rubric(version=version)
    if rubric is None:
        return ()
    total_id, base = _rd_ids(version)
    rows = [
        engine.ResultDescriptionData(
            id=total_id,
            name=rubric.name,
            result_type="RubricScore",
            value_min="0",
            value_max=str(rubric.max_points),
            required_value=str(rubric.pass_mark),
        )
    ]
    for criterion in rubric.criteria.all():
        rows.append(
            engine.ResultDescriptionData(
                id=f"{base}#criterion-{criterion.pk}",
                name=criterion.name,
                result_type="RubricCriterionLevel",
                levels=tuple(
                    engine.LevelData(
                        id=f"{base}#level-{level.pk}",
                        name=level.name,
                        description=level.description,
                        points=level.points,
                    )
                    for level in criterion.levels.all()
                ),
                required_level=f"{base}#level-{criterion.required_level_id}"
                if criterion.required_level_id
                else None,
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a set of scores means under a rubric."""

    total: int
    meets_rubric: bool
    complete: bool
    failed_must_pass: tuple[str, ...] = ()


def rubric_outcome(rubric: Rubric, levels: Mapping[uuid.UUID, Level | None]) -> Outcome:
    """Total the scores (criterion id → level) and check the pass mark and must-pass criteria."""
    criteria = list(rubric.criteria.all())
    total = sum(lv.points for lv in levels.values() if lv is not None)
    complete = all(levels.get(c.pk) is not None for c in criteria)
    failed = []
    for criterion in criteria:
        if criterion.required_level_id is None:
            continue
        given = levels.get(criterion.pk)
        required = next(lv for lv in criterion.levels.all() if lv.pk == criterion.required_level_id)
        if given is None or given.points < required.points:
            failed.append(criterion.name)
    meets = complete and total >= rubric.pass_mark and not failed
    return Outcome(total, meets, complete, tuple(failed))


def review_results(*, review: Review) -> tuple[engine.ResultData, ...]:
    """A review's scores as OB 3.0 ``Result`` values matching the version's descriptions."""
    total_id, base = _rd_ids(review.application.version)
    results = [engine.ResultData(value=str(review.total_points or 0), result_description=total_id)]
    for score in review.scores.select_related("criterion").order_by("criterion__position"):
        if score.level_id is not None:
            results.append(
                engine.ResultData(
                    result_description=f"{base}#criterion-{score.criterion_id}",
                    achieved_level=f"{base}#level-{score.level_id}",
                )
            )
    return tuple(results)


# --- applications -------------------------------------------------------------------------


def access_policy_for(*, achievement: Achievement) -> AccessPolicy:
    """The badge's policy (an unsaved closed one when never set)."""
    policy = AccessPolicy.objects.filter(achievement=achievement).first()
    return policy or AccessPolicy(achievement=achievement)


def applications_open(*, achievement: Achievement) -> bool:
    """Whether the public page offers "Apply" (eligibility is checked when applying)."""
    return (
        achievement.state == Achievement.State.PUBLISHED
        and access_policy_for(achievement=achievement).mode != AccessPolicy.Mode.CLOSED
        and version_accepts_applications(version=achievement.current_version)
    )


def learner_application_for(*, learner: User, achievement: Achievement) -> Application | None:
    """The learner's live (not rejected) application for a badge, if any."""
    return (
        Application.objects.filter(learner=learner, achievement=achievement)
        .exclude(state=Application.State.REJECTED)
        .first()
    )


def learner_applications(*, learner: User) -> list[Application]:
    """Every application of the learner, those needing them first, then newest."""
    rows = list(
        Application.objects.filter(learner=learner).select_related(
            "achievement", "achievement__organisation", "version", "version__image", "credential"
        )
    )
    urgency = {"returned": 0, "draft": 1, "submitted": 2, "in_review": 2}
    return sorted(rows, key=lambda a: (urgency.get(a.state, 3), -a.updated_at.timestamp()))


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    requirement: EvidenceRequirement
    item: EvidenceItem | None


def application_evidence(*, application: Application, revision: int) -> list[EvidenceRow]:
    """Each requirement of the application's version with what was given in ``revision``."""
    items = {
        i.requirement_id: i
        for i in EvidenceItem.objects.filter(application=application, revision=revision)
    }
    return [
        EvidenceRow(r, items.get(r.pk)) for r in version_requirements(version=application.version)
    ]


@dataclass(slots=True)
class RevisionHistory:
    """One revision: its evidence and the reviews of it."""

    number: int
    evidence: list[EvidenceRow]
    reviews: list[Review] = field(default_factory=list)


def _reviews(application: Application) -> QuerySet[Review]:
    return (
        Review.objects.filter(application=application)
        .select_related("assessor")
        .prefetch_related("scores", "scores__criterion", "scores__level")
        .order_by("revision", "created_at")
    )


def application_history(
    *, application: Application, for_learner: bool = False
) -> list[RevisionHistory]:
    """Every submitted revision with its evidence and reviews, newest first.

    For the learner, reviews are shown only once they took effect (a first review waiting
    for its second, or a disagreement waiting for the owner, stays with the staff).
    """
    reviews: dict[int, list[Review]] = {}
    for review in _reviews(application):
        reviews.setdefault(review.revision, []).append(review)
    last = application.revision
    submitted_last = application.state not in {
        Application.State.DRAFT,
        Application.State.RETURNED,
    }
    numbers = range(1, last + 1 if submitted_last else last)
    history = []
    for number in reversed(numbers):
        shown = reviews.get(number, [])
        if for_learner and number == last and application.is_waiting:
            shown = []
        history.append(
            RevisionHistory(
                number, application_evidence(application=application, revision=number), shown
            )
        )
    return history


def application_events(*, application: Application) -> list[ApplicationEvent]:
    return list(application.events.select_related("actor").order_by("created_at", "pk"))


def application_latest_feedback(*, application: Application) -> list[Review]:
    """The reviews that returned or decided the latest decided revision (for the learner)."""
    if application.state == Application.State.RETURNED:
        revision = application.revision - 1
    elif application.is_final:
        revision = application.revision
    else:
        return []
    return list(_reviews(application).filter(revision=revision))


# --- the review queue ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    application: Application
    waiting: timedelta
    status: str
    can_start: bool


def _queue_status(application: Application, user: User) -> tuple[str, bool]:
    stage = application.review_stage
    if application.reviewer_id is not None:
        if application.reviewer_id == user.pk:
            return "You are reviewing it", True
        return f"Being reviewed by {application.reviewer}", False
    if stage == Application.Stage.DECIDING:
        return "Assessors disagree: the owner decides", False
    if stage == Application.Stage.SECOND:
        return "Needs a second review", True
    return "Waiting", True


def review_queue(
    *,
    user: User,
    organisation: Organisation,
    achievement_id: uuid.UUID | None = None,
    older_than_days: int | None = None,
    only_mine: bool = False,
    now: datetime | None = None,
) -> list[QueueRow]:
    """Applications waiting for the organisation's assessors, oldest first.

    Leaves out the user's own applications and those of learners they have a conflict of
    interest with.  A second review is never offered to the first reviewer; a deciding review
    only to owners.
    """
    now = now or timezone.now()
    rows = (
        Application.objects.filter(
            achievement__organisation=organisation,
            state__in=[Application.State.SUBMITTED, Application.State.IN_REVIEW],
        )
        .exclude(learner=user)
        .exclude(
            learner__in=ConflictOfInterest.objects.filter(
                organisation=organisation, assessor=user
            ).values("learner")
        )
        .select_related("learner", "achievement", "version", "version__image", "reviewer")
        .order_by("submitted_at")
    )
    if achievement_id is not None:
        rows = rows.filter(achievement_id=achievement_id)
    if older_than_days:
        rows = rows.filter(submitted_at__lte=now - timedelta(days=older_than_days))
    if only_mine:
        rows = rows.filter(reviewer=user)
    is_owner = Role.OWNER in user_roles(user=user, organisation=organisation)
    first_reviews = set(
        Review.objects.filter(
            application__in=rows, assessor=user, stage=Application.Stage.FIRST
        ).values_list("application_id", "revision")
    )
    result = []
    for application in rows:
        status, can_start = _queue_status(application, user)
        if application.review_stage == Application.Stage.DECIDING and application.reviewer is None:
            can_start = is_owner
            if is_owner:
                status = "Assessors disagree: decide as owner"
        if (
            application.review_stage == Application.Stage.SECOND
            and (application.pk, application.revision) in first_reviews
        ):
            status, can_start = "You did the first review", False
        waiting = now - (application.submitted_at or application.created_at)
        result.append(QueueRow(application, waiting, status, can_start))
    return result


def organisation_applicable_badges(*, organisation: Organisation) -> list[Achievement]:
    """Badges of the organisation that have (or had) applications, for the queue filter."""
    return list(
        Achievement.objects.filter(organisation=organisation, applications__isnull=False)
        .select_related("current_version")
        .distinct()
    )


# --- earn-rate figures --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EarnRate:
    """How hard a badge is to earn, from its applications."""

    started: int
    submitted: int
    waiting: int
    approved: int
    rejected: int
    returned: int
    median_days_to_decision: float | None
    median_revisions_to_approval: float | None

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def approval_rate(self) -> int | None:
        """Approved as a percentage of decided applications."""
        return round(100 * self.approved / self.decided) if self.decided else None


def achievement_earn_rate(*, achievement: Achievement) -> EarnRate:
    """Applications started, submitted, approved, returned (at least once), rejected, and the
    median time from first submission to decision."""
    apps = list(
        Application.objects.filter(achievement=achievement).values(
            "state", "first_submitted_at", "decided_at", "revision", "pk"
        )
    )
    returned_ids = set(
        ApplicationEvent.objects.filter(
            application__achievement=achievement, kind=ApplicationEvent.Kind.RETURNED
        ).values_list("application_id", flat=True)
    )
    days = [
        (a["decided_at"] - a["first_submitted_at"]).total_seconds() / 86400
        for a in apps
        if a["decided_at"] and a["first_submitted_at"]
    ]
    revisions = [a["revision"] for a in apps if a["state"] == Application.State.APPROVED]
    states = [a["state"] for a in apps]
    return EarnRate(
        started=len(apps),
        submitted=sum(1 for a in apps if a["first_submitted_at"] is not None),
        waiting=sum(1 for s in states if s in {"submitted", "in_review"}),
        approved=states.count(Application.State.APPROVED),
        rejected=states.count(Application.State.REJECTED),
        returned=len(returned_ids),
        median_days_to_decision=round(statistics.median(days), 1) if days else None,
        median_revisions_to_approval=statistics.median(revisions) if revisions else None,
    )


def organisation_disagreements(*, organisation: Organisation) -> QuerySet[Application]:
    """Applications whose assessors disagreed, waiting for an owner."""
    return Application.objects.filter(
        achievement__organisation=organisation,
        disagreement=True,
        state=Application.State.IN_REVIEW,
    ).select_related("achievement", "version", "learner")


def staff_emails(*, organisation: Organisation, roles: Iterable[Role]) -> list[str]:
    """Addresses of the organisation's staff holding any of ``roles``."""
    return sorted(
        set(
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role__in=[Role(r).value for r in roles],
                is_active=True,
            ).values_list("email", flat=True)
        )
    )


def credential_evidence_public(*, urls: Iterable[str]) -> set[str]:
    """Which of these evidence URLs (from a signed credential) anyone may open now."""
    prefix = settings.INSIGNIA_BASE_URL + "/evidence/"
    ids = []
    for url in urls:
        if url.startswith(prefix):
            try:
                ids.append(uuid.UUID(url[len(prefix) :].strip("/")))
            except ValueError:
                continue
    public = EvidenceItem.objects.filter(
        Q(pk__in=ids),
        visibility=EvidenceItem.Visibility.PUBLIC,
        application__state=Application.State.APPROVED,
    ).select_related("application")
    return {evidence_url(i) for i in public if i.revision == i.application.revision}


def achievement_for_applicants(*, achievement_id: uuid.UUID | str) -> Achievement:
    """A badge with a published version, for its "apply" page.

    :raises NotFound: for unknown and never-published badges alike.
    """
    achievement = (
        Achievement.objects.filter(pk=achievement_id, current_version__isnull=False)
        .select_related("organisation", "organisation__logo", "current_version__image")
        .first()
    )
    if achievement is None:
        raise NotFound()
    return achievement
