"""The search summary and the findable index follow what happens to badges (suspension,
reinstatement, revocation, withdrawal), and search never shows what should not count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count, Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.web.awards import services as award_services
from insignia.web.talent import selectors, services
from insignia.web.talent.models import FOREVER, BadgeSkill, DiscoverableBadge, ProfileSkill
from tests.web.talent.test_talent import _holding, _names


def summary_is_the_index_aggregate() -> None:
    """Every (candidate, skill) of the index has exactly one summary row with its aggregate."""
    expected = {
        (r["profile_id"], r["skill_id"]): (r["latest"], r["n"])
        for r in BadgeSkill.objects.values("profile_id", "skill_id")
        .annotate(latest=Max("issued_at"), n=Count("id"))
        .order_by()
    }
    actual = {
        (r.profile_id, r.skill_id): (r.latest_issued_at, r.badges)
        for r in ProfileSkill.objects.all()
    }
    assert actual == expected
    for row in ProfileSkill.objects.all():
        untils = list(
            BadgeSkill.objects.filter(profile_id=row.profile_id, skill_id=row.skill_id).values_list(
                "valid_until", flat=True
            )
        )
        assert row.valid_until == max(u or FOREVER for u in untils)


def test_suspension_hides_and_reinstatement_restores(make_user, staff, badges) -> None:
    _, items = _holding(make_user, staff, badges, "ada@example.com", ["python", "sql"])
    summary_is_the_index_aggregate()
    python = items[0].credential_id
    award_services.credential_suspend(actor=staff["issuer"], credential_id=python, reason="check")
    assert _names(all_skills=("python",)) == []
    assert _names(all_skills=("sql",)) == ["ada@example.com"]  # the other badge still counts
    assert DiscoverableBadge.objects.filter(credential_id=python).exists()  # choice kept
    summary_is_the_index_aggregate()
    award_services.credential_reinstate(actor=staff["issuer"], credential_id=python)
    assert _names(all_skills=("python",)) == ["ada@example.com"]
    summary_is_the_index_aggregate()


def test_a_badge_chosen_while_suspended_counts_once_reinstated(make_user, staff, badges) -> None:
    user, items = _holding(make_user, staff, badges, "ada@example.com", ["python"], opt_in=False)
    credential_id = items[0].credential_id
    award_services.credential_suspend(
        actor=staff["issuer"], credential_id=credential_id, reason="x"
    )
    services.talent_profile_update(
        user=user,
        is_discoverable=True,
        show_name=True,
        show_contact=False,
        show_location=False,
        wallet_item_ids=[items[0].pk],
    )
    assert _names(all_skills=("python",)) == []
    award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential_id)
    assert _names(all_skills=("python",)) == ["ada@example.com"]


def test_reinstatement_does_not_bring_back_a_withdrawn_learner(make_user, staff, badges) -> None:
    user, items = _holding(make_user, staff, badges, "ada@example.com", ["python"])
    credential_id = items[0].credential_id
    award_services.credential_suspend(
        actor=staff["issuer"], credential_id=credential_id, reason="x"
    )
    services.talent_profile_withdraw(user=user)
    award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential_id)
    assert _names(all_skills=("python",)) == []
    assert not ProfileSkill.objects.exists()


def test_revocation_removes_the_badge_from_search_for_good(make_user, staff, badges) -> None:
    _, items = _holding(make_user, staff, badges, "ada@example.com", ["python", "sql"])
    award_services.credential_revoke(
        actor=staff["issuer"], credential_id=items[0].credential_id, reason="error"
    )
    assert not DiscoverableBadge.objects.filter(credential_id=items[0].credential_id).exists()
    assert _names(any_skills=("python", "data analysis")) == []
    assert _names(all_skills=("teamwork",)) == ["ada@example.com"]
    summary_is_the_index_aggregate()


def test_a_search_row_that_no_longer_holds_is_checked_out(make_user, staff, badges) -> None:
    """ "Earned after" reads the summary's latest badge and its latest expiry, which may be two
    different badges: the exact check of the page drops such a candidate."""
    _holding(make_user, staff, badges, "ada@example.com", ["python"])
    now = datetime.now(UTC)
    # Make the summary say "recent and unexpired" while the only badge is old.
    BadgeSkill.objects.update(issued_at=now - timedelta(days=400))
    ProfileSkill.objects.update(latest_issued_at=now)
    after = now - timedelta(days=30)
    assert _names(all_skills=("python",), earned_after=after) == []
    assert _names(all_skills=("python",)) == ["ada@example.com"]


def test_pages_do_not_overlap_and_say_where_the_next_starts(make_user, staff, badges) -> None:
    for i in range(5):
        _holding(make_user, staff, badges, f"p{i}@example.com", ["python"])
    query = selectors.SearchQuery(all_skills=("python",))
    first = selectors.talent_search(query=query, limit=2)
    assert len(first.candidates) == 2 and first.next_offset == 2
    second = selectors.talent_search(query=query, limit=2, offset=first.next_offset)
    third = selectors.talent_search(query=query, limit=2, offset=second.next_offset or 0)
    seen = [c.profile.pk for r in (first, second, third) for c in r.candidates]
    assert len(seen) == len(set(seen)) == 5
    assert third.next_offset is None


def test_ranking_puts_optional_matches_first_and_latest_badges_next(
    make_user, staff, badges
) -> None:
    _holding(make_user, staff, badges, "old@example.com", ["python"])
    _holding(make_user, staff, badges, "both@example.com", ["python", "sql"])
    _holding(make_user, staff, badges, "new@example.com", ["python"])
    now = datetime.now(UTC).replace(microsecond=0)  # issue times have whole seconds
    for days, email in enumerate(["new@example.com", "both@example.com", "old@example.com"]):
        BadgeSkill.objects.filter(profile__user__email=email).update(
            issued_at=now - timedelta(days=days)
        )
    services.summary_refresh(profile_ids=ProfileSkill.objects.values_list("profile_id", flat=True))
    assert _names(all_skills=("python",), any_skills=("teamwork",)) == ["both@example.com"]
    assert _names(all_skills=("python",), any_skills=("teamwork", "data analysis"))[0] == (
        "both@example.com"
    )
    assert _names(all_skills=("python",)) == [
        "new@example.com",
        "both@example.com",
        "old@example.com",
    ]


# --- a model of who may be found, against the real thing ------------------------------------

LEARNERS = ("ann@example.com", "bob@example.com", "cat@example.com")
BADGE_SKILLS = {
    "python": {"python", "data analysis"},
    "sql": {"sql", "teamwork"},
    "aid": {"first aid"},
}
QUERY_SKILLS = ["python", "data analysis", "sql", "teamwork", "first aid"]

operation = st.one_of(
    st.tuples(
        st.just("choose"),
        st.sampled_from(LEARNERS),
        st.lists(st.sampled_from(sorted(BADGE_SKILLS)), unique=True, min_size=1),
    ),
    st.tuples(st.just("withdraw"), st.sampled_from(LEARNERS), st.just([])),
    st.tuples(st.just("suspend"), st.sampled_from(LEARNERS), st.sampled_from(sorted(BADGE_SKILLS))),
    st.tuples(
        st.just("reinstate"), st.sampled_from(LEARNERS), st.sampled_from(sorted(BADGE_SKILLS))
    ),
)


@pytest.fixture
def world(make_user, staff, badges):
    people = {}
    for email in LEARNERS:
        user, items = _holding(make_user, staff, badges, email, sorted(BADGE_SKILLS), opt_in=False)
        people[email] = (user, dict(zip(sorted(BADGE_SKILLS), items, strict=True)))
    return {"people": people, "issuer": staff["issuer"]}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    operations=st.lists(operation, max_size=6),
    all_skills=st.lists(st.sampled_from(QUERY_SKILLS), max_size=2, unique=True),
    any_skills=st.lists(st.sampled_from(QUERY_SKILLS), max_size=2, unique=True),
)
def test_search_finds_exactly_who_the_model_says(world, operations, all_skills, any_skills):
    """Whatever learners and issuers did, search finds exactly the learners who opted in and
    hold the skills through chosen badges that are not suspended; nobody else, ever."""
    from insignia.web.awards.models import Credential
    from insignia.web.talent.models import TalentProfile

    issuer = world["issuer"]
    for kind, email, arg in operations:
        user, items = world["people"][email]
        if kind == "choose":
            services.talent_profile_update(
                user=user,
                is_discoverable=True,
                show_name=True,
                show_contact=False,
                show_location=False,
                wallet_item_ids=[items[name].pk for name in arg],
            )
        elif kind == "withdraw":
            services.talent_profile_withdraw(user=user)
        else:
            credential = Credential.objects.get(pk=items[arg].credential_id)
            if kind == "suspend" and credential.suspended_at is None:
                award_services.credential_suspend(
                    actor=issuer, credential_id=credential.pk, reason="x"
                )
            elif kind == "reinstate" and credential.suspended_at is not None:
                award_services.credential_reinstate(actor=issuer, credential_id=credential.pk)
    summary_is_the_index_aggregate()

    expected = set()
    for email, (user, items) in world["people"].items():
        profile = TalentProfile.objects.filter(user=user, is_discoverable=True).first()
        if profile is None:
            continue
        chosen = set(
            DiscoverableBadge.objects.filter(profile=profile).values_list(
                "credential_id", flat=True
            )
        )
        held: set[str] = set()
        for name, item in items.items():
            credential = Credential.objects.get(pk=item.credential_id)
            if credential.pk in chosen and credential.suspended_at is None:
                held |= BADGE_SKILLS[name]
        wanted = bool(all_skills or any_skills)
        if wanted and set(all_skills) <= held and (not any_skills or held & set(any_skills)):
            expected.add(email)
    query = selectors.SearchQuery(all_skills=tuple(all_skills), any_skills=tuple(any_skills))
    result = selectors.talent_search(query=query, limit=10)
    assert {c.profile.user.email for c in result.candidates} == expected
    # The two ways of ranking (grouping, merged streams) agree, page by page.
    grouped = [c.profile.pk for c in result.candidates]
    default, selectors.RARE_ENOUGH = selectors.RARE_ENOUGH, -1
    try:
        streamed = [c.profile.pk for c in selectors.talent_search(query=query).candidates]
        paged = [
            c.profile.pk
            for offset in range(len(expected) + 1)
            for c in selectors.talent_search(query=query, limit=1, offset=offset).candidates
        ]
    finally:
        selectors.RARE_ENOUGH = default
    assert streamed == grouped == paged
    for candidate in result.candidates:
        for badge in candidate.badges:
            assert Credential.objects.get(pk=badge.credential_id).suspended_at is None
