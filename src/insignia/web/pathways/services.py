"""Writes about pathways: building the requirement tree, evaluating learners, awarding the
goal badge exactly once, reviews, and what happens when a badge relied on stops being valid.

Evaluation runs after the change that triggered it commits (``receivers.py`` defers it with
``transaction.on_commit``), so it reads committed wallets.  The award is made in the same
transaction as the :class:`PathwayCompletion` row, whose unique constraint (pathway, learner)
makes two evaluations racing each other award once: the second insert waits for the first
transaction and then fails, and that evaluation stops.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.awards import engine
from insignia.web.awards.models import Credential
from insignia.web.awards.services import credential_create
from insignia.web.common import events
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation, has_role, user_roles
from insignia.web.issuers.services import audit_record
from insignia.web.pathways import selectors, tree
from insignia.web.pathways.models import Pathway, PathwayCompletion, PathwayProgress, Requirement
from insignia.web.talent.skills import normalise
from insignia.web.wallet.models import ImportedCredential, WalletItem

logger = logging.getLogger(__name__)


# --- building -------------------------------------------------------------------------------


def _goal(organisation_id: uuid.UUID, goal_id: uuid.UUID | str) -> Achievement:
    goal = Achievement.objects.filter(
        pk=goal_id, organisation_id=organisation_id, state=Achievement.State.PUBLISHED
    ).first()
    if goal is None:
        raise ApplicationError("Choose one of your organisation's published badges.", field="goal")
    return goal


def _slug(organisation_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None) -> str:
    base = slugify(name)[:180] or "pathway"
    slug, i = base, 1
    others = Pathway.objects.filter(organisation_id=organisation_id)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    while others.filter(slug=slug).exists():
        i += 1
        slug = f"{base}-{i}"
    return slug


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("Give the pathway a name.", field="name")
    return name[:200]


@transaction.atomic
def pathway_create(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    goal_id: uuid.UUID | str,
    name: str,
    description: str = "",
    is_public: bool = False,
    award_mode: str = Pathway.AwardMode.AUTOMATIC,
    on_dependency_lost: str = Pathway.OnDependencyLost.KEEP,
) -> Pathway:
    """Create a pathway (issuers: its goal badge is awarded in their name) with an empty
    "all of" group as the root of its requirements.  It starts inactive."""
    org = access_organisation(user=actor, organisation_id=organisation_id, role=Role.ISSUER)
    name = _name(name)
    pathway = Pathway.objects.create(
        organisation=org,
        goal=_goal(org.pk, goal_id),
        name=name,
        slug=_slug(org.pk, name),
        description=description.strip(),
        is_public=is_public,
        award_mode=Pathway.AwardMode(award_mode),
        on_dependency_lost=Pathway.OnDependencyLost(on_dependency_lost),
        created_by=actor,
    )
    Requirement.objects.create(pathway=pathway, kind=Requirement.Kind.ALL_OF)
    audit_record(organisation=org, actor=actor, action="pathway.created", obj=pathway)
    return pathway


@transaction.atomic
def pathway_update(
    *,
    actor: User,
    pathway_id: uuid.UUID,
    goal_id: uuid.UUID | str,
    name: str,
    description: str = "",
    is_public: bool = False,
    award_mode: str = Pathway.AwardMode.AUTOMATIC,
    on_dependency_lost: str = Pathway.OnDependencyLost.KEEP,
) -> Pathway:
    """Change a pathway's details (an active pathway's new goal is checked for cycles)."""
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    pathway.name = _name(name)
    pathway.slug = _slug(pathway.organisation_id, pathway.name, exclude=pathway.pk)
    pathway.goal = _goal(pathway.organisation_id, goal_id)
    pathway.description = description.strip()
    pathway.is_public = is_public
    pathway.award_mode = Pathway.AwardMode(award_mode)
    pathway.on_dependency_lost = Pathway.OnDependencyLost(on_dependency_lost)
    pathway.save()
    if pathway.is_active:
        _check(pathway)
    audit_record(
        organisation=pathway.organisation, actor=actor, action="pathway.updated", obj=pathway
    )
    return pathway


def _achievement_name(achievement_id: str) -> str:
    achievement = (
        Achievement.objects.filter(pk=achievement_id).select_related("current_version").first()
    )
    version = achievement.current_version if achievement else None
    return f"“{version.name}”" if version else "a badge"


def _requires_map(pathway: Pathway, root: tree.Group) -> dict[str, set[str]]:
    """For every goal: the badges of this platform its active pathways require (this
    pathway's tree as given, whether or not it is active)."""
    requires: dict[str, set[str]] = {}
    others = Pathway.objects.filter(is_active=True).exclude(pk=pathway.pk)
    rows = Requirement.objects.filter(
        pathway__in=others, kind=Requirement.Kind.ACHIEVEMENT
    ).values_list("pathway__goal_id", "achievement_id")
    for goal_id, achievement_id in rows:
        requires.setdefault(str(goal_id), set()).add(str(achievement_id))
    requires.setdefault(str(pathway.goal_id), set()).update(
        leaf.value for leaf in tree.leaves(root) if leaf.kind == tree.ACHIEVEMENT
    )
    return requires


def pathway_problems(pathway: Pathway) -> list[str]:
    """Everything that stops the pathway from being active, in words."""
    root = selectors.build_tree(selectors.requirement_rows(pathway), canonical_skills=False)
    problems = tree.shape_problems(
        root, max_depth=selectors.MAX_DEPTH, max_leaves=selectors.MAX_REQUIREMENTS
    )
    cycle = tree.find_cycle(str(pathway.goal_id), _requires_map(pathway, root))
    if cycle is not None:
        names = [_achievement_name(a) for a in cycle]
        steps = ", and ".join(
            f"earning {names[i]} requires {names[i + 1]}" for i in range(len(names) - 1)
        )
        problems.append(f"This would make a cycle of pathways: {steps}.")
    return problems


def _check(pathway: Pathway) -> None:
    problems = pathway_problems(pathway)
    if problems:
        raise ApplicationError(" ".join(problems))


def _group(pathway: Pathway, group_id: uuid.UUID | str) -> Requirement:
    group = Requirement.objects.filter(pk=group_id, pathway=pathway).first()
    if group is None or not group.is_group:
        raise NotFound()
    return group


@transaction.atomic
def requirement_add(
    *,
    actor: User,
    pathway_id: uuid.UUID,
    parent_id: uuid.UUID | str,
    kind: str,
    n: int | None = None,
    achievement_id: uuid.UUID | str | None = None,
    value: str = "",
    label: str = "",
    url: str = "",
) -> Requirement:
    """Add a group or a requirement under ``parent_id``.  On an active pathway the whole tree
    must stay valid (else nothing changes and the problem is named).

    :raises ApplicationError: for a leaf naming nothing, a badge that is not published, a
        threshold out of bounds, nesting too deep or a cycle (active pathways).
    """
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    parent = _group(pathway, parent_id)
    kind = Requirement.Kind(kind)
    row = Requirement(pathway=pathway, parent=parent, kind=kind, label=label.strip()[:200])
    if kind == Requirement.Kind.AT_LEAST:
        if n is None or n < 1:
            raise ApplicationError("“At least N of” needs N of 1 or more.", field="n")
        row.n = n
    elif kind == Requirement.Kind.ACHIEVEMENT:
        achievement = (
            Achievement.objects.filter(pk=achievement_id, state=Achievement.State.PUBLISHED).first()
            if achievement_id
            else None
        )
        if achievement is None:
            raise ApplicationError("Choose a published badge.", field="achievement")
        if achievement.pk == pathway.goal_id:
            raise ApplicationError(
                "The goal badge cannot be one of its own requirements.", field="achievement"
            )
        row.achievement = achievement
    elif kind == Requirement.Kind.EXTERNAL:
        row.value = value.strip()[:500]
        if not row.value:
            raise ApplicationError("Give the outside badge's achievement id.", field="value")
        row.url = url.strip()[:500]
    elif kind == Requirement.Kind.SKILL:
        row.value = normalise(value)
        if not row.value:
            raise ApplicationError("Name the skill.", field="value")
        row.label = row.label or f"Any badge for the skill “{value.strip()[:150]}”"
        row.url = url.strip()[:500]
    depth, node = 1, parent
    while node.parent_id is not None:
        depth += 1
        node = Requirement.objects.get(pk=node.parent_id)
    if row.is_group and depth + 1 > selectors.MAX_DEPTH:
        raise ApplicationError(
            f"Groups may be nested at most {selectors.MAX_DEPTH} deep.", field="kind"
        )
    last = Requirement.objects.filter(parent=parent).aggregate(m=Max("position"))["m"]
    row.position = (last or 0) + 1
    row.save()
    if pathway.is_active:
        _check(pathway)
    return row


@transaction.atomic
def requirement_set_threshold(
    *, actor: User, pathway_id: uuid.UUID, requirement_id: uuid.UUID | str, kind: str, n: int | None
) -> Requirement:
    """Make a group "all of" or "at least n of" (active pathways stay valid)."""
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    group = _group(pathway, requirement_id)
    group.kind = Requirement.Kind(kind)
    if group.kind == Requirement.Kind.AT_LEAST and (n is None or n < 1):
        raise ApplicationError("“At least N of” needs N of 1 or more.", field="n")
    group.n = n if group.kind == Requirement.Kind.AT_LEAST else None
    group.save(update_fields=["kind", "n"])
    if pathway.is_active:
        _check(pathway)
    return group


@transaction.atomic
def requirement_remove(
    *, actor: User, pathway_id: uuid.UUID, requirement_id: uuid.UUID | str
) -> None:
    """Remove a requirement or a group with everything in it (never the root)."""
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    row = Requirement.objects.filter(pk=requirement_id, pathway=pathway).first()
    if row is None:
        raise NotFound()
    if row.parent_id is None:
        raise ApplicationError("The top group of requirements cannot be removed.")
    row.delete()
    if pathway.is_active:
        _check(pathway)


def _candidates(pathway: Pathway) -> set[int]:
    """Learners who may meet the pathway already: holders of a badge it names, and people
    with outside or aligned badges when it asks for those."""
    rows = selectors.requirement_rows(pathway)
    achievements = [r.achievement_id for r in rows if r.achievement_id is not None]
    users = set(
        WalletItem.objects.filter(credential__achievement_id__in=achievements).values_list(
            "user_id", flat=True
        )
    )
    kinds = {r.kind for r in rows}
    if Requirement.Kind.EXTERNAL in kinds or Requirement.Kind.SKILL in kinds:
        users |= set(ImportedCredential.objects.values_list("user_id", flat=True))
    if Requirement.Kind.SKILL in kinds:
        users |= set(
            WalletItem.objects.filter(credential__version__alignments__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    return users


@transaction.atomic
def pathway_activate(*, actor: User, pathway_id: uuid.UUID) -> Pathway:
    """Turn evaluation on (the tree must be valid); learners who meet it already are
    evaluated once this commits.  :raises ApplicationError: naming every problem."""
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _check(pathway)
    pathway.is_active = True
    pathway.save(update_fields=["is_active", "updated_at"])
    audit_record(
        organisation=pathway.organisation, actor=actor, action="pathway.activated", obj=pathway
    )
    pk = pathway.pk
    transaction.on_commit(lambda: pathway_evaluate_learners(pathway_id=pk), robust=True)
    return pathway


@transaction.atomic
def pathway_deactivate(*, actor: User, pathway_id: uuid.UUID) -> Pathway:
    """Stop evaluating (goal badges already awarded stay)."""
    pathway = selectors.access_pathway(user=actor, pathway_id=pathway_id)
    pathway.is_active = False
    pathway.save(update_fields=["is_active", "updated_at"])
    audit_record(
        organisation=pathway.organisation, actor=actor, action="pathway.deactivated", obj=pathway
    )
    return pathway


# --- evaluation and awards -------------------------------------------------------------------


def _entries(holdings: Iterable[tree.Holding]) -> list[dict[str, str]]:
    return [{"kind": h.kind, "id": h.id, "name": h.name, "url": h.url} for h in holdings]


def _evidence(pathway: Pathway, used: Sequence[tree.Holding]) -> list[engine.EvidenceData]:
    return [
        engine.EvidenceData(
            id=h.url or None,
            name=h.name,
            narrative=f"Counted towards the pathway “{pathway.name}” of "
            f"{pathway.organisation.name}"
            + (" (a badge from another issuer)." if h.kind == "imported" else "."),
        )
        for h in used
    ]


def _award(
    completion: PathwayCompletion,
    *,
    issued_by: User,
    used: Sequence[tree.Holding],
    now: datetime,
) -> Credential:
    pathway = completion.pathway
    goal = pathway.goal
    if goal.state != Achievement.State.PUBLISHED or goal.current_version is None:
        raise ApplicationError("The goal badge is not published, so it cannot be awarded.")
    learner = completion.learner
    credential = credential_create(
        achievement=goal,
        version=goal.current_version,
        issued_by=issued_by,
        recipient_email=learner.email,
        recipient_name=learner.name,
        recipient_user=learner,
        evidence=_evidence(pathway, used),
        now=now,
        audit={"pathway": str(pathway.pk)},
    )
    completion.state = PathwayCompletion.State.AWARDED
    completion.credential = credential
    completion.satisfied_by = _entries(used)
    completion.save(update_fields=["state", "credential", "satisfied_by"])
    return credential


def _issuer_of(pathway: Pathway) -> User | None:
    """Who automatic awards are made in the name of: the pathway's creator while they are an
    issuer of the organisation (else awards wait for an issuer's review)."""
    creator = pathway.created_by
    if creator is None or not creator.is_active:
        return None
    roles = user_roles(user=creator, organisation=pathway.organisation)
    return creator if has_role(roles, Role.ISSUER) else None


def _record_progress(pathway: Pathway, user: User, outcome: tree.Outcome, now: datetime) -> None:
    values = {
        "met": outcome.have,
        "total": outcome.need,
        "satisfied": outcome.satisfied,
        "met_requirements": sorted(key for key, met in outcome.met.items() if met),
        "updated_at": now,
    }
    if (
        not outcome.held
        and not PathwayProgress.objects.filter(pathway=pathway, learner=user).exists()
    ):
        return
    try:
        with transaction.atomic():
            PathwayProgress.objects.update_or_create(pathway=pathway, learner=user, defaults=values)
    except IntegrityError:  # created by a concurrent evaluation meanwhile
        PathwayProgress.objects.filter(pathway=pathway, learner=user).update(**values)


def _complete(pathway: Pathway, user: User, outcome: tree.Outcome, now: datetime) -> None:
    issuer = _issuer_of(pathway)
    automatic = pathway.award_mode == Pathway.AwardMode.AUTOMATIC and issuer is not None
    try:
        with transaction.atomic():
            completion = PathwayCompletion.objects.create(
                pathway=pathway,
                learner=user,
                state=PathwayCompletion.State.PENDING,
                satisfied_by=_entries(outcome.used),
                completed_at=now,
            )
    except IntegrityError:  # another evaluation completed it first: exactly once
        return
    audit_record(
        organisation=pathway.organisation,
        actor=None,
        action="pathway.completed",
        obj=completion,
        now=now,
        pathway=str(pathway.pk),
        learner=user.pk,
        mode="automatic" if automatic else "review",
    )
    if automatic and issuer is not None:
        _award(completion, issued_by=issuer, used=outcome.used, now=now)


def _valid_ids(holdings: Iterable[tree.Holding]) -> set[tuple[str, str]]:
    return {(h.kind, h.id) for h in holdings if h.valid}


def _suspend_goal(completion: PathwayCompletion, reason: str, now: datetime) -> None:
    """Suspend the goal badge as ``awards.services.credential_suspend`` does (same fields,
    audit action and event), with no person as the actor: the platform applies the policy
    the issuer chose for the pathway, and the audit detail names it."""
    if completion.credential_id is None:
        return
    credential = Credential.objects.select_for_update().get(pk=completion.credential_id)
    if credential.revoked_at is not None or credential.suspended_at is not None:
        return
    credential.suspended_at, credential.suspension_reason = now, reason[:500]
    credential.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        organisation=credential.organisation,
        actor=None,
        action="credential.suspended",
        obj=credential,
        now=now,
        reason=credential.suspension_reason,
        pathway=str(completion.pathway_id),
    )
    completion.goal_suspended = True
    events.credential_suspended.send(sender=None, credential=credential)


def _reinstate_goal(completion: PathwayCompletion, now: datetime) -> None:
    """Lift the suspension this pathway made (not one an issuer made by hand meanwhile)."""
    completion.goal_suspended = False
    if completion.credential_id is None:
        return
    credential = Credential.objects.select_for_update().get(pk=completion.credential_id)
    if credential.suspended_at is None or credential.revoked_at is not None:
        return
    credential.suspended_at, credential.suspension_reason = None, ""
    credential.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        organisation=credential.organisation,
        actor=None,
        action="credential.reinstated",
        obj=credential,
        now=now,
        pathway=str(completion.pathway_id),
    )
    events.credential_reinstated.send(sender=None, credential=credential)


def _recheck(
    completion: PathwayCompletion,
    outcome: tree.Outcome,
    holdings: Sequence[tree.Holding],
    now: datetime,
) -> None:
    """Apply the pathway's policy when a badge the award relied on is no longer valid, and
    undo it when the requirements are met again (idempotent: flags on the completion)."""
    completion = PathwayCompletion.objects.select_for_update().get(pk=completion.pk)
    if completion.state != PathwayCompletion.State.AWARDED:
        return
    pathway = completion.pathway
    if outcome.satisfied:
        if completion.dependency_lost_at is None:
            return
        if completion.goal_suspended:
            _reinstate_goal(completion, now)
        completion.dependency_lost_at, completion.dependency_lost_detail = None, ""
        completion.save(
            update_fields=["dependency_lost_at", "dependency_lost_detail", "goal_suspended"]
        )
        audit_record(
            organisation=pathway.organisation,
            actor=None,
            action="pathway.dependency_restored",
            obj=completion,
            now=now,
        )
        return
    if completion.dependency_lost_at is not None:
        return
    valid = _valid_ids(holdings)
    lost = [e for e in completion.satisfied_by if (e.get("kind"), e.get("id")) not in valid]
    if not lost:
        return  # the tree changed after the award; nothing it relied on was lost
    names = ", ".join(str(e.get("name") or e.get("id")) for e in lost)
    detail = f"No longer valid: {names}."[:500]
    completion.dependency_lost_at, completion.dependency_lost_detail = now, detail
    if pathway.on_dependency_lost == Pathway.OnDependencyLost.SUSPEND:
        _suspend_goal(
            completion,
            f"A badge the pathway “{pathway.name}” relied on is no longer valid ({names}).",
            now,
        )
    completion.save(
        update_fields=["dependency_lost_at", "dependency_lost_detail", "goal_suspended"]
    )
    audit_record(
        organisation=pathway.organisation,
        actor=None,
        action="pathway.dependency_lost",
        obj=completion,
        now=now,
        policy=pathway.on_dependency_lost,
        lost=[str(e.get("id")) for e in lost],
    )


@transaction.atomic
def pathway_evaluate(
    *,
    pathway: Pathway,
    user: User,
    now: datetime | None = None,
    holdings: Sequence[tree.Holding] | None = None,
) -> tree.Outcome:
    """Evaluate one pathway for one learner and act on it: record progress, complete it
    (award or queue for review) once, or apply the dependency policy."""
    now = (now or timezone.now()).replace(microsecond=0)
    if holdings is None:
        holdings = selectors.learner_holdings(user=user, now=now)
    outcome = selectors.evaluate_pathway(pathway, holdings)
    _record_progress(pathway, user, outcome, now)
    completion = PathwayCompletion.objects.filter(pathway=pathway, learner=user).first()
    if completion is None:
        if outcome.satisfied and pathway.is_active:
            _complete(pathway, user, outcome, now)
    else:
        _recheck(completion, outcome, holdings, now)
    return outcome


def learner_evaluate(*, user: User, now: datetime | None = None) -> int:
    """Evaluate every active pathway for a learner (and the completed ones, for the
    dependency policy); each pathway in its own transaction.  Returns how many."""
    now = now or timezone.now()
    completed = PathwayCompletion.objects.filter(learner=user).values_list("pathway_id", flat=True)
    pathways = list(
        (Pathway.objects.filter(is_active=True) | Pathway.objects.filter(pk__in=completed))
        .distinct()
        .select_related("organisation", "goal__current_version")
    )
    if not pathways:  # the common case on a platform without pathways: read no wallet
        return 0
    holdings = selectors.learner_holdings(user=user, now=now)
    count = 0
    for pathway in pathways:
        try:
            pathway_evaluate(pathway=pathway, user=user, now=now, holdings=holdings)
        except ApplicationError as exc:  # e.g. the issuer has no signing key: retried later
            logger.warning("Pathway %s for user %s: %s", pathway.pk, user.pk, exc.message)
        count += 1
    return count


def pathway_evaluate_learners(*, pathway_id: uuid.UUID, now: datetime | None = None) -> int:
    """Evaluate one pathway for every learner who may meet it (after activation)."""
    pathway = Pathway.objects.select_related("organisation", "goal__current_version").get(
        pk=pathway_id
    )
    users = User.objects.filter(pk__in=_candidates(pathway))
    for user in users:
        try:
            pathway_evaluate(pathway=pathway, user=user, now=now)
        except ApplicationError as exc:
            logger.warning("Pathway %s for user %s: %s", pathway.pk, user.pk, exc.message)
    return len(users)


def pathways_sweep(*, now: datetime | None = None) -> int:
    """Re-evaluate every learner with progress or a completion (run daily): expiries have no
    event, so this is what notices them.  Idempotent.  Returns the learners evaluated."""
    now = now or timezone.now()
    learners = set(PathwayCompletion.objects.values_list("learner_id", flat=True)) | set(
        PathwayProgress.objects.values_list("learner_id", flat=True)
    )
    for user in User.objects.filter(pk__in=learners):
        learner_evaluate(user=user, now=now)
    return len(learners)


# --- reviews --------------------------------------------------------------------------------


def _pending(actor: User, completion_id: uuid.UUID) -> PathwayCompletion:
    completion = PathwayCompletion.objects.filter(pk=completion_id).first()
    if completion is None:
        raise NotFound()
    selectors.access_pathway(user=actor, pathway_id=completion.pathway_id)
    completion = (
        PathwayCompletion.objects.select_for_update(of=("self",))
        .select_related("pathway__organisation", "pathway__goal__current_version", "learner")
        .get(pk=completion.pk)
    )
    if completion.state != PathwayCompletion.State.PENDING:
        raise ApplicationError("This completion has already been decided.")
    return completion


@transaction.atomic
def completion_approve(
    *, actor: User, completion_id: uuid.UUID, now: datetime | None = None
) -> PathwayCompletion:
    """Award the goal badge for a queued completion (issuers), if the learner still meets
    the requirements now.  :raises ApplicationError: otherwise, saying what is missing."""
    completion = _pending(actor, completion_id)
    now = (now or timezone.now()).replace(microsecond=0)
    holdings = selectors.learner_holdings(user=completion.learner, now=now)
    outcome = selectors.evaluate_pathway(completion.pathway, holdings)
    if not outcome.satisfied:
        missing = ", ".join(leaf.label for leaf in outcome.missing)
        raise ApplicationError(
            f"The learner no longer meets the requirements (missing: {missing})."
        )
    _award(completion, issued_by=actor, used=outcome.used, now=now)
    completion.decided_at, completion.decided_by = now, actor
    completion.save(update_fields=["decided_at", "decided_by"])
    return completion


@transaction.atomic
def completion_reject(
    *, actor: User, completion_id: uuid.UUID, now: datetime | None = None
) -> PathwayCompletion:
    """Decline a queued completion (the learner is not awarded the goal through it)."""
    completion = _pending(actor, completion_id)
    now = now or timezone.now()
    completion.state = PathwayCompletion.State.REJECTED
    completion.decided_at, completion.decided_by = now, actor
    completion.save(update_fields=["state", "decided_at", "decided_by"])
    audit_record(
        organisation=completion.pathway.organisation,
        actor=actor,
        action="pathway.completion_rejected",
        obj=completion,
        now=now,
    )
    return completion
