"""Reads of the talent app: access functions and the search itself."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BinaryField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Membership, Organisation, Role
from insignia.web.talent import engine
from insignia.web.talent.models import (
    BadgeSkill,
    DiscoverableBadge,
    ProfileSkill,
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


def access_skill_admin(*, user: User) -> None:
    """Only site staff edit the synonym groups (the same 404 as an unknown page otherwise)."""
    if not (user.is_active and user.is_staff):
        raise NotFound()


def access_skill(*, user: User, key: str) -> Skill:
    access_skill_admin(user=user)
    found = Skill.objects.filter(key=key).first()
    if found is None:
        raise NotFound()
    return found


def skill_groups(*, user: User, text: str = "") -> QuerySet[Skill]:
    """Skills with their wordings, for site staff; ``text`` matches a name or a wording."""
    access_skill_admin(user=user)
    skills = Skill.objects.prefetch_related("synonyms").order_by("name", "key")
    text = normalise(text)
    if text:
        skills = skills.filter(Q(key__contains=text) | Q(synonyms__alias__contains=text)).distinct()
    return skills


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
    #: Where the next page starts (``None`` on the last page).
    next_offset: int | None = None


def _matching_rows(
    query: SearchQuery, all_ids: set[int], any_ids: set[int], now: datetime
) -> QuerySet[BadgeSkill]:
    """Exactly the index rows that count for ``query`` (the index holds findable badges only:
    opted in, chosen, neither revoked nor suspended); expiry is tested here, now."""
    rows = BadgeSkill.objects.filter(skill_id__in=all_ids | any_ids).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )
    if query.issuers:
        rows = rows.filter(organisation_id__in=query.issuers)
    if query.earned_after is not None:
        rows = rows.filter(issued_at__gte=query.earned_after)
    return rows


def _summary_rows(query: SearchQuery, skill_ids: set[int], now: datetime) -> QuerySet[ProfileSkill]:
    """Summary rows of candidates who may match: each (candidate, skill) with an unexpired
    badge, and one earned after the date (a superset when both hold through different badges:
    :func:`_hydrate` checks exactly)."""
    rows = ProfileSkill.objects.filter(skill_id__in=skill_ids, valid_until__gt=now)
    if query.earned_after is not None:
        rows = rows.filter(latest_issued_at__gte=query.earned_after)
    return rows


#: Below this many holders, the rarest required skill drives a grouping over its holders only.
RARE_ENOUGH = 5000

#: A function giving ``count`` ranked candidate ids from position ``start``.
Ranking = Callable[[int, int], list[uuid.UUID]]


def _sliced(ranked: QuerySet[Any]) -> Ranking:
    return lambda start, count: list(ranked[start : start + count])


def _grouped(
    rows: QuerySet[Any], all_ids: set[int], any_ids: set[int], hits: str, latest: Any
) -> Ranking:
    """Rank by grouping ``rows`` by candidate (for small candidate sets)."""
    grouped = rows.values("profile_id").annotate(
        hits_all=Count(hits, distinct=True, filter=Q(skill_id__in=all_ids or {-1})),
        hits_any=Count(hits, distinct=True, filter=Q(skill_id__in=any_ids or {-1})),
        latest=latest,
    )
    if all_ids:
        grouped = grouped.filter(hits_all=len(all_ids))
    if any_ids:
        grouped = grouped.filter(hits_any__gte=1)
    return _sliced(
        grouped.annotate(score=F("hits_all") * 2 + F("hits_any"))
        .order_by("-score", "-latest", "profile_id")
        .values_list("profile_id", flat=True)
    )


def _streams(query: SearchQuery, all_ids: set[int], any_ids: set[int], now: datetime) -> Ranking:
    """Rank without grouping: the exact top of the ranking from a few index range scans.

    Candidates come in tiers of score (every required skill, then as many optional ones as
    possible).  Within a tier, candidates are ordered by their latest badge, which is the
    latest of one of their skills: so reading each skill's summary rows most recent first
    (the ``talent_ps_recent`` index), keeping only rows of candidates in the tier (index
    lookups on ``(profile, skill)``), and merging those streams gives the tier in order.  A
    candidate among the first ``n`` of the tier is among the first ``n`` of the stream of
    their latest skill, so each stream stops after ``n`` rows.
    """

    def tier_top(h: int, n: int) -> list[uuid.UUID]:
        rows: list[tuple[datetime, str, uuid.UUID]] = []
        for skill in sorted(all_ids | any_ids):
            stream = _summary_rows(query, {skill}, now)
            for other in all_ids - {skill}:
                held = _summary_rows(query, {other}, now).filter(profile_id=OuterRef("profile_id"))
                stream = stream.filter(Exists(held))
            if any_ids:
                count = (
                    _summary_rows(query, any_ids, now)
                    .filter(profile_id=OuterRef("profile_id"))
                    .values("profile_id")
                    .annotate(n=Count("id"))
                    .values("n")
                )
                stream = stream.annotate(optional=Subquery(count)).filter(optional=h)
            found = stream.order_by("-latest_issued_at", "profile_id").values_list(
                "latest_issued_at", "profile_id"
            )[:n]
            rows.extend((latest, str(pid), pid) for latest, pid in found)
        rows.sort(key=lambda r: (-r[0].timestamp(), r[1]))
        seen: dict[uuid.UUID, None] = {}
        for _latest, _key, pid in rows:
            seen.setdefault(pid, None)
            if len(seen) == n:
                break
        return list(seen)

    def fetch(start: int, count: int) -> list[uuid.UUID]:
        wanted, out = start + count, list[uuid.UUID]()
        tiers = range(len(any_ids), 0, -1) if any_ids else range(1)
        for h in tiers:
            out.extend(tier_top(h, wanted - len(out)))
            if len(out) >= wanted:
                break
        return out[start:wanted]

    return fetch


def _ranking(query: SearchQuery, all_ids: set[int], any_ids: set[int], now: datetime) -> Ranking:
    """How candidates are ranked for this query, answered from indexes.

    One skill: the summary read most recent first, stopping at the page.  A rare required
    skill: the summary grouped by candidate over its holders only.  Otherwise: merged
    per-skill streams (:func:`_streams`).  With issuers: the badge index (which knows each
    badge's issuer) grouped by candidate, over the chosen issuers' ranges.
    """
    skill_ids = all_ids | any_ids
    if query.issuers:
        return _grouped(
            _matching_rows(query, all_ids, any_ids, now),
            all_ids,
            any_ids,
            "skill_id",
            Max("issued_at"),
        )
    rows = _summary_rows(query, skill_ids, now)
    if len(skill_ids) == 1:
        return _sliced(
            rows.order_by("-latest_issued_at", "profile_id").values_list("profile_id", flat=True)
        )
    if all_ids:
        holders = {pk: ProfileSkill.objects.filter(skill_id=pk).count() for pk in all_ids}
        rarest = min(holders, key=holders.__getitem__)
        if holders[rarest] <= RARE_ENOUGH:
            among = _summary_rows(query, {rarest}, now).values("profile_id")
            return _grouped(
                rows.filter(profile_id__in=among),
                all_ids,
                any_ids,
                "id",
                Max("latest_issued_at"),
            )
    return _streams(query, all_ids, any_ids, now)


def talent_search(
    *, query: SearchQuery, now: datetime | None = None, limit: int = 20, offset: int = 0
) -> SearchResult:
    """Candidates who hold every skill of ``all_skills`` and at least one of ``any_skills``,
    through badges of the chosen issuers earned after the date, neither revoked, suspended nor
    expired; ranked by how many wanted skills they show, then by their most recent badge.

    Only findable badges have rows in the index and its summary (see ``models``), so a learner
    who did not opt in cannot be found.  The ranking query returns ids only, a page at a time;
    the page is then checked exactly against the badge index and each status list's bits (a
    badge revoked moments ago never counts), and the next slice is read if that check drops
    anyone.  ``offset`` counts ranked candidates (``next_offset`` says where the next page
    starts).
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
    fetch = _ranking(query, all_ids, any_ids, now)
    candidates: list[Candidate] = []
    position, batch = max(offset, 0), limit + limit // 2 + 1
    exhausted, page_end = False, position
    while len(candidates) < limit and not exhausted:
        page = fetch(position, batch)
        exhausted, page_end = len(page) < batch, position + len(page)
        checked = _hydrate(page, query, all_ids, any_ids, now)
        for pid in page:
            position += 1
            if pid in checked:
                candidates.append(checked[pid])
                if len(candidates) == limit:
                    break
    more = len(candidates) == limit and (position < page_end or not exhausted)
    return SearchResult(candidates, unknown, len(all_ids), len(any_ids), position if more else None)


def _hydrate(
    ranked: list[uuid.UUID],
    query: SearchQuery,
    all_ids: set[int],
    any_ids: set[int],
    now: datetime,
) -> dict[uuid.UUID, Candidate]:
    """Load the candidates and the badges behind each match, checked exactly: drop badges
    revoked or suspended (by their record or their status bit), and candidates who then no
    longer match."""
    if not ranked:
        return {}
    profiles = {p.pk: p for p in _discoverable().filter(pk__in=ranked).select_related("user")}
    # Tuples, not model instances (this runs on every page); the status bit comes as the one
    # byte of the list that holds it, not the whole bitstring.
    rows = (
        _matching_rows(query, all_ids, any_ids, now)
        .filter(profile_id__in=profiles)
        .filter(credential__revoked_at__isnull=True, credential__suspended_at__isnull=True)
        .annotate(
            status_byte=Substr(
                "credential__status_list__bits",
                F("credential__status_index") / 8 + 1,
                1,
                output_field=BinaryField(),
            )
        )
        .values_list(
            "profile_id",
            "skill_id",
            "skill__name",
            "credential_id",
            "credential__status_index",
            "status_byte",
            "issued_at",
            "valid_until",
            "credential__version__name",
            "organisation__name",
        )
    )
    by_profile: dict[uuid.UUID, dict[uuid.UUID, MatchedBadge]] = defaultdict(dict)
    skills_of: dict[uuid.UUID, set[int]] = defaultdict(set)
    for pid, skill_id, skill, cid, index, byte, issued, until, name, issuer in rows:
        if engine.revoked_in_byte(bytes(byte), index):
            continue
        badges = by_profile[pid]
        badge = badges.get(cid)
        if badge is None:
            badge = badges[cid] = MatchedBadge(cid, name, issuer, issued, until)
        badge.skills.append(skill)
        skills_of[pid].add(skill_id)
    out = {}
    for pid in ranked:
        profile = profiles.get(pid)
        held = skills_of.get(pid, set())
        if profile is None or not all_ids <= held or (any_ids and not any_ids & held):
            continue
        hits_all, hits_any = len(all_ids & held), len(any_ids & held)
        out[pid] = Candidate(
            profile,
            hits_all * 2 + hits_any,
            hits_all,
            hits_any,
            sorted(by_profile[pid].values(), key=lambda b: b.issued_at, reverse=True),
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
