"""Reads of the talent app: access functions and the search itself."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.awards.models import Credential, StatusList
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Membership, Organisation, Role
from insignia.web.talent import engine
from insignia.web.talent.models import (
    BadgeSkill,
    DiscoverableBadge,
    Skill,
    SkillSynonym,
    TalentProfile,
)
from insignia.web.talent.skills import normalise
from insignia.web.wallet.models import WalletItem

RECRUITING_ROLES = (Role.RECRUITER, Role.OWNER)


def access_recruiter_organisation(*, user: User, organisation_id: uuid.UUID) -> Organisation:
    """An organisation in which ``user`` recruits (recruiter or owner); 404 otherwise."""
    found = (
        Organisation.objects.filter(
            pk=organisation_id,
            memberships__user=user,
            memberships__role__in=RECRUITING_ROLES,
        )
        .distinct()
        .first()
    )
    if found is None or not user.is_active:
        raise NotFound()
    return found


def recruiting_organisations(*, user: User) -> list[Organisation]:
    ids = Membership.objects.filter(user=user, role__in=RECRUITING_ROLES).values("organisation")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _discoverable() -> QuerySet[TalentProfile]:
    return TalentProfile.objects.filter(is_discoverable=True, user__is_active=True)


def access_candidate(
    *, user: User, organisation_id: uuid.UUID, profile_id: uuid.UUID
) -> TalentProfile:
    """A candidate a recruiter of the organisation may see: opted in, with at least one badge
    to be found by (the same 404 for unknown, withdrawn and never opted in)."""
    access_recruiter_organisation(user=user, organisation_id=organisation_id)
    found = (
        _discoverable()
        .filter(pk=profile_id, badges__isnull=False)
        .select_related("user")
        .distinct()
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def talent_profile_of(*, user: User) -> TalentProfile | None:
    return TalentProfile.objects.filter(user=user).first()


def selectable_items(*, user: User) -> list[WalletItem]:
    """The learner's badges issued here, for choosing which ones employers may find."""
    return list(
        WalletItem.objects.filter(user=user, credential__revoked_at__isnull=True)
        .select_related("credential__version", "credential__organisation")
        .order_by("-added_at")
    )


def chosen_item_ids(*, user: User) -> set[uuid.UUID]:
    return set(
        DiscoverableBadge.objects.filter(profile__user=user).values_list(
            "wallet_item_id", flat=True
        )
    )


# --- search --------------------------------------------------------------------------------


def skills_lookup(terms: Sequence[str]) -> tuple[dict[str, Skill], list[str]]:
    """Map what a recruiter typed to canonical skills (through synonyms); and the unknown."""
    keys = {normalise(t): t for t in terms if normalise(t)}
    found: dict[str, Skill] = {}
    for synonym in SkillSynonym.objects.filter(alias__in=keys).select_related("skill"):
        found[keys[synonym.alias]] = synonym.skill
    for skill in Skill.objects.filter(key__in=[k for k, t in keys.items() if t not in found]):
        found[keys[skill.key]] = skill
    return found, [t for t in keys.values() if t not in found]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    all_skills: tuple[str, ...] = ()
    any_skills: tuple[str, ...] = ()
    issuers: tuple[uuid.UUID, ...] = ()
    earned_after: datetime | None = None


@dataclass(slots=True)
class MatchedBadge:
    credential_id: uuid.UUID
    name: str
    issuer: str
    issued_at: datetime
    valid_until: datetime | None
    skills: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Candidate:
    profile: TalentProfile
    score: int
    matched_all: int
    matched_any: int
    badges: list[MatchedBadge] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if self.profile.show_name and self.profile.user.name:
            return self.profile.user.name
        return f"Candidate {str(self.profile.pk)[:8]}"


@dataclass(slots=True)
class SearchResult:
    candidates: list[Candidate]
    unknown_terms: list[str]
    wanted_all: int
    wanted_any: int


def _matching_rows(
    query: SearchQuery, all_ids: set[int], any_ids: set[int], now: datetime
) -> QuerySet[BadgeSkill]:
    rows = BadgeSkill.objects.filter(skill_id__in=all_ids | any_ids).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )
    if query.issuers:
        rows = rows.filter(organisation_id__in=query.issuers)
    if query.earned_after is not None:
        rows = rows.filter(issued_at__gte=query.earned_after)
    return rows


def talent_search(
    *, query: SearchQuery, now: datetime | None = None, limit: int = 20
) -> SearchResult:
    """Candidates who hold every skill of ``all_skills`` and at least one of ``any_skills``,
    through badges of the chosen issuers earned after the date, neither revoked nor expired;
    ranked by how many wanted skills they show, then by their most recent matching badge.

    Only learners who opted in have rows in the index.  The grouping query reads the index
    alone (a covering index); revocation is then read from the status-list bits of the badges
    behind the top candidates (a badge revoked moments ago never counts), which is why twice
    ``limit`` candidates are ranked before the check.
    """
    now = now or timezone.now()
    found, unknown = skills_lookup([*query.all_skills, *query.any_skills])
    all_ids = {found[t].pk for t in query.all_skills if t in found}
    any_ids = {found[t].pk for t in query.any_skills if t in found}
    wanted_all = len({normalise(t) for t in query.all_skills if normalise(t)})
    if len(all_ids) < wanted_all or (query.any_skills and not any_ids and not query.all_skills):
        return SearchResult([], unknown, wanted_all, len(any_ids))
    if not all_ids and not any_ids:
        return SearchResult([], unknown, 0, 0)
    grouped = (
        _matching_rows(query, all_ids, any_ids, now)
        .values("profile_id")
        .annotate(
            hits_all=Count("skill_id", distinct=True, filter=Q(skill_id__in=all_ids or {-1})),
            hits_any=Count("skill_id", distinct=True, filter=Q(skill_id__in=any_ids or {-1})),
            latest=Max("issued_at"),
        )
    )
    if all_ids:
        grouped = grouped.filter(hits_all=len(all_ids))
    if any_ids:
        grouped = grouped.filter(hits_any__gte=1)
    top = list(
        grouped.annotate(score=F("hits_all") * 2 + F("hits_any")).order_by(
            "-score", "-latest", "profile_id"
        )[: limit * 2]
    )
    ranked: list[uuid.UUID] = [row["profile_id"] for row in top]
    candidates = _hydrate(ranked, query, all_ids, any_ids, now)[:limit]
    return SearchResult(candidates, unknown, len(all_ids), len(any_ids))


def _hydrate(
    ranked: list[uuid.UUID],
    query: SearchQuery,
    all_ids: set[int],
    any_ids: set[int],
    now: datetime,
) -> list[Candidate]:
    """Load the candidates and the badges behind each match; drop badges whose status bit
    says revoked, and candidates who then no longer match."""
    profiles = {p.pk: p for p in _discoverable().filter(pk__in=ranked).select_related("user")}
    rows = list(
        _matching_rows(query, all_ids, any_ids, now)
        .filter(profile_id__in=profiles)
        .select_related("skill", "credential__version", "credential__organisation")
        .only(
            "profile_id",
            "skill__name",
            "credential__id",
            "credential__status_list_id",
            "credential__status_index",
            "credential__issued_at",
            "credential__valid_until",
            "credential__version__name",
            "credential__organisation__name",
        )
    )
    lists = {
        s.pk: engine.revocation_reader(bytes(s.bits))
        for s in StatusList.objects.filter(pk__in={r.credential.status_list_id for r in rows}).only(
            "bits"
        )
    }
    by_profile: dict[uuid.UUID, dict[uuid.UUID, MatchedBadge]] = defaultdict(dict)
    skills_of: dict[uuid.UUID, set[int]] = defaultdict(set)
    for row in rows:
        credential: Credential = row.credential
        if lists[credential.status_list_id](credential.status_index):
            continue
        badges = by_profile[row.profile_id]
        badge = badges.get(credential.pk)
        if badge is None:
            badge = badges[credential.pk] = MatchedBadge(
                credential.pk,
                credential.version.name,
                credential.organisation.name,
                credential.issued_at,
                credential.valid_until,
            )
        badge.skills.append(row.skill.name)
        skills_of[row.profile_id].add(row.skill_id)
    out = []
    for pid in ranked:
        profile = profiles.get(pid)
        held = skills_of.get(pid, set())
        if profile is None or not all_ids <= held or (any_ids and not any_ids & held):
            continue
        hits_all, hits_any = len(all_ids & held), len(any_ids & held)
        out.append(
            Candidate(
                profile,
                hits_all * 2 + hits_any,
                hits_all,
                hits_any,
                sorted(by_profile[pid].values(), key=lambda b: b.issued_at, reverse=True),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class CandidateBadge:
    item: DiscoverableBadge
    valid: bool
    failures: list[str]


def candidate_badges(*, profile: TalentProfile) -> list[CandidateBadge]:
    """Every badge the candidate lets employers see, each verified live by the engine."""
    from insignia.web.awards.verification import credential_verify

    out = []
    for item in DiscoverableBadge.objects.filter(profile=profile).select_related(
        "credential__version", "credential__organisation"
    ):
        verification = credential_verify(credential=item.credential)
        out.append(
            CandidateBadge(
                item, verification.valid, [c.message for c in verification.report.failures]
            )
        )
    return out
