"""Talent search: consent per badge, combinations of skills through synonyms, revoked and
expired badges never counting, withdrawal taking effect at once, recruiters only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.web.achievements import services as achievement_services
from insignia.web.awards import services as award_services
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import membership_grant
from insignia.web.talent import selectors, services
from insignia.web.talent.models import BadgeSkill
from insignia.web.wallet.models import WalletItem
from tests.web.conftest import generated, version_data


@pytest.fixture
def recruiter(org, owner, make_user):
    person = make_user("rita.recruiter@northbridge.example", "Rita Recruiter")
    membership_grant(
        actor=owner, organisation_id=org.pk, email=person.email, roles=[Role.RECRUITER]
    )
    return person


def _badge(org, staff, name, alignments, *, expiry_months=None):
    achievement = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data(
            name,
            expiry_months=expiry_months,
            alignments=tuple(
                achievement_services.AlignmentData(
                    target_name=n, target_url=f"https://skills.example/{i}", target_framework=f
                )
                for i, (n, f) in enumerate(alignments)
            ),
        ),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=achievement.pk)
    return achievement


@pytest.fixture
def badges(org, staff):
    return {
        "python": _badge(org, staff, "Python", [("Use Python", "ESCO"), ("Data analysis", "")]),
        "sql": _badge(org, staff, "Databases", [("Query databases", ""), ("Teamwork", "")]),
        "aid": _badge(org, staff, "First Aid", [("Provide first aid", "")], expiry_months=12),
    }


def _holding(make_user, staff, badges, email, names, *, opt_in=True, **profile):
    user = make_user(email, email.split("@")[0].title())
    items = []
    for name in names:
        credential = award_services.credential_issue(
            actor=staff["issuer"], achievement_id=badges[name].pk, recipient_email=email
        )
        items.append(
            WalletItem.objects.create(
                user=user, credential=credential, added_at=credential.issued_at
            )
        )
    if opt_in:
        services.talent_profile_update(
            user=user,
            is_discoverable=True,
            show_name=profile.get("show_name", True),
            show_contact=False,
            show_location=True,
            location="Leeds",
            wallet_item_ids=[i.pk for i in items],
        )
    return user, items


def _names(**query):
    result = selectors.talent_search(query=selectors.SearchQuery(**query))
    return [c.profile.user.email for c in result.candidates]


def test_all_of_any_of_and_synonyms_across_wordings(make_user, staff, badges) -> None:
    _holding(make_user, staff, badges, "ada@example.com", ["python", "sql"])
    _holding(make_user, staff, badges, "ben@example.com", ["python"])
    _holding(make_user, staff, badges, "cy@example.com", ["sql"])
    # "python programming" and "Use Python" are one skill through the seeded synonyms.
    assert set(_names(all_skills=("Python programming",))) == {"ada@example.com", "ben@example.com"}
    assert _names(all_skills=("python", "SQL")) == ["ada@example.com"]  # "query databases"
    assert _names(all_skills=("python",), any_skills=("teamwork", "first aid"))[0] == (
        "ada@example.com"
    )  # ranked: ada matches the optional skill too
    assert _names(all_skills=("python", "astrophysics")) == []


def test_filters_by_issuer_and_date(make_user, staff, badges, org) -> None:
    _holding(make_user, staff, badges, "ada@example.com", ["python"])
    import uuid

    assert _names(all_skills=("python",), issuers=(org.pk,)) == ["ada@example.com"]
    assert _names(all_skills=("python",), issuers=(uuid.uuid4(),)) == []
    future = datetime.now(UTC) + timedelta(days=1)
    assert _names(all_skills=("python",), earned_after=future) == []


def test_revoked_and_expired_badges_never_count(make_user, staff, badges) -> None:
    _, items = _holding(make_user, staff, badges, "ada@example.com", ["python", "aid"])
    assert _names(all_skills=("first aid",)) == ["ada@example.com"]
    later = datetime.now(UTC) + timedelta(days=800)
    assert (
        selectors.talent_search(
            query=selectors.SearchQuery(all_skills=("first aid",)), now=later
        ).candidates
        == []
    )
    award_services.credential_revoke(
        actor=staff["issuer"], credential_id=items[0].credential_id, reason="error"
    )
    assert _names(all_skills=("python",)) == []


def test_revocation_is_read_from_the_status_bits(make_user, staff, badges) -> None:
    """Even if the row says nothing, a set bit on the status list removes the badge."""
    from insignia.web.awards import engine as awards_engine
    from insignia.web.awards.models import StatusList

    _, items = _holding(make_user, staff, badges, "ada@example.com", ["python"])
    credential = items[0].credential
    status_list = StatusList.objects.get(pk=credential.status_list_id)
    status_list.bits = awards_engine.set_status_bit(
        bytes(status_list.bits), credential.status_index
    )
    status_list.save()
    assert _names(all_skills=("python",)) == []


def test_withdrawal_is_immediate(make_user, staff, badges) -> None:
    user, _ = _holding(make_user, staff, badges, "ada@example.com", ["python"])
    assert _names(all_skills=("python",)) == ["ada@example.com"]
    services.talent_profile_withdraw(user=user)
    assert _names(all_skills=("python",)) == []
    assert not BadgeSkill.objects.exists()


def test_only_chosen_badges_count(make_user, staff, badges) -> None:
    user, items = _holding(
        make_user, staff, badges, "ada@example.com", ["python", "sql"], opt_in=False
    )
    services.talent_profile_update(
        user=user,
        is_discoverable=True,
        show_name=True,
        show_contact=False,
        show_location=False,
        wallet_item_ids=[items[0].pk],
    )
    assert _names(all_skills=("python",)) == ["ada@example.com"]
    assert _names(all_skills=("sql",)) == []


def test_others_badges_cannot_be_chosen(make_user, staff, badges) -> None:
    _, items = _holding(make_user, staff, badges, "ada@example.com", ["python"], opt_in=False)
    mallory = make_user("mallory@example.com")
    with pytest.raises(ApplicationError):
        services.talent_profile_update(
            user=mallory,
            is_discoverable=True,
            show_name=True,
            show_contact=False,
            show_location=False,
            wallet_item_ids=[items[0].pk],
        )


SKILLS = ["python", "python programming", "sql", "teamwork", "data analysis", "first aid", "x"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    all_skills=st.lists(st.sampled_from(SKILLS), max_size=3),
    any_skills=st.lists(st.sampled_from(SKILLS), max_size=3),
    days_back=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_a_learner_who_did_not_opt_in_is_never_found(
    hidden_world, all_skills, any_skills, days_back
) -> None:
    after = datetime.now(UTC) - timedelta(days=days_back) if days_back is not None else None
    result = selectors.talent_search(
        query=selectors.SearchQuery(
            all_skills=tuple(all_skills), any_skills=tuple(any_skills), earned_after=after
        )
    )
    found = {c.profile.user.email for c in result.candidates}
    assert not found & {"hidden@example.com", "gone@example.com"}


@pytest.fixture
def hidden_world(make_user, staff, badges):
    _holding(make_user, staff, badges, "shown@example.com", ["python", "sql", "aid"])
    _holding(make_user, staff, badges, "hidden@example.com", ["python", "sql", "aid"], opt_in=False)
    gone, _ = _holding(make_user, staff, badges, "gone@example.com", ["python", "sql", "aid"])
    services.talent_profile_withdraw(user=gone)


def test_recruiters_only(client_for, recruiter, staff, org, make_user, badges) -> None:
    user, _ = _holding(make_user, staff, badges, "ada@example.com", ["python"])
    profile = user.talent_profile
    url = reverse("talent:search", args=[org.pk]) + "?all_skills=python"
    page = client_for(recruiter).get(url)
    assert page.status_code == 200 and "Ada" in page.content.decode()
    assert "ada@example.com" not in page.content.decode()
    for outsider in (staff["issuer"], staff["outsider"]):
        assert client_for(outsider).get(url).status_code == 404
        detail = reverse("talent:candidate", args=[org.pk, profile.pk])
        assert client_for(outsider).get(detail).status_code == 404


def test_candidate_page_verifies_live_and_relays_a_message(
    client_for, recruiter, org, make_user, staff, badges, django_capture_on_commit_callbacks
) -> None:
    user, _ = _holding(make_user, staff, badges, "ada@example.com", ["python"])
    detail = reverse("talent:candidate", args=[org.pk, user.talent_profile.pk])
    client = client_for(recruiter)
    page = client.get(detail).content.decode()
    assert "Verified" in page and "ada@example.com" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, {"subject": "A role", "message": "Would you talk?"})
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["ada@example.com"] and sent.reply_to == [recruiter.email]
    assert "Would you talk?" in sent.body
    again = client.post(detail, {"subject": "Again", "message": "Hello?"})
    assert "less than a week ago" in again.content.decode()
    services.talent_profile_withdraw(user=user)
    assert client.get(detail).status_code == 404


def test_contact_address_shown_only_when_allowed(
    client_for, recruiter, org, make_user, staff, badges
) -> None:
    user, items = _holding(make_user, staff, badges, "ada@example.com", ["python"], show_name=False)
    detail = reverse("talent:candidate", args=[org.pk, user.talent_profile.pk])
    page = client_for(recruiter).get(detail).content.decode()
    assert "Ada" not in page and "Candidate " in page
    services.talent_profile_update(
        user=user,
        is_discoverable=True,
        show_name=True,
        show_contact=True,
        show_location=False,
        wallet_item_ids=[items[0].pk],
    )
    assert "ada@example.com" in client_for(recruiter).get(detail).content.decode()


def test_learner_settings_page(client_for, make_user, staff, badges) -> None:
    user, items = _holding(make_user, staff, badges, "ada@example.com", ["python"], opt_in=False)
    client = client_for(user)
    url = reverse("talent:settings")
    assert "Employers cannot find you" in client.get(url).content.decode()
    response = client.post(
        url, {"is_discoverable": "on", "badges": [str(items[0].pk)], "show_name": "on"}
    )
    assert response.status_code == 302
    assert _names(all_skills=("python",)) == ["ada@example.com"]
    client.post(reverse("talent:withdraw"))
    assert _names(all_skills=("python",)) == []


def test_candidates_are_not_reachable_by_unknown_ids(recruiter, org) -> None:
    import uuid

    with pytest.raises(NotFound):
        selectors.access_candidate(user=recruiter, organisation_id=org.pk, profile_id=uuid.uuid4())


def test_links_from_the_wallet_and_the_organisation(client_for, recruiter, org, make_user) -> None:
    learner = make_user("lee@example.com")
    assert (
        reverse("talent:settings")
        in client_for(learner).get(reverse("wallet:list")).content.decode()
    )
    dashboard = client_for(recruiter).get(reverse("issuers:dashboard", args=[org.pk]))
    assert reverse("talent:search", args=[org.pk]) in dashboard.content.decode()


def test_search_is_rate_limited(client_for, recruiter, org, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.INSIGNIA_DISABLE_RATE_LIMITS = False
    settings.INSIGNIA_RATE_LIMITS = {"search": "2/m"}
    client = client_for(recruiter)
    url = reverse("talent:search", args=[org.pk]) + "?all_skills=python"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and "Retry-After" in refused
    cache.clear()
