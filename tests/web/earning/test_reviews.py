"""Reviewing: scores and decisions, approval issuing the credential (with its result and
evidence), returns with history, rejections, second reviews and disagreements."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from insignia.web.awards.models import Credential
from insignia.web.awards.selectors import credential_award_details
from insignia.web.awards.verification import credential_verify
from insignia.web.common.errors import ApplicationError
from insignia.web.earning import selectors, services
from insignia.web.earning.models import (
    AccessPolicy,
    Application,
    ApplicationEvent,
    EvidenceItem,
    Review,
)
from insignia.web.wallet.models import WalletItem
from tests.web.earning.conftest import decide, fill, start, submit


def test_approval_issues_a_verified_credential_with_result_and_evidence(
    submitted, staff, learner, django_capture_on_commit_callbacks
) -> None:
    start(submitted, staff["assessor"])
    with django_capture_on_commit_callbacks(execute=True):
        review = decide(submitted, staff["assessor"], "approve", (3, 2, 2))
    submitted.refresh_from_db()
    assert submitted.state == Application.State.APPROVED
    assert review.total_points == 7 and review.meets_rubric
    credential = submitted.credential
    assert credential is not None and credential.recipient_user == learner
    assert WalletItem.objects.get(credential=credential).user == learner
    assert credential_verify(credential=credential).valid

    doc = json.loads(credential.document)
    achievement = doc["credentialSubject"]["achievement"]
    base = achievement["id"]
    [total, *criteria] = achievement["resultDescription"]
    assert total == {
        "type": ["ResultDescription"],
        "id": f"{base}#rubric",
        "name": "Practical assessment",
        "resultType": "RubricScore",
        "requiredValue": "6",
        "valueMax": "9",
        "valueMin": "0",
    }
    assert [c["name"] for c in criteria] == ["Data cleaning", "Analysis", "Communication"]
    cleaning = criteria[0]
    assert cleaning["resultType"] == "RubricCriterionLevel"
    assert [lv["name"] for lv in cleaning["rubricCriterionLevel"]] == [
        "Not yet",
        "Developing",
        "Proficient",
        "Exemplary",
    ]
    assert cleaning["requiredLevel"] == cleaning["rubricCriterionLevel"][1]["id"]
    results = doc["credentialSubject"]["result"]
    assert results[0] == {"type": ["Result"], "resultDescription": f"{base}#rubric", "value": "7"}
    assert results[1]["achievedLevel"] == cleaning["rubricCriterionLevel"][3]["id"]

    evidence = doc["evidence"]
    assert [e["name"] for e in evidence] == [
        "Reflect on what you learned",
        "Link to your notebook",
        "Your analysis report",
        "This is my own work",
    ]
    items = EvidenceItem.objects.filter(application=submitted, revision=1)
    assert {e["id"] for e in evidence} == {
        f"http://testserver/evidence/{i.pk}/" for i in items if i.requirement.required
    }
    text = json.dumps(doc)
    # The learner's content never goes into the signed credential: only opaque links.
    assert "transport data" not in text and "notebooks.example" not in text
    assert [e["genre"] for e in evidence] == ["Written answer", "Link", "File", "Attestation"]

    details = credential_award_details(credential)
    assert "Practical assessment: 7 of 9" in details.results
    assert "Data cleaning: Exemplary" in details.results

    assert mail.outbox[-1].to == [learner.email]
    assert "You earned" in mail.outbox[-1].subject
    kinds = list(submitted.events.values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "review_started", "approved"]


def test_approval_below_the_pass_mark_or_a_must_pass_level_is_refused(submitted, staff) -> None:
    start(submitted, staff["assessor"])
    with pytest.raises(ApplicationError, match="do not reach the pass mark"):
        decide(submitted, staff["assessor"], "approve", (2, 2, 1))
    with pytest.raises(ApplicationError, match="must-pass criteria are below"):
        decide(submitted, staff["assessor"], "approve", (0, 3, 3))
    submitted.refresh_from_db()
    assert submitted.state == Application.State.IN_REVIEW
    assert not Review.objects.exists() and not Credential.objects.exists()


def test_approval_needs_every_criterion_scored(submitted, staff) -> None:
    start(submitted, staff["assessor"])
    submitted.refresh_from_db()
    with pytest.raises(ApplicationError, match="Score every criterion"):
        services.review_decide(
            actor=staff["assessor"],
            application_id=submitted.pk,
            expected_revision=1,
            expected_row_version=submitted.row_version,
            data=services.DecisionData("approve", "", ()),
        )


def test_return_and_reject_need_feedback(submitted, staff) -> None:
    start(submitted, staff["assessor"])
    for decision in ("return", "reject"):
        with pytest.raises(ApplicationError, match="Tell the learner"):
            decide(submitted, staff["assessor"], decision, feedback="  ")


def test_return_keeps_history_and_the_learner_resubmits(
    submitted, staff, learner, second_assessor, django_capture_on_commit_callbacks
) -> None:
    start(submitted, staff["assessor"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted, staff["assessor"], "return", (1, 1, 1), "Add the cleaning steps.")
    submitted.refresh_from_db()
    assert submitted.state == Application.State.RETURNED and submitted.revision == 2
    assert "needs changes" in mail.outbox[-1].subject
    assert "Add the cleaning steps." in mail.outbox[-1].body
    first = EvidenceItem.objects.filter(application=submitted, revision=1)
    second = EvidenceItem.objects.filter(application=submitted, revision=2)
    assert first.count() == second.count() == 4
    # Files are shared between revisions, never copied or rewritten.
    assert {i.file_path for i in first if i.file_path} == {
        i.file_path for i in second if i.file_path
    }

    fill(submitted, learner, **{"Anything else": services.AnswerData(text="Added steps.")})
    submit(submitted, learner)
    submitted.refresh_from_db()
    assert submitted.state == Application.State.SUBMITTED
    assert EvidenceItem.objects.get(application=submitted, revision=2, text="Added steps.")
    assert not EvidenceItem.objects.filter(application=submitted, revision=1, text="Added steps.")

    start(submitted, second_assessor)
    decide(submitted, second_assessor, "approve", (2, 2, 2))
    submitted.refresh_from_db()
    assert submitted.state == Application.State.APPROVED
    history = selectors.application_history(application=submitted)
    assert [h.number for h in history] == [2, 1]
    assert [r.decision for r in history[1].reviews] == ["return"]
    assert [r.decision for r in history[0].reviews] == ["approve"]
    doc = json.loads(submitted.credential.document)
    # The credential links to the approved revision's evidence.
    ids = {e["id"].rsplit("/", 2)[-2] for e in doc["evidence"]}
    assert ids == {
        str(i.pk) for i in EvidenceItem.objects.filter(application=submitted, revision=2)
    }
    kinds = list(submitted.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "submitted",
        "review_started",
        "returned",
        "resubmitted",
        "review_started",
        "approved",
    ]


def test_rejection_closes_the_application_and_allows_a_new_one(
    submitted, staff, learner, assessed
) -> None:
    start(submitted, staff["assessor"])
    decide(submitted, staff["assessor"], "reject", (0, 0, 0), "Not your own work.")
    submitted.refresh_from_db()
    assert submitted.state == Application.State.REJECTED and submitted.decided_at
    assert not Credential.objects.exists()
    again = services.application_start(learner=learner, achievement_id=assessed.pk)
    assert again.pk != submitted.pk and again.state == Application.State.DRAFT


def test_an_assessor_must_start_the_review_first(submitted, staff) -> None:
    with pytest.raises(ApplicationError, match="Start the review"):
        decide(submitted, staff["assessor"], "approve")


def test_someone_else_reviewing_blocks_until_taken_over(submitted, staff, second_assessor) -> None:
    start(submitted, staff["assessor"])
    with pytest.raises(ApplicationError, match="is reviewing this application"):
        start(submitted, second_assessor)
    with pytest.raises(ApplicationError, match="Start the review"):
        decide(submitted, second_assessor, "approve")
    start(submitted, second_assessor, take_over=True)
    submitted.refresh_from_db()
    assert submitted.reviewer == second_assessor
    assert submitted.events.filter(kind=ApplicationEvent.Kind.REVIEW_TAKEN_OVER).exists()
    with pytest.raises(ApplicationError, match="Start the review"):
        decide(submitted, staff["assessor"], "approve")


def test_release_puts_it_back_in_the_queue(submitted, staff) -> None:
    start(submitted, staff["assessor"])
    submitted.refresh_from_db()
    services.review_release(
        actor=staff["assessor"],
        application_id=submitted.pk,
        expected_row_version=submitted.row_version,
    )
    submitted.refresh_from_db()
    assert submitted.state == Application.State.SUBMITTED and submitted.reviewer is None


@pytest.fixture
def two_reviews(assessed, staff):
    services.access_policy_set(
        actor=staff["owner"],
        achievement_id=assessed.pk,
        mode=AccessPolicy.Mode.OPEN,
        reviews_required=2,
    )
    return assessed


@pytest.fixture
def double_marked(two_reviews, learner):
    application = services.application_start(learner=learner, achievement_id=two_reviews.pk)
    fill(application, learner)
    return submit(application, learner)


def test_two_agreeing_reviews_approve(
    double_marked, staff, second_assessor, django_capture_on_commit_callbacks
) -> None:
    assert double_marked.reviews_required == 2
    start(double_marked, staff["assessor"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(double_marked, staff["assessor"], "approve", (2, 2, 2))
    double_marked.refresh_from_db()
    assert double_marked.state == Application.State.IN_REVIEW
    assert double_marked.review_stage == "second" and double_marked.reviewer is None
    assert not Credential.objects.exists()
    assert mail.outbox[-1].to == [second_assessor.email]  # not the first assessor
    assert "second review" in mail.outbox[-1].subject
    with pytest.raises(ApplicationError, match="the second must come from another assessor"):
        start(double_marked, staff["assessor"])
    start(double_marked, second_assessor)
    decide(double_marked, second_assessor, "approve", (3, 3, 3))
    double_marked.refresh_from_db()
    assert double_marked.state == Application.State.APPROVED
    # The credential carries the second (deciding) review's scores.
    doc = json.loads(double_marked.credential.document)
    assert doc["credentialSubject"]["result"][0]["value"] == "9"


def test_disagreement_is_flagged_to_the_owner_who_decides(
    double_marked, staff, second_assessor, django_capture_on_commit_callbacks
) -> None:
    start(double_marked, staff["assessor"])
    decide(double_marked, staff["assessor"], "approve", (2, 2, 2))
    start(double_marked, second_assessor)
    with django_capture_on_commit_callbacks(execute=True):
        decide(double_marked, second_assessor, "reject", (1, 0, 0), "Too thin.")
    double_marked.refresh_from_db()
    assert double_marked.disagreement and double_marked.review_stage == "deciding"
    assert double_marked.state == Application.State.IN_REVIEW
    assert mail.outbox[-1].to == [staff["owner"].email]
    assert "disagree" in mail.outbox[-1].subject
    assert list(
        selectors.organisation_disagreements(organisation=double_marked.achievement.organisation)
    ) == [double_marked]
    with pytest.raises(ApplicationError, match="an owner makes the decision"):
        start(double_marked, staff["assessor"])
    start(double_marked, staff["owner"])
    decide(double_marked, staff["owner"], "return", (1, 1, 1), "Add more analysis.")
    double_marked.refresh_from_db()
    assert double_marked.state == Application.State.RETURNED and not double_marked.disagreement
    assert [r.stage for r in double_marked.reviews.all()] == ["first", "second", "deciding"]


def test_approving_an_archived_badge_is_refused(submitted, staff) -> None:
    from insignia.web.achievements.services import achievement_archive

    start(submitted, staff["assessor"])
    achievement_archive(actor=staff["designer"], achievement_id=submitted.achievement_id)
    with pytest.raises(ApplicationError, match="archived"):
        decide(submitted, staff["assessor"], "approve")
    submitted.refresh_from_db()
    assert submitted.state == Application.State.IN_REVIEW and not Review.objects.exists()


def test_earn_rate_figures(assessed, staff, make_user, fixed_now) -> None:
    from datetime import timedelta

    from insignia.web.earning.selectors import achievement_earn_rate

    def application_for(email: str, days: int, decision: str | None) -> None:
        person = make_user(email)
        app = services.application_start(learner=person, achievement_id=assessed.pk)
        if decision is None:
            return
        fill(app, person)
        app.refresh_from_db()
        services.application_submit(
            learner=person,
            application_id=app.pk,
            expected_row_version=app.row_version,
            now=fixed_now,
        )
        start(app, staff["assessor"])
        app.refresh_from_db()
        services.review_decide(
            actor=staff["assessor"],
            application_id=app.pk,
            expected_revision=app.revision,
            expected_row_version=app.row_version,
            data=services.DecisionData(
                decision,
                "Feedback.",
                __import__("tests.web.earning.conftest", fromlist=["scores"]).scores(app, 3, 3, 3),
            ),
            now=fixed_now + timedelta(days=days),
        )

    application_for("a@example.com", 2, "approve")
    application_for("b@example.com", 4, "approve")
    application_for("c@example.com", 10, "reject")
    application_for("d@example.com", 1, "return")
    application_for("e@example.com", 0, None)
    rate = achievement_earn_rate(achievement=assessed)
    assert (rate.started, rate.submitted, rate.approved, rate.rejected, rate.returned) == (
        5,
        4,
        2,
        1,
        1,
    )
    assert rate.waiting == 0 and rate.decided == 3 and rate.approval_rate == 67
    assert rate.median_days_to_decision == 4.0
    assert rate.median_revisions_to_approval == 1
