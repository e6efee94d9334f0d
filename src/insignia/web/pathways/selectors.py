"""Reads about pathways: access, trees as plain values, a learner's holdings and progress."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement, Alignment
from insignia.web.achievements.selectors import version_url
from insignia.web.awards.models import Credential
from insignia.web.awards.selectors import credential_live_status
from insignia.web.common.errors import NotFound
from insignia.web.earning.models import AccessPolicy
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles
from insignia.web.pathways import tree
from insignia.web.pathways.models import Pathway, PathwayCompletion, PathwayProgress, Requirement
from insignia.web.talent.models import SkillSynonym
from insignia.web.talent.skills import code_alias, normalise
from insignia.web.wallet.engine import EXPIRY_CHECKS
from insignia.web.wallet.models import ImportedCredential

MAX_DEPTH: int = getattr(settings, "INSIGNIA_PATHWAY_MAX_DEPTH", 4)
MAX_REQUIREMENTS: int = getattr(settings, "INSIGNIA_PATHWAY_MAX_REQUIREMENTS", 50)


def access_pathway(
    *, user: User | Any, pathway_id: uuid.UUID | str, role: Role | None = Role.ISSUER
) -> Pathway:
    """Return a pathway to staff of its organisation holding ``role`` (issuers by default).

    :raises NotFound: for unknown pathways and for people who may not see it alike.
    """
    pathway = (
        Pathway.objects.filter(pk=pathway_id)
        .select_related("organisation", "goal", "goal__current_version")
        .first()
    )
    if pathway is None or not has_role(
        user_roles(user=user, organisation=pathway.organisation), role
    ):
        raise NotFound()
    return pathway


def public_pathway_get(*, pathway_id: uuid.UUID | str) -> Pathway:
    """A pathway for its public page: active and marked public.  :raises NotFound: else."""
    pathway = (
        Pathway.objects.filter(pk=pathway_id, is_active=True, is_public=True)
        .select_related("organisation", "goal", "goal__current_version__image")
        .first()
    )
    if pathway is None:
        raise NotFound()
    return pathway


def organisation_pathways(*, organisation: Organisation) -> QuerySet[Pathway]:
    return Pathway.objects.filter(organisation=organisation).select_related("goal__current_version")


def goal_choices(*, organisation: Organisation) -> QuerySet[Achievement]:
    """The organisation's published badges (a pathway's goal is one of them)."""
    return Achievement.objects.filter(
        organisation=organisation, state=Achievement.State.PUBLISHED
    ).select_related("current_version")


def requirement_badge_choices() -> QuerySet[Achievement]:
    """Every published badge of the platform, any issuer (a requirement may name any)."""
    return (
        Achievement.objects.filter(state=Achievement.State.PUBLISHED)
        .select_related("organisation", "current_version")
        .order_by("organisation__name", "current_version__name")
    )


# --- skills -------------------------------------------------------------------------------


def _canonical(aliases: Iterable[str]) -> set[str]:
    """The aliases and the canonical skill keys they resolve to (read-only: the talent app's
    synonyms, never creating any)."""
    keys = {a for a in aliases if a}
    rows = SkillSynonym.objects.filter(alias__in=keys).values_list("skill__key", flat=True)
    return keys | set(rows)


def skill_key(name: str) -> str:
    """The key a skill requirement is stored under (the talent app's normalised wording)."""
    return normalise(name)


def _alignment_aliases(name: str, framework: str, code: str) -> set[str]:
    return {a for a in (normalise(name), code_alias(framework, code)) if a}


# --- trees ----------------------------------------------------------------------------------


def requirement_rows(pathway: Pathway) -> list[Requirement]:
    return list(
        Requirement.objects.filter(pathway=pathway).select_related(
            "achievement__current_version", "achievement__organisation"
        )
    )


def requirement_label(row: Requirement) -> str:
    if row.kind == Requirement.Kind.ACHIEVEMENT and row.achievement is not None:
        version = row.achievement.current_version
        name = version.name if version else "A badge"
        return row.label or f"{name} ({row.achievement.organisation.name})"
    if row.kind == Requirement.Kind.SKILL:
        return row.label or f"Any badge for the skill “{row.value}”"
    return row.label or row.value


def build_tree(rows: Sequence[Requirement], *, canonical_skills: bool = True) -> tree.Group:
    """The tree of ``rows`` as plain values (the root is the parentless group; a pathway
    without one is an empty all-of group)."""
    by_parent: dict[uuid.UUID | None, list[Requirement]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    skill_values = [r.value for r in rows if r.kind == Requirement.Kind.SKILL]
    canonical = (
        dict(SkillSynonym.objects.filter(alias__in=skill_values).values_list("alias", "skill__key"))
        if canonical_skills and skill_values
        else {}
    )

    def node(row: Requirement) -> tree.Node:
        if row.is_group:
            children = sorted(by_parent.get(row.pk, []), key=lambda r: (r.position, str(r.pk)))
            return tree.Group(row.kind, tuple(node(c) for c in children), row.n, str(row.pk))
        value = str(row.achievement_id or "") if row.kind == "achievement" else row.value
        if row.kind == Requirement.Kind.SKILL:
            value = canonical.get(value, value)
        return tree.Leaf(row.kind, value, requirement_label(row), str(row.pk))

    roots = by_parent.get(None, [])
    if not roots:
        return tree.Group(tree.ALL_OF, ())
    return node(roots[0])  # type: ignore[return-value]


def pathway_tree(pathway: Pathway) -> tree.Group:
    return build_tree(requirement_rows(pathway))


def root_requirement(pathway: Pathway) -> Requirement | None:
    return Requirement.objects.filter(pathway=pathway, parent__isnull=True).first()


# --- holdings -------------------------------------------------------------------------------


def _parse_instant(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def credential_holding(credential: Credential, *, now: datetime) -> tree.Holding:
    """A credential issued here: valid when its live status is (revocation bit, suspension,
    dates); its signature is ours."""
    document = json.loads(credential.document)
    subject = document.get("credentialSubject") or {}
    ach = subject.get("achievement") if isinstance(subject, dict) else None
    ids = {version_url(credential.version)}
    if isinstance(ach, dict) and isinstance(ach.get("id"), str):
        ids.add(ach["id"])
    aliases: set[str] = set()
    alignments: Iterable[Alignment] = credential.version.alignments.all()
    for a in alignments:
        aliases |= _alignment_aliases(a.target_name, a.target_framework, a.target_code)
    return tree.Holding(
        kind="credential",
        id=str(credential.pk),
        name=credential.version.name,
        url=credential.credential_id,
        valid=credential_live_status(credential=credential, now=now).is_valid,
        achievement=str(credential.achievement_id),
        achievement_ids=frozenset(ids),
        skills=frozenset(_canonical(aliases)),
    )


def _imported_achievement(document: dict[str, Any]) -> tuple[set[str], list[dict[str, Any]]]:
    """The achievement ids and alignments of an imported OB 3.0 credential or OB 2.0
    assertion (as the engine parsed it)."""
    ids: set[str] = set()
    alignments: list[dict[str, Any]] = []
    subjects = document.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        ach = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(ach, dict):
            if isinstance(ach.get("id"), str):
                ids.add(ach["id"])
            alignments += [a for a in ach.get("alignment") or [] if isinstance(a, dict)]
    badge = document.get("badge")
    if isinstance(badge, str):
        ids.add(badge)
    elif isinstance(badge, dict):
        if isinstance(badge.get("id"), str):
            ids.add(badge["id"])
        alignments += [a for a in badge.get("alignment") or [] if isinstance(a, dict)]
    return ids, alignments


def imported_valid(imported: ImportedCredential, *, now: datetime) -> bool:
    """An imported badge counts when it names the learner as its recipient, the engine's
    report failed nothing but expiry, and it has not expired at ``now``."""
    if not imported.issued_to_user:
        return False
    checks = imported.report.get("checks") if isinstance(imported.report, dict) else None
    for check in checks or []:
        if check.get("outcome") == "fail" and check.get("code") not in EXPIRY_CHECKS:
            return False
    expires = _parse_instant(imported.expires)
    return expires is None or now < expires


def imported_holding(imported: ImportedCredential, *, now: datetime) -> tree.Holding:
    document = imported.credential if isinstance(imported.credential, dict) else {}
    ids, alignments = _imported_achievement(document)
    aliases: set[str] = set()
    for a in alignments:
        aliases |= _alignment_aliases(
            str(a.get("targetName") or ""),
            str(a.get("targetFramework") or ""),
            str(a.get("targetCode") or ""),
        )
    return tree.Holding(
        kind="imported",
        id=str(imported.pk),
        name=imported.name or imported.credential_id,
        url=imported.credential_id or "",
        valid=imported_valid(imported, now=now),
        achievement_ids=frozenset(ids),
        skills=frozenset(_canonical(aliases)),
    )


def learner_holdings(*, user: User, now: datetime) -> list[tree.Holding]:
    """Every badge in the learner's wallet (issued here and imported), oldest first so that
    the same badges keep satisfying a requirement."""
    credentials = (
        Credential.objects.filter(wallet_item__user=user)
        .select_related("version", "status_list")
        .prefetch_related(Prefetch("version__alignments"))
        .order_by("issued_at", "pk")
    )
    held = [credential_holding(c, now=now) for c in credentials]
    imported = ImportedCredential.objects.filter(user=user).order_by("imported_at", "pk")
    held += [imported_holding(i, now=now) for i in imported]
    return held


def evaluate_pathway(
    pathway: Pathway, holdings: Sequence[tree.Holding], root: tree.Group | None = None
) -> tree.Outcome:
    """Evaluate a pathway over holdings; the goal badge itself never counts towards it."""
    goal = str(pathway.goal_id)
    usable = [h for h in holdings if h.achievement != goal]
    return tree.evaluate(root if root is not None else pathway_tree(pathway), usable)


# --- learner pages ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    pathway: Pathway
    outcome: tree.Outcome
    completion: PathwayCompletion | None

    @property
    def percent(self) -> int:
        need = self.outcome.need or 1
        return round(100 * self.outcome.have / need)


def active_pathways() -> list[Pathway]:
    return list(
        Pathway.objects.filter(is_active=True).select_related(
            "organisation", "goal__current_version"
        )
    )


def learner_progress(*, user: User, now: datetime | None = None) -> list[Progress]:
    """Every active pathway the learner has started (holds a valid badge for at least one
    requirement) or completed, most advanced first."""
    now = now or timezone.now()
    holdings = learner_holdings(user=user, now=now)
    completions = {
        c.pathway_id: c
        for c in PathwayCompletion.objects.filter(learner=user).select_related("credential")
    }
    found = []
    for pathway in active_pathways():
        outcome = evaluate_pathway(pathway, holdings)
        completion = completions.get(pathway.pk)
        if outcome.held or completion is not None:
            found.append(Progress(pathway, outcome, completion))
    found.sort(key=lambda p: (p.completion is not None, -p.percent, p.pathway.name))
    return found


def pathways_counting(*, credential: Credential, now: datetime | None = None) -> list[Progress]:
    """The active pathways a badge counts towards ("what's next"), with the holder's progress
    (pathways the holder already completed are left out)."""
    user = credential.recipient_user
    pathways = active_pathways()
    if user is None or not pathways:
        return []
    now = now or timezone.now()
    holdings = learner_holdings(user=user, now=now)
    this = next(
        (h for h in holdings if h.kind == "credential" and h.id == str(credential.pk)), None
    )
    if this is None:
        this = credential_holding(credential, now=now)
    done = set(PathwayCompletion.objects.filter(learner=user).values_list("pathway_id", flat=True))
    found = []
    for pathway in pathways:
        if pathway.pk in done or pathway.goal_id == credential.achievement_id:
            continue
        root = pathway_tree(pathway)
        if any(tree.leaf_matches(leaf, this) for leaf in tree.leaves(root)):
            found.append(Progress(pathway, evaluate_pathway(pathway, holdings, root), None))
    return found


def leaf_link(leaf: tree.Leaf, rows: dict[str, Requirement]) -> str:
    """Where a learner can go to earn a requirement: our badge's apply page when it takes
    applications, else its public page; the issuer's link for outside badges and skills."""
    row = rows.get(leaf.key)
    if row is None:
        return ""
    if row.kind == Requirement.Kind.ACHIEVEMENT and row.achievement_id:
        policy = AccessPolicy.objects.filter(achievement_id=row.achievement_id).first()
        if policy is not None and policy.mode != AccessPolicy.Mode.CLOSED:
            return reverse("earning:apply", args=[row.achievement_id])
        return reverse("public:achievement", args=[row.achievement_id])
    return row.url


def missing_links(pathway: Pathway, outcome: tree.Outcome) -> list[tuple[str, str]]:
    """What is still missing, each with where to earn it."""
    rows = {str(r.pk): r for r in requirement_rows(pathway)}
    return [(leaf.label, leaf_link(leaf, rows)) for leaf in outcome.missing]


# --- issuer pages -----------------------------------------------------------------------------


def pending_completions(*, pathway: Pathway) -> list[PathwayCompletion]:
    return list(
        PathwayCompletion.objects.filter(
            pathway=pathway, state=PathwayCompletion.State.PENDING
        ).select_related("learner")
    )


@dataclass(frozen=True, slots=True)
class Funnel:
    started: int
    progressed: int
    completed: int

    @property
    def stages(self) -> list[tuple[str, int]]:
        return [
            ("Started", self.started),
            ("Halfway or more", self.progressed),
            ("Completed", self.completed),
        ]


def pathway_funnel(*, pathway: Pathway) -> Funnel:
    """Learners who started (hold ≥ 1 requirement), progressed (≥ half) and completed, from the
    last evaluation of each (completions count at every stage)."""
    rows = list(
        PathwayProgress.objects.filter(pathway=pathway).values_list("learner_id", "met", "total")
    )
    completed = set(
        PathwayCompletion.objects.filter(pathway=pathway).values_list("learner_id", flat=True)
    )
    started = {learner for learner, met, _ in rows if met >= 1} | completed
    progressed = {learner for learner, met, total in rows if total and 2 * met >= total}
    return Funnel(len(started), len(progressed | completed), len(completed))


@dataclass(frozen=True, slots=True)
class DisplayNode:
    """A requirement as pages show it: its words, where to earn it, whether it is met."""

    row: Requirement
    label: str
    link: str
    met: bool | None
    children: list[DisplayNode]
    depth: int

    @property
    def is_group(self) -> bool:
        return self.row.is_group

    @property
    def rule(self) -> str:
        if self.row.kind == Requirement.Kind.AT_LEAST:
            return f"At least {self.row.n} of these"
        return "All of these"


def display_tree(pathway: Pathway, outcome: tree.Outcome | None = None) -> DisplayNode | None:
    """The requirement rows as a nested structure for templates (with ``outcome``: met or
    not per node)."""
    rows = requirement_rows(pathway)
    by_key = {str(r.pk): r for r in rows}
    by_parent: dict[uuid.UUID | None, list[Requirement]] = {}
    for r in rows:
        by_parent.setdefault(r.parent_id, []).append(r)

    def node(row: Requirement, depth: int) -> DisplayNode:
        children = sorted(by_parent.get(row.pk, []), key=lambda r: (r.position, str(r.pk)))
        leaf = tree.Leaf(row.kind, "", "", str(row.pk))
        return DisplayNode(
            row=row,
            label="" if row.is_group else requirement_label(row),
            link="" if row.is_group else leaf_link(leaf, by_key),
            met=outcome.met.get(str(row.pk)) if outcome is not None else None,
            children=[node(c, depth + 1) for c in children],
            depth=depth,
        )

    roots = by_parent.get(None, [])
    return node(roots[0], 1) if roots else None


def group_choices(pathway: Pathway) -> list[tuple[str, str]]:
    """The groups of a tree, for the builder's "add to" select ("Top group", "Group 2 › …")."""
    root = display_tree(pathway)
    found: list[tuple[str, str]] = []

    def walk(node: DisplayNode, name: str) -> None:
        found.append((str(node.row.pk), f"{name} ({node.rule.lower()})"))
        groups = [c for c in node.children if c.is_group]
        for i, child in enumerate(groups, start=1):
            walk(child, f"{name} › group {i}")

    if root is not None:
        walk(root, "Top group")
    return found


def requirement_reach(*, pathway: Pathway) -> list[tuple[str, int]]:
    """For each requirement (leaf): how many learners who started hold it — where learners
    drop off shows as the requirements few of them reach."""
    rows = [r for r in requirement_rows(pathway) if not r.is_group]
    counts = dict.fromkeys((str(r.pk) for r in rows), 0)
    for met in PathwayProgress.objects.filter(pathway=pathway, met__gte=1).values_list(
        "met_requirements", flat=True
    ):
        for key in met or []:
            if key in counts:
                counts[key] += 1
    return [(requirement_label(r), counts[str(r.pk)]) for r in rows]


def public_pathways(*, organisation: Organisation | None = None) -> QuerySet[Pathway]:
    found = Pathway.objects.filter(is_active=True, is_public=True)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.select_related("organisation", "goal__current_version__image")
