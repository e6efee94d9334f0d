"""Awarding the goal badge: automatically with evidence, once, or through a review; and what
happens when a badge the award relied on is revoked, suspended or expires."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import AuditEvent
from insignia.web.pathways import selectors, services
from insignia.web.pathways.models import PathwayCompletion, PathwayProgress


def goal_credentials(badges, learner):
    return Credential.objects.filter(achievement=badges["goal"], recipient_user=learner)


def test_meeting_every_requirement_awards_the_goal_with_evidence(
    badges, learner, award, make_pathway
) -> None:
    pathway = make_pathway(badges["a"], badges["b"])
    first = award(badges["a"], learner)
    assert not goal_credentials(badges, learner).exists()
    progress = PathwayProgress.objects.get(pathway=pathway, learner=learner)
    assert (progress.met, progress.total, progress.satisfied) == (1, 2, False)
    second = award(badges["b"], learner)
    goal = goal_credentials(badges, learner).get()
    assert goal.wallet_item.user == learner
    evidence = json.loads(goal.document)["evidence"]
    assert {e["id"] for e in evidence} == {first.credential_id, second.credential_id}
    assert {e["name"] for e in evidence} == {"Data Cleaning", "Data Visualisation"}
    assert all("Become a data analyst" in e["narrative"] for e in evidence)
    completion = PathwayCompletion.objects.get(pathway=pathway, learner=learner)
    assert completion.state == "awarded" and completion.credential == goal
    assert goal.issued_by == pathway.created_by


def test_the_goal_is_awarded_once_however_often_it_is_evaluated(
    badges, learner, award, make_pathway
) -> None:
    pathway = make_pathway(badges["a"])
    award(badges["a"], learner)
    for _ in range(3):
        services.pathway_evaluate(pathway=pathway, user=learner)
    services.learner_evaluate(user=learner)
    assert goal_credentials(badges, learner).count() == 1
    assert PathwayCompletion.objects.filter(pathway=pathway).count() == 1


def test_at_least_n_of_awards_at_the_threshold(badges, learner, award, make_pathway) -> None:
    make_pathway(badges["a"], badges["b"], badges["c"], threshold=2)
    award(badges["c"], learner)
    assert not goal_credentials(badges, learner).exists()
    award(badges["a"], learner)
    goal = goal_credentials(badges, learner).get()
    names = {e["name"] for e in json.loads(goal.document)["evidence"]}
    assert names == {"Statistics", "Data Cleaning"}


def test_inactive_pathways_award_nothing_and_activation_catches_up(
    badges, learner, award, make_pathway, staff, django_capture_on_commit_callbacks
) -> None:
    pathway = make_pathway(badges["a"], activate=False)
    award(badges["a"], learner)
    assert not goal_credentials(badges, learner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    assert goal_credentials(badges, learner).count() == 1


def test_review_mode_queues_then_an_issuer_approves(
    badges, learner, award, make_pathway, staff
) -> None:
    pathway = make_pathway(badges["a"], award_mode="review")
    award(badges["a"], learner)
    completion = PathwayCompletion.objects.get(pathway=pathway, learner=learner)
    assert completion.state == "pending" and not goal_credentials(badges, learner).exists()
    with pytest.raises(NotFound):
        services.completion_approve(actor=staff["designer"], completion_id=completion.pk)
    services.completion_approve(actor=staff["issuer"], completion_id=completion.pk)
    completion.refresh_from_db()
    assert completion.state == "awarded" and completion.decided_by == staff["issuer"]
    assert goal_credentials(badges, learner).get().issued_by == staff["issuer"]
    with pytest.raises(ApplicationError, match="already been decided"):
        services.completion_approve(actor=staff["issuer"], completion_id=completion.pk)


def test_review_approval_refused_when_the_requirements_are_no_longer_met(
    badges, learner, award, make_pathway, staff, django_capture_on_commit_callbacks
) -> None:
    pathway = make_pathway(badges["a"], award_mode="review")
    credential = award(badges["a"], learner)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_revoke(
            actor=staff["issuer"], credential_id=credential.pk, reason="Cheating"
        )
    completion = PathwayCompletion.objects.get(pathway=pathway, learner=learner)
    with pytest.raises(ApplicationError, match=r"no longer meets.*Data Cleaning"):
        services.completion_approve(actor=staff["issuer"], completion_id=completion.pk)
    services.completion_reject(actor=staff["issuer"], completion_id=completion.pk)
    completion.refresh_from_db()
    assert completion.state == "rejected"


def test_revocation_with_keep_policy_records_it_and_the_goal_stays(
    badges, learner, award, make_pathway, staff, django_capture_on_commit_callbacks
) -> None:
    pathway = make_pathway(badges["a"], on_dependency_lost="keep")
    credential = award(badges["a"], learner)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_revoke(
            actor=staff["issuer"], credential_id=credential.pk, reason="Error"
        )
    completion = PathwayCompletion.objects.get(pathway=pathway, learner=learner)
    assert completion.dependency_lost_at is not None and not completion.goal_suspended
    assert "Data Cleaning" in completion.dependency_lost_detail
    goal = goal_credentials(badges, learner).get()
    assert goal.suspended_at is None
    assert AuditEvent.objects.filter(action="pathway.dependency_lost").count() == 1


def test_suspend_policy_suspends_the_goal_and_reinstates_it_when_restored(
    badges, learner, award, make_pathway, staff, django_capture_on_commit_callbacks
) -> None:
    pathway = make_pathway(badges["a"], on_dependency_lost="suspend")
    credential = award(badges["a"], learner)
    goal = goal_credentials(badges, learner).get()
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_suspend(
            actor=staff["issuer"], credential_id=credential.pk, reason="Under investigation"
        )
    goal.refresh_from_db()
    assert goal.suspended_at is not None and "Become a data analyst" in goal.suspension_reason
    completion = PathwayCompletion.objects.get(pathway=pathway)
    assert completion.goal_suspended
    audit = AuditEvent.objects.get(action="credential.suspended", object_id=str(goal.pk))
    assert audit.actor is None and audit.detail["pathway"] == str(pathway.pk)
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    goal.refresh_from_db()
    completion.refresh_from_db()
    assert goal.suspended_at is None and goal.suspension_reason == ""
    assert completion.dependency_lost_at is None and not completion.goal_suspended
    assert goal_credentials(badges, learner).count() == 1


def test_a_goal_an_issuer_suspended_by_hand_is_not_reinstated_by_the_pathway(
    badges, learner, award, make_pathway, staff, django_capture_on_commit_callbacks
) -> None:
    make_pathway(badges["a"], on_dependency_lost="keep")
    credential = award(badges["a"], learner)
    goal = goal_credentials(badges, learner).get()
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_suspend(
            actor=staff["issuer"], credential_id=goal.pk, reason="Manual"
        )
        award_services.credential_suspend(
            actor=staff["issuer"], credential_id=credential.pk, reason="x"
        )
        award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    goal.refresh_from_db()
    assert goal.suspension_reason == "Manual"


def test_expiry_is_noticed_by_the_sweep_which_is_idempotent(
    badges, learner, award, make_pathway, make_badge
) -> None:
    expiring = make_badge("First Aid", alignments=(), expiry_months=12)
    pathway = make_pathway(expiring, on_dependency_lost="suspend")
    award(expiring, learner)
    goal = goal_credentials(badges, learner).get()
    later = timezone.now() + timedelta(days=400)
    call_command("pathways_sweep", now=later.isoformat())
    call_command("pathways_sweep", now=later.isoformat())
    goal.refresh_from_db()
    completion = PathwayCompletion.objects.get(pathway=pathway)
    assert goal.suspended_at is not None and completion.goal_suspended
    assert AuditEvent.objects.filter(action="pathway.dependency_lost").count() == 1
    assert AuditEvent.objects.filter(action="credential.suspended").count() == 1


def test_a_learner_without_the_badges_gets_nothing(badges, learner, make_user, award, make_pathway):
    make_pathway(badges["a"], badges["b"])
    other = make_user("someone@example.com")
    award(badges["a"], learner)
    award(badges["b"], other)
    assert not Credential.objects.filter(achievement=badges["goal"]).exists()
    progress = selectors.learner_progress(user=learner)
    assert [(p.outcome.have, p.outcome.need) for p in progress] == [(1, 2)]
    assert [leaf.label for leaf in progress[0].outcome.missing] == [
        "Data Visualisation (Northbridge University)"
    ]


def test_without_an_issuer_to_sign_completions_wait_for_review(
    badges, learner, make_pathway, staff, org, django_capture_on_commit_callbacks
) -> None:
    from insignia.web.issuers.models import Membership

    pathway = make_pathway(badges["a"])
    Membership.objects.filter(organisation=org, user=staff["issuer"]).delete()
    credential = award_services.credential_issue(
        actor=staff["owner"], achievement_id=badges["a"].pk, recipient_email=learner.email
    )
    with django_capture_on_commit_callbacks(execute=True):
        award_services.credential_accept(user=learner, credential_id=credential.pk)
    completion = PathwayCompletion.objects.get(pathway=pathway)
    assert completion.state == "pending" and not goal_credentials(badges, learner).exists()


def test_pathways_chain_the_goal_of_one_counts_in_the_next(
    badges, learner, award, make_pathway, make_badge
) -> None:
    expert = make_badge("Data Expert", alignments=())
    make_pathway(badges["a"])  # a → goal
    make_pathway(badges["goal"], badges["b"], goal=expert, name="Expert")  # goal + b → expert
    award(badges["b"], learner)
    award(badges["a"], learner)  # awards the goal, whose arrival awards the expert badge
    assert Credential.objects.filter(achievement=expert, recipient_user=learner).count() == 1


def test_a_renewed_badge_restores_a_suspended_goal_in_the_sweep(
    badges, learner, award, make_pathway, make_badge
) -> None:
    expiring = make_badge("First Aid", alignments=(), expiry_months=12)
    make_pathway(expiring, on_dependency_lost="suspend")
    award(expiring, learner)
    goal = goal_credentials(badges, learner).get()
    later = timezone.now() + timedelta(days=400)
    services.pathways_sweep(now=later)
    goal.refresh_from_db()
    assert goal.suspended_at is not None
    award(expiring, learner, now=later)  # renewed
    services.pathways_sweep(now=later)
    goal.refresh_from_db()
    assert goal.suspended_at is None
    assert PathwayCompletion.objects.get().dependency_lost_at is None
