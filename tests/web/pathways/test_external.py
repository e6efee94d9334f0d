"""Badges from elsewhere count: imported badges matched by their achievement id, and any badge
matched by a skill it is aligned to.  Imported badges count only when they verified, name the
learner as recipient and have not expired."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from insignia.core.fetch import MappingFetcher
from insignia.web.achievements.selectors import version_url
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.issuers.services import organisation_create
from insignia.web.pathways import selectors, services
from insignia.web.pathways.models import PathwayCompletion
from insignia.web.wallet import engine as wallet_engine
from insignia.web.wallet.services import imported_credential_create
from tests.web.conftest import generated, version_data


def offline() -> wallet_engine.ImportFetcher:
    return wallet_engine.ImportFetcher(outside=MappingFetcher({}))


@pytest.fixture
def elsewhere(make_user):
    """Another issuer (its own owner and badge), standing in for a badge earned elsewhere."""
    from insignia.web.achievements import services as achievement_services

    boss = make_user("boss@harbour.example", "Harbour Boss")
    other = organisation_create(
        actor=boss, name="Harbour College", url="https://harbour.example", email="b@harbour.example"
    )
    badge = achievement_services.achievement_create(
        actor=boss,
        organisation_id=other.pk,
        data=version_data("SQL Basics"),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=boss, achievement_id=badge.pk)
    badge.refresh_from_db()
    return boss, badge


def outside_credential(elsewhere, email: str) -> Credential:
    boss, badge = elsewhere
    return award_services.credential_issue(
        actor=boss, achievement_id=badge.pk, recipient_email=email
    )


def add_leaf(pathway, staff, **kw) -> None:
    services.requirement_add(
        actor=staff["issuer"],
        pathway_id=pathway.pk,
        parent_id=pathway.requirements.get(parent=None).pk,
        **kw,
    )


def test_an_imported_badge_meets_an_external_requirement_and_is_cited(
    badges, learner, make_pathway, staff, elsewhere, award, django_capture_on_commit_callbacks
) -> None:
    pathway = make_pathway(badges["a"], activate=False)
    achievement_id = version_url(elsewhere[1].current_version)
    add_leaf(pathway, staff, kind="external", value=achievement_id, label="SQL Basics (Harbour)")
    services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    award(badges["a"], learner)
    outside = outside_credential(elsewhere, learner.email)
    with django_capture_on_commit_callbacks(execute=True):
        imported = imported_credential_create(
            user=learner, data=outside.document.encode(), fetcher=offline()
        )
    assert imported.issued_to_user
    goal = Credential.objects.get(achievement=badges["goal"], recipient_user=learner)
    evidence = json.loads(goal.document)["evidence"]
    cited = next(e for e in evidence if e["id"] == outside.credential_id)
    assert cited["name"] == "SQL Basics" and "another issuer" in cited["narrative"]
    completion = PathwayCompletion.objects.get(pathway=pathway)
    assert {"kind": "imported", "id": str(imported.pk)}.items() <= next(
        e for e in completion.satisfied_by if e["kind"] == "imported"
    ).items()


def test_imported_badges_of_someone_else_or_expired_do_not_count(
    learner, elsewhere, make_user
) -> None:
    outside = outside_credential(elsewhere, "someone.else@example.com")
    imported = imported_credential_create(
        user=learner, data=outside.document.encode(), fetcher=offline()
    )
    assert not imported.issued_to_user
    assert not selectors.imported_valid(imported, now=timezone.now())
    imported.issued_to_user = True
    assert selectors.imported_valid(imported, now=timezone.now())
    imported.expires = (timezone.now() + timedelta(days=1)).isoformat()
    assert not selectors.imported_valid(imported, now=timezone.now() + timedelta(days=2))
    imported.report = {"checks": [{"code": "proof.signature", "outcome": "fail"}]}
    assert not selectors.imported_valid(imported, now=timezone.now())


def test_removing_the_imported_badge_applies_the_policy(
    badges, learner, make_pathway, staff, elsewhere, django_capture_on_commit_callbacks
) -> None:
    from insignia.web.wallet.services import imported_credential_delete

    pathway = make_pathway(activate=False, on_dependency_lost="suspend")
    add_leaf(pathway, staff, kind="external", value=version_url(elsewhere[1].current_version))
    services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    outside = outside_credential(elsewhere, learner.email)
    with django_capture_on_commit_callbacks(execute=True):
        imported = imported_credential_create(
            user=learner, data=outside.document.encode(), fetcher=offline()
        )
    goal = Credential.objects.get(achievement=badges["goal"], recipient_user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        imported_credential_delete(user=learner, imported_id=imported.pk)
    goal.refresh_from_db()
    assert goal.suspended_at is not None


def test_a_skill_requirement_is_met_by_any_aligned_badge(
    badges, learner, make_pathway, make_badge, staff, award, elsewhere
) -> None:
    pathway = make_pathway(activate=False)
    add_leaf(pathway, staff, kind="skill", value="USE python!")
    services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    award(badges["a"], learner)  # no alignments
    assert not Credential.objects.filter(achievement=badges["goal"]).exists()
    aligned = make_badge("Python Basics")  # aligned to "Use Python" (ESCO S1.2.3)
    award(aligned, learner)
    assert Credential.objects.filter(achievement=badges["goal"], recipient_user=learner).exists()


def test_a_skill_requirement_matches_through_the_framework_code(learner, make_badge, award) -> None:
    from insignia.web.pathways.tree import SKILL, Leaf, leaf_matches

    credential = award(make_badge("Python Basics"), learner)  # ESCO S1.2.3, "Use Python"
    (holding,) = selectors.learner_holdings(user=learner, now=timezone.now())
    assert holding.id == str(credential.pk) and holding.valid
    assert {"use python", "esco:s1.2.3"} <= holding.skills
    assert leaf_matches(Leaf(SKILL, "esco:s1.2.3"), holding)
    assert not leaf_matches(Leaf(SKILL, "use java"), holding)
