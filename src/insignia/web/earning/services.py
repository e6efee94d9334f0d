"""Writes about earning: the designer's requirements and rubric, who may apply, applications,
reviews and approval (which issues the credential through the awards app).

Every write to an application locks its row (``select_for_update``) and checks the
``row_version`` (and, for reviews, the ``revision``) the person saw, so a double submit, two
assessors deciding at once, or a review of evidence that changed meanwhile is refused with a
clear message instead of being applied twice or to the wrong thing.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from insignia.web.accounts.models import User, normalise_email
from insignia.web.accounts.selectors import user_verified_emails
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import access_achievement
from insignia.web.achievements.services import achievement_draft_start
from insignia.web.awards import engine
from insignia.web.awards.models import Credential
from insignia.web.awards.services import credential_create
from insignia.web.common import events
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.earning import files, selectors
from insignia.web.earning.models import (
    FILE_TYPES,
    AccessPolicy,
    Application,
    ApplicationEvent,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    EvidenceItem,
    EvidenceKind,
    EvidenceRequirement,
    InviteCode,
    InvitedEmail,
    Level,
    Review,
    Rubric,
)
from insignia.web.earning.notifications import notify
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import user_roles
from insignia.web.issuers.services import audit_record

MAX_TEXT = 20_000
MAX_REQUIREMENTS = 20
MAX_CRITERIA = 20
MAX_LEVELS = 6


class StaleApplication(ApplicationError):
    """The application changed since the person loaded the page; nothing was written."""


class IncompleteApplication(ApplicationError):
    """Required evidence is missing; ``problems`` maps requirement ids to messages."""

    def __init__(self, problems: dict[uuid.UUID, str]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} item{'s' if count != 1 else ''} still need{'s' if count == 1 else ''} "
            "your attention before you can submit."
        )
        self.problems = problems


# --- the designer: evidence requirements and rubric ---------------------------------------


@dataclass(frozen=True, slots=True)
class RequirementData:
    prompt: str
    kind: str
    required: bool = True
    guidance: str = ""
    min_length: int | None = None
    file_types: tuple[str, ...] = ()
    max_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class LevelData:
    name: str
    points: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class CriterionData:
    """A criterion with its levels, lowest first; ``must_reach`` is the index of the lowest
    passing level of a must-pass criterion (None: not must-pass)."""

    name: str
    description: str = ""
    levels: tuple[LevelData, ...] = ()
    must_reach: int | None = None


@dataclass(frozen=True, slots=True)
class RubricData:
    name: str
    kind: str = Rubric.Kind.POINTS
    description: str = ""
    pass_mark: int = 0
    criteria: tuple[CriterionData, ...] = field(default=())


CHECKLIST_LEVELS = (LevelData("Not met", 0), LevelData("Met", 1))


def _check_requirements(requirements: Sequence[RequirementData]) -> None:
    if len(requirements) > MAX_REQUIREMENTS:
        raise ApplicationError(f"A badge can ask for at most {MAX_REQUIREMENTS} items.")
    for r in requirements:
        if not r.prompt.strip():
            raise ApplicationError("Every evidence item needs a prompt.", field="requirements")
        if r.kind not in EvidenceKind.values:
            raise ApplicationError("Choose what kind of evidence each item is.")
        if r.kind == EvidenceKind.FILE:
            if not r.file_types or any(t not in FILE_TYPES for t in r.file_types):
                raise ApplicationError(
                    f"Say which file types “{r.prompt.strip()}” accepts.", field="requirements"
                )
            if r.max_bytes is not None and not 0 < r.max_bytes <= (
                settings.INSIGNIA_MAX_EVIDENCE_BYTES
            ):
                limit = settings.INSIGNIA_MAX_EVIDENCE_BYTES // 1_048_576
                raise ApplicationError(f"File size limits go up to {limit} MB.")


def _normalise_rubric(rubric: RubricData) -> RubricData:
    """Checklists get the two standard levels, all must-pass, and a pass mark of all items."""
    if rubric.kind != Rubric.Kind.CHECKLIST:
        return rubric
    criteria = tuple(
        CriterionData(c.name, c.description, CHECKLIST_LEVELS, must_reach=1)
        for c in rubric.criteria
    )
    return RubricData(rubric.name, rubric.kind, rubric.description, len(criteria), criteria)


def _check_rubric(rubric: RubricData) -> None:
    if not rubric.name.strip():
        raise ApplicationError("Name the rubric (it becomes the result's name).", field="name")
    if not rubric.criteria:
        raise ApplicationError("Add at least one criterion.", field="criteria")
    if len(rubric.criteria) > MAX_CRITERIA:
        raise ApplicationError(f"A rubric has at most {MAX_CRITERIA} criteria.")
    for c in rubric.criteria:
        if not c.name.strip():
            raise ApplicationError("Every criterion needs a name.", field="criteria")
        if not 2 <= len(c.levels) <= MAX_LEVELS:
            raise ApplicationError(
                f"“{c.name}” needs between 2 and {MAX_LEVELS} levels.", field="criteria"
            )
        points = [lv.points for lv in c.levels]
        if any(p < 0 for p in points) or points != sorted(points):
            raise ApplicationError(
                f"List the levels of “{c.name}” from the lowest to the highest points.",
                field="criteria",
            )
        if c.must_reach is not None and not 0 <= c.must_reach < len(c.levels):
            raise ApplicationError(f"Choose one of the levels of “{c.name}” to pass.")
    best = sum(c.levels[-1].points for c in rubric.criteria)
    if not 0 < rubric.pass_mark <= best:
        raise ApplicationError(
            f"The pass mark must be between 1 and {best}, the most points possible.",
            field="pass_mark",
        )


def _write_requirements(
    version: AchievementVersion, requirements: Sequence[RequirementData]
) -> None:
    EvidenceRequirement.objects.filter(version=version).delete()
    EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(
            version=version,
            position=i,
            prompt=r.prompt.strip(),
            guidance=r.guidance.strip(),
            kind=r.kind,
            required=r.required,
            min_length=r.min_length if r.kind == EvidenceKind.TEXT else None,
            file_types=list(r.file_types) if r.kind == EvidenceKind.FILE else [],
            max_bytes=r.max_bytes if r.kind == EvidenceKind.FILE else None,
        )
        for i, r in enumerate(requirements)
    )


def _write_rubric(version: AchievementVersion, data: RubricData | None) -> None:
    Rubric.objects.filter(version=version).delete()
    if data is None:
        return
    rubric = Rubric.objects.create(
        version=version,
        kind=data.kind,
        name=data.name.strip(),
        description=data.description.strip(),
        pass_mark=data.pass_mark,
    )
    for position, c in enumerate(data.criteria):
        criterion = Criterion.objects.create(
            rubric=rubric, position=position, name=c.name.strip(), description=c.description.strip()
        )
        levels = Level.objects.bulk_create(
            Level(
                criterion=criterion,
                position=i,
                name=lv.name.strip(),
                description=lv.description.strip(),
                points=lv.points,
            )
            for i, lv in enumerate(c.levels)
        )
        if c.must_reach is not None:
            criterion.required_level = levels[c.must_reach]
            criterion.save(update_fields=["required_level"])


def _rubric_data(rubric: Rubric) -> RubricData:
    criteria = []
    for c in rubric.criteria.all():
        levels = list(c.levels.all())
        must = next((i for i, lv in enumerate(levels) if lv.pk == c.required_level_id), None)
        criteria.append(
            CriterionData(
                c.name,
                c.description,
                tuple(LevelData(lv.name, lv.points, lv.description) for lv in levels),
                must,
            )
        )
    return RubricData(
        rubric.name, rubric.kind, rubric.description, rubric.pass_mark, tuple(criteria)
    )


def assessment_carry_over(published: AchievementVersion, draft: AchievementVersion) -> None:
    """Copy a published version's requirements and rubric into its next draft (registered with
    the achievements app, which calls it whenever a draft starts from a published version)."""
    requirements = [
        RequirementData(
            prompt=r.prompt,
            kind=r.kind,
            required=r.required,
            guidance=r.guidance,
            min_length=r.min_length,
            file_types=tuple(r.file_types),
            max_bytes=r.max_bytes,
        )
        for r in selectors.version_requirements(version=published)
    ]
    _write_requirements(draft, requirements)
    rubric = selectors.version_rubric(version=published)
    _write_rubric(draft, _rubric_data(rubric) if rubric is not None else None)


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    achievement_id: uuid.UUID,
    requirements: Sequence[RequirementData],
    rubric: RubricData | None,
) -> AchievementVersion:
    """Set the evidence a learner must provide and the rubric assessors judge it by.

    They are part of the version: a published version is never changed, so saving starts (or
    edits) the draft version, which takes effect when it is published.  Designers and owners.

    :raises ApplicationError: when a requirement or the rubric is incomplete or inconsistent.
    """
    _check_requirements(requirements)
    if rubric is not None:
        rubric = _normalise_rubric(rubric)
        _check_rubric(rubric)
    version = achievement_draft_start(actor=actor, achievement_id=achievement_id)
    _write_requirements(version, requirements)
    _write_rubric(version, rubric)
    audit_record(
        organisation=version.achievement.organisation,
        actor=actor,
        action="achievement.assessment_edited",
        obj=version.achievement,
        version=version.number,
    )
    return version


# --- who may apply ------------------------------------------------------------------------


@transaction.atomic
def access_policy_set(
    *, actor: User, achievement_id: uuid.UUID, mode: str, reviews_required: int = 1
) -> AccessPolicy:
    """Open a badge for applications (to anyone, invite-code holders, or an email list), or
    close it; and say whether each decision needs a second assessor.  Designers and owners.

    :raises ApplicationError: when opening a badge whose published version asks for no
        evidence or has no rubric.
    """
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    if mode not in AccessPolicy.Mode.values or reviews_required not in (1, 2):
        raise ApplicationError("Choose who may apply and how many assessors judge.")
    if mode != AccessPolicy.Mode.CLOSED and not selectors.version_accepts_applications(
        version=achievement.current_version
    ):
        raise ApplicationError(
            "Publish a version with evidence requirements and a rubric before opening the "
            "badge for applications.",
            field="mode",
        )
    policy, _ = AccessPolicy.objects.select_for_update().get_or_create(achievement=achievement)
    policy.mode = mode
    policy.reviews_required = reviews_required
    policy.save()
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.access_changed",
        obj=achievement,
        mode=mode,
        reviews=reviews_required,
    )
    return policy


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


@transaction.atomic
def invite_code_create(
    *,
    actor: User,
    achievement_id: uuid.UUID,
    label: str = "",
    max_uses: int | None = None,
    now: datetime | None = None,
) -> InviteCode:
    """Make a new invite code for a badge (designers and owners)."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    code = InviteCode.objects.create(
        achievement=achievement,
        code=_new_code(),
        label=label.strip()[:100],
        max_uses=max_uses,
        created_at=now or timezone.now(),
    )
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.invite_code_created",
        obj=achievement,
        label=code.label,
    )
    return code


@transaction.atomic
def invite_code_revoke(
    *, actor: User, achievement_id: uuid.UUID, code_id: uuid.UUID, now: datetime | None = None
) -> InviteCode:
    """Stop a code from admitting anyone new (applications already started go on)."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    code = InviteCode.objects.filter(pk=code_id, achievement=achievement).first()
    if code is None:
        raise NotFound()
    if code.revoked_at is None:
        code.revoked_at = now or timezone.now()
        code.save(update_fields=["revoked_at"])
    return code


@transaction.atomic
def invited_emails_set(
    *, actor: User, achievement_id: uuid.UUID, emails: Sequence[str], now: datetime | None = None
) -> int:
    """Replace the list of addresses that may apply; return how many are on it."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    wanted = {normalise_email(e) for e in emails if e.strip()}
    if len(wanted) > 5000:
        raise ApplicationError("An email list holds at most 5,000 addresses.", field="emails")
    InvitedEmail.objects.filter(achievement=achievement).exclude(email__in=wanted).delete()
    have = set(InvitedEmail.objects.filter(achievement=achievement).values_list("email", flat=True))
    now = now or timezone.now()
    InvitedEmail.objects.bulk_create(
        InvitedEmail(achievement=achievement, email=e, created_at=now) for e in wanted - have
    )
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.email_list_changed",
        obj=achievement,
        count=len(wanted),
    )
    return len(wanted)


# --- learners: applying -------------------------------------------------------------------


def _event(application: Application, kind: str, actor: User | None, now: datetime) -> None:
    ApplicationEvent.objects.create(
        application=application,
        revision=application.revision,
        kind=kind,
        actor=actor,
        created_at=now,
    )


def _holds_badge(learner: User, achievement: Achievement) -> bool:
    emails = user_verified_emails(user=learner)
    return (
        Credential.objects.filter(achievement=achievement, revoked_at__isnull=True)
        .filter(recipient_user=learner)
        .exists()
        or Credential.objects.filter(
            achievement=achievement, revoked_at__isnull=True, recipient_email__in=emails
        ).exists()
    )


def _admit(
    learner: User, achievement: Achievement, policy: AccessPolicy, code: str
) -> InviteCode | None:
    """Check the learner may apply under the policy; return the invite code used, if any."""
    if policy.mode == AccessPolicy.Mode.CODE:
        row = (
            InviteCode.objects.select_for_update()
            .filter(achievement=achievement, code__iexact=code.strip())
            .first()
            if code.strip()
            else None
        )
        if row is None or not row.usable:
            raise ApplicationError("That invite code is not valid for this badge.", field="code")
        InviteCode.objects.filter(pk=row.pk).update(use_count=F("use_count") + 1)
        return row
    if policy.mode == AccessPolicy.Mode.LIST:
        emails = user_verified_emails(user=learner)
        if not InvitedEmail.objects.filter(achievement=achievement, email__in=emails).exists():
            raise ApplicationError(
                "This badge is open to an invited list of people, and none of your verified "
                "email addresses is on it."
            )
    return None


@transaction.atomic
def application_start(
    *, learner: User, achievement_id: uuid.UUID, code: str = "", now: datetime | None = None
) -> Application:
    """Start (or return the learner's existing) application for a badge's current version.

    :raises NotFound: for unknown or never-published badges.
    :raises ApplicationError: when the badge is closed, the learner is not admitted by its
        policy, has no verified address, or already holds the badge.
    """
    achievement = (
        Achievement.objects.filter(pk=achievement_id, current_version__isnull=False)
        .select_related("organisation", "current_version")
        .first()
    )
    if achievement is None:
        raise NotFound()
    existing = selectors.learner_application_for(learner=learner, achievement=achievement)
    if existing is not None:
        return existing
    policy = selectors.access_policy_for(achievement=achievement)
    if (
        achievement.state != Achievement.State.PUBLISHED
        or policy.mode == AccessPolicy.Mode.CLOSED
        or not selectors.version_accepts_applications(version=achievement.current_version)
    ):
        raise ApplicationError("This badge is not open for applications.")
    if not user_verified_emails(user=learner):
        raise ApplicationError("Verify your email address before applying for a badge.")
    if _holds_badge(learner, achievement):
        raise ApplicationError("You already hold this badge: it is in your wallet.")
    invite = _admit(learner, achievement, policy, code)
    now = now or timezone.now()
    assert achievement.current_version is not None
    try:
        with transaction.atomic():
            application = Application.objects.create(
                learner=learner,
                achievement=achievement,
                version=achievement.current_version,
                invite_code=invite,
                reviews_required=policy.reviews_required,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # a double click started it twice: the first one wins
        found = selectors.learner_application_for(learner=learner, achievement=achievement)
        if found is None:
            raise
        return found
    _event(application, ApplicationEvent.Kind.CREATED, learner, now)
    return application


@dataclass(frozen=True, slots=True)
class AnswerData:
    """What the learner entered for one requirement (only the fields of its kind are used)."""

    text: str = ""
    url: str = ""
    attested: bool = False
    file: UploadedFile[bytes] | None = None
    remove_file: bool = False


def _lock(
    application: Application, expected_row_version: int, *, learner: bool = False
) -> Application:
    """Lock the row and check it is the state the person saw (for the learner, a form posted
    again after the application went to the assessors is a double submit)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if learner and not locked.is_editable and locked.submitted_at is not None:
        raise StaleApplication("This application has already been submitted.")
    if locked.row_version != expected_row_version:
        raise StaleApplication(
            "This application changed since you opened the page (in another window, or by "
            "someone else). Nothing was saved: check its current state and try again."
        )
    # keep the related objects already loaded by the access function
    locked.learner, locked.achievement, locked.version = (
        application.learner,
        application.achievement,
        application.version,
    )
    return locked


def _file_in_use(path: str, but: uuid.UUID) -> bool:
    return EvidenceItem.objects.filter(file_path=path).exclude(pk=but).exists()


def _apply_answer(
    application: Application,
    requirement: EvidenceRequirement,
    *,
    answer: AnswerData,
    now: datetime,
    written: list[str],
    dropped: list[str],
) -> None:
    item, _ = EvidenceItem.objects.get_or_create(
        application=application,
        requirement=requirement,
        revision=application.revision,
        defaults={"updated_at": now},
    )
    if requirement.kind == EvidenceKind.TEXT:
        item.text = answer.text.strip()[:MAX_TEXT]
    elif requirement.kind == EvidenceKind.URL:
        url = answer.url.strip()
        if url and not url.lower().startswith(("https://", "http://")):
            raise ApplicationError(
                "Give a web address starting with https://", field=str(requirement.pk)
            )
        item.url = url[:500]
    elif requirement.kind == EvidenceKind.ATTESTATION:
        item.attested = answer.attested
    elif answer.file is not None or answer.remove_file:
        if item.file_path and not _file_in_use(item.file_path, item.pk):
            dropped.append(item.file_path)
        item.file_path = item.file_name = item.content_type = item.sha256 = ""
        item.file_size = None
        if answer.file is not None:
            try:
                stored = files.store_evidence_file(
                    file=answer.file,
                    application_id=application.pk,
                    allowed=list(requirement.file_types),
                    max_bytes=requirement.max_bytes or settings.INSIGNIA_MAX_EVIDENCE_BYTES,
                )
            except files.EvidenceRejected as exc:
                raise files.EvidenceRejected(exc.message, field=str(requirement.pk)) from exc
            written.append(stored.path)
            item.file_path, item.file_name = stored.path, stored.name
            item.content_type, item.file_size, item.sha256 = (
                stored.content_type,
                stored.size,
                stored.sha256,
            )
    item.updated_at = now
    item.save()


@transaction.atomic
def application_save(
    *,
    learner: User,
    application_id: uuid.UUID,
    expected_row_version: int,
    answers: Mapping[uuid.UUID, AnswerData],
    now: datetime | None = None,
) -> Application:
    """Save the learner's evidence as a draft (partial answers are fine until submitting).

    :raises StaleApplication: when the application changed since the form was loaded.
    :raises ApplicationError: when it cannot be edited now, or a file is refused (``field``
        is the requirement id).
    """
    application = _lock(
        selectors.access_application(user=learner, application_id=application_id),
        expected_row_version,
        learner=True,
    )
    if not application.is_editable:
        raise ApplicationError("This application is with the assessors and cannot be changed now.")
    now = now or timezone.now()
    written: list[str] = []
    dropped: list[str] = []
    try:
        for requirement in selectors.version_requirements(version=application.version):
            answer = answers.get(requirement.pk)
            if answer is not None:
                _apply_answer(
                    application,
                    requirement,
                    answer=answer,
                    now=now,
                    written=written,
                    dropped=dropped,
                )
    except BaseException:
        for path in written:
            files.delete_evidence_file(path)
        raise
    for path in dropped:
        transaction.on_commit(partial(files.delete_evidence_file, path))
    application.row_version += 1
    application.updated_at = now
    application.save(update_fields=["row_version", "updated_at"])
    return application


def _problems(application: Application) -> dict[uuid.UUID, str]:
    problems: dict[uuid.UUID, str] = {}
    for row in selectors.application_evidence(
        application=application, revision=application.revision
    ):
        r, item = row.requirement, row.item
        if r.kind == EvidenceKind.TEXT:
            length = len(item.text) if item else 0
            if r.required and length == 0:
                problems[r.pk] = "Write your answer."
            elif length and r.min_length and length < r.min_length:
                problems[r.pk] = f"Write at least {r.min_length} characters ({length} so far)."
        elif r.kind == EvidenceKind.URL and r.required and not (item and item.url):
            problems[r.pk] = "Give the link."
        elif r.kind == EvidenceKind.FILE and r.required and not (item and item.file_path):
            problems[r.pk] = "Upload the file."
        elif r.kind == EvidenceKind.ATTESTATION and r.required and not (item and item.attested):
            problems[r.pk] = "Confirm this statement."
    return problems


@transaction.atomic
def application_submit(
    *,
    learner: User,
    application_id: uuid.UUID,
    expected_row_version: int,
    now: datetime | None = None,
) -> Application:
    """Send the application (or its revision after a return) to the assessors.

    :raises StaleApplication: on a double submit or a stale form.
    :raises IncompleteApplication: when required evidence is missing.
    :raises ApplicationError: when the badge is no longer awarded.
    """
    application = _lock(
        selectors.access_application(user=learner, application_id=application_id),
        expected_row_version,
        learner=True,
    )
    if not application.is_editable:
        raise StaleApplication("This application has already been submitted.")
    if application.achievement.state != Achievement.State.PUBLISHED:
        raise ApplicationError("This badge is no longer awarded, so it cannot be applied for.")
    problems = _problems(application)
    if problems:
        raise IncompleteApplication(problems)
    now = now or timezone.now()
    again = application.first_submitted_at is not None
    policy = selectors.access_policy_for(achievement=application.achievement)
    application.state = Application.State.SUBMITTED
    application.reviews_required = policy.reviews_required if policy.pk else 1
    application.review_stage = Application.Stage.FIRST
    application.reviewer = None
    application.disagreement = False
    application.submitted_at = now
    application.first_submitted_at = application.first_submitted_at or now
    application.row_version += 1
    application.updated_at = now
    application.save()
    _event(
        application,
        ApplicationEvent.Kind.RESUBMITTED if again else ApplicationEvent.Kind.SUBMITTED,
        learner,
        now,
    )
    events.application_submitted.send(sender=None, application=application)
    notify("submitted", application, to_learner=True)
    notify("to_review", application, to_roles=[Role.ASSESSOR], again=again)
    return application


@transaction.atomic
def evidence_set_visibility(*, learner: User, item_id: uuid.UUID, public: bool) -> EvidenceItem:
    """Let anyone with the credential open this evidence item, or make it private again.

    :raises NotFound: when it is not the learner's.
    """
    item = EvidenceItem.objects.select_related("application").filter(pk=item_id).first()
    if item is None or item.application.learner_id != learner.pk:
        raise NotFound()
    item.visibility = EvidenceItem.Visibility.PUBLIC if public else EvidenceItem.Visibility.PRIVATE
    item.save(update_fields=["visibility"])
    return item


# --- assessors: reviewing -----------------------------------------------------------------


def _assessor_application(actor: User, application_id: uuid.UUID) -> Application:
    return selectors.access_application(user=actor, application_id=application_id, as_assessor=True)


def _check_stage(actor: User, application: Application) -> None:
    """The stage's own rule: a second review from someone else, a deciding one from an owner."""
    stage = application.review_stage
    if stage == Application.Stage.DECIDING:
        roles = user_roles(user=actor, organisation=application.achievement.organisation)
        if Role.OWNER not in roles:
            raise ApplicationError("The assessors disagreed: an owner makes the decision.")
    if (
        stage == Application.Stage.SECOND
        and Review.objects.filter(
            application=application,
            revision=application.revision,
            stage=Application.Stage.FIRST,
            assessor=actor,
        ).exists()
    ):
        raise ApplicationError(
            "You did the first review: the second must come from another assessor."
        )


@transaction.atomic
def review_start(
    *,
    actor: User,
    application_id: uuid.UUID,
    expected_row_version: int,
    take_over: bool = False,
    now: datetime | None = None,
) -> Application:
    """Take an application from the queue to review it (or take it over from a colleague).

    :raises StaleApplication: when it changed since the page was loaded.
    :raises ApplicationError: when it is not waiting, someone else is on it, or the stage's
        rule excludes the assessor.
    """
    application = _lock(_assessor_application(actor, application_id), expected_row_version)
    if not application.is_waiting:
        raise ApplicationError("This application is not waiting for a review.")
    if application.reviewer_id == actor.pk:
        return application
    if application.reviewer_id is not None and not take_over:
        raise ApplicationError(f"{application.reviewer} is reviewing this application.")
    _check_stage(actor, application)
    now = now or timezone.now()
    kind = (
        ApplicationEvent.Kind.REVIEW_TAKEN_OVER
        if application.reviewer_id is not None
        else ApplicationEvent.Kind.REVIEW_STARTED
    )
    application.state = Application.State.IN_REVIEW
    application.reviewer = actor
    application.review_started_at = now
    application.row_version += 1
    application.updated_at = now
    application.save()
    _event(application, kind, actor, now)
    return application


def _release(application: Application) -> None:
    application.reviewer = None
    application.review_started_at = None
    if application.review_stage == Application.Stage.FIRST:
        application.state = Application.State.SUBMITTED


@transaction.atomic
def review_release(
    *,
    actor: User,
    application_id: uuid.UUID,
    expected_row_version: int,
    now: datetime | None = None,
) -> Application:
    """Put an application the assessor started back in the queue."""
    application = _lock(_assessor_application(actor, application_id), expected_row_version)
    if application.reviewer_id != actor.pk or not application.is_waiting:
        raise ApplicationError("You are not reviewing this application.")
    now = now or timezone.now()
    _release(application)
    application.row_version += 1
    application.updated_at = now
    application.save()
    _event(application, ApplicationEvent.Kind.REVIEW_RELEASED, actor, now)
    return application


@transaction.atomic
def conflict_declare(
    *, actor: User, application_id: uuid.UUID, reason: str = "", now: datetime | None = None
) -> ConflictOfInterest:
    """Record that the assessor must not judge this learner (in this organisation); an
    application they were reviewing goes back to the queue for someone else."""
    application = _assessor_application(actor, application_id)
    now = now or timezone.now()
    conflict, _ = ConflictOfInterest.objects.get_or_create(
        organisation=application.achievement.organisation,
        assessor=actor,
        learner=application.learner,
        defaults={"reason": reason.strip()[:300], "created_at": now},
    )
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.reviewer_id == actor.pk and locked.is_waiting:
        _release(locked)
        locked.row_version += 1
        locked.updated_at = now
        locked.save()
    _event(locked, ApplicationEvent.Kind.CONFLICT, actor, now)
    return conflict


@dataclass(frozen=True, slots=True)
class ScoreData:
    criterion_id: uuid.UUID
    level_id: uuid.UUID | None
    feedback: str = ""


@dataclass(frozen=True, slots=True)
class DecisionData:
    decision: str
    feedback: str
    scores: tuple[ScoreData, ...] = ()


def _levels(rubric: Rubric, scores: Sequence[ScoreData]) -> dict[uuid.UUID, Level | None]:
    criteria = {c.pk: c for c in rubric.criteria.all()}
    chosen: dict[uuid.UUID, Level | None] = dict.fromkeys(criteria)
    for score in scores:
        criterion = criteria.get(score.criterion_id)
        if criterion is None:
            raise ApplicationError("A score refers to a criterion of another rubric.")
        if score.level_id is not None:
            level = next((lv for lv in criterion.levels.all() if lv.pk == score.level_id), None)
            if level is None:
                raise ApplicationError(f"Choose one of the levels of “{criterion.name}”.")
            chosen[criterion.pk] = level
    return chosen


def _check_decision(data: DecisionData, outcome: selectors.Outcome) -> None:
    if data.decision not in Review.Decision.values:
        raise ApplicationError("Choose a decision.", field="decision")
    if data.decision == Review.Decision.APPROVE:
        if not outcome.complete:
            raise ApplicationError("Score every criterion before approving.", field="decision")
        if outcome.failed_must_pass:
            raise ApplicationError(
                "These must-pass criteria are below the required level: "
                + ", ".join(outcome.failed_must_pass)
                + ". Return the application or reject it instead.",
                field="decision",
            )
        if not outcome.meets_rubric:
            raise ApplicationError(
                f"{outcome.total} points do not reach the pass mark. Return the application or "
                "reject it instead.",
                field="decision",
            )
    elif not data.feedback.strip():
        what = "what to change" if data.decision == Review.Decision.RETURN else "the reasons"
        raise ApplicationError(f"Tell the learner {what}.", field="feedback")


def _copy_evidence_forward(application: Application, now: datetime) -> None:
    """Start the next revision from the returned one (files are shared, never rewritten)."""
    items = EvidenceItem.objects.filter(application=application, revision=application.revision)
    EvidenceItem.objects.bulk_create(
        EvidenceItem(
            application=application,
            requirement_id=i.requirement_id,
            revision=application.revision + 1,
            text=i.text,
            url=i.url,
            attested=i.attested,
            file_name=i.file_name,
            file_path=i.file_path,
            content_type=i.content_type,
            file_size=i.file_size,
            sha256=i.sha256,
            visibility=i.visibility,
            updated_at=now,
        )
        for i in items
    )


_GENRES = {
    EvidenceKind.TEXT: "Written answer",
    EvidenceKind.URL: "Link",
    EvidenceKind.FILE: "File",
    EvidenceKind.ATTESTATION: "Attestation",
}


def _credential_evidence(application: Application) -> list[engine.EvidenceData]:
    """The approved revision's evidence as OB 3.0 ``Evidence``: the issuer's prompt and an
    opaque link that answers only as the learner allows — never the learner's content."""
    rows = []
    for row in selectors.application_evidence(
        application=application, revision=application.revision
    ):
        item = row.item
        if item is None or not (item.text or item.url or item.file_path or item.attested):
            continue
        rows.append(
            engine.EvidenceData(
                id=selectors.evidence_url(item),
                name=row.requirement.prompt,
                genre=_GENRES[EvidenceKind(row.requirement.kind)],
                narrative="The learner confirmed this statement."
                if row.requirement.kind == EvidenceKind.ATTESTATION
                else None,
            )
        )
    return rows


def _award(application: Application, review: Review, actor: User, now: datetime) -> Credential:
    learner = application.learner
    emails = user_verified_emails(user=learner)
    email = learner.email if normalise_email(learner.email) in emails else emails[0]
    return credential_create(
        achievement=application.achievement,
        version=application.version,
        issued_by=actor,
        recipient_email=email,
        recipient_name=learner.name,
        recipient_user=learner,
        evidence=_credential_evidence(application),
        results=selectors.review_results(review=review),
        result_descriptions=selectors.version_result_descriptions(version=application.version),
        now=now,
        audit={"application": str(application.pk)},
    )


def _apply_decision(application: Application, review: Review, actor: User, now: datetime) -> None:
    decision = review.decision
    application.reviewer = None
    application.review_started_at = None
    if decision == Review.Decision.APPROVE:
        if application.achievement.state != Achievement.State.PUBLISHED:
            raise ApplicationError(
                "This badge was archived: publish it again before approving applications."
            )
        application.credential = _award(application, review, actor, now)
        application.state = Application.State.APPROVED
        application.decided_at = now
        _event(application, ApplicationEvent.Kind.APPROVED, actor, now)
        notify("approved", application, to_learner=True)
    elif decision == Review.Decision.RETURN:
        _event(application, ApplicationEvent.Kind.RETURNED, actor, now)
        _copy_evidence_forward(application, now)
        application.revision += 1
        application.state = Application.State.RETURNED
        application.review_stage = Application.Stage.FIRST
        application.disagreement = False
        notify("returned", application, to_learner=True, feedback=review.feedback)
    else:
        application.state = Application.State.REJECTED
        application.decided_at = now
        _event(application, ApplicationEvent.Kind.REJECTED, actor, now)
        notify("rejected", application, to_learner=True, feedback=review.feedback)


@transaction.atomic
def review_decide(
    *,
    actor: User,
    application_id: uuid.UUID,
    expected_revision: int,
    expected_row_version: int,
    data: DecisionData,
    now: datetime | None = None,
) -> Review:
    """Record an assessor's scores and decision, and act on it.

    With one review required, the decision takes effect at once: approval issues the
    credential (signed through the awards app, straight into the learner's wallet), a return
    opens the next revision for the learner, a rejection closes the application.  With two,
    the first review waits for a second from another assessor; if they agree the decision
    takes effect, otherwise the owner is told and makes the deciding review.

    :raises StaleApplication: when the revision or the application changed since the page was
        loaded, or another assessor recorded this review first.
    :raises ApplicationError: when the assessor has not started the review, the scores are
        inconsistent with the decision, or the badge cannot be awarded now.
    """
    checked = _assessor_application(actor, application_id)
    if checked.revision != expected_revision:
        raise StaleApplication(
            f"The learner has submitted revision {checked.revision} since you opened this "
            "page. Nothing was recorded: review the new evidence."
        )
    application = _lock(checked, expected_row_version)
    if application.state != Application.State.IN_REVIEW or application.reviewer_id != actor.pk:
        raise ApplicationError("Start the review before recording a decision.")
    _check_stage(actor, application)
    rubric = selectors.version_rubric(version=application.version)
    if rubric is None:
        raise ApplicationError("This badge version has no rubric to score against.")
    chosen = _levels(rubric, data.scores)
    outcome = selectors.rubric_outcome(rubric, chosen)
    _check_decision(data, outcome)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                application=application,
                revision=application.revision,
                stage=application.review_stage,
                assessor=actor,
                decision=data.decision,
                feedback=data.feedback.strip()[:MAX_TEXT],
                total_points=outcome.total,
                meets_rubric=outcome.meets_rubric,
                created_at=now,
            )
    except IntegrityError as exc:
        raise StaleApplication("Another assessor recorded this review first.") from exc
    feedback = {s.criterion_id: s.feedback.strip()[:MAX_TEXT] for s in data.scores}
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion_id=c, level=lv, feedback=feedback.get(c, ""))
        for c, lv in chosen.items()
    )
    _route(application, review, actor, now)
    application.row_version += 1
    application.updated_at = now
    application.save()
    return review


def _route(application: Application, review: Review, actor: User, now: datetime) -> None:
    """Decide what a recorded review does to the application."""
    stage = application.review_stage
    if stage == Application.Stage.FIRST and application.reviews_required >= 2:
        application.review_stage = Application.Stage.SECOND
        application.reviewer = None
        _event(application, ApplicationEvent.Kind.REVIEWED, actor, now)
        notify("second_review", application, to_roles=[Role.ASSESSOR], exclude=[actor.email])
        return
    if stage == Application.Stage.SECOND:
        first = Review.objects.get(
            application=application, revision=application.revision, stage=Application.Stage.FIRST
        )
        if first.decision != review.decision:
            application.review_stage = Application.Stage.DECIDING
            application.disagreement = True
            application.reviewer = None
            _event(application, ApplicationEvent.Kind.DISAGREEMENT, actor, now)
            notify(
                "disagreement",
                application,
                to_roles=[Role.OWNER],
                first=first.get_decision_display(),
                second=review.get_decision_display(),
            )
            return
    _apply_decision(application, review, actor, now)
