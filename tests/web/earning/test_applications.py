"""Applying: who may apply under each policy, drafts, submitting, double submits, privacy."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from insignia.web.awards import services as award_services
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.earning import selectors, services
from insignia.web.earning.models import (
    AccessPolicy,
    Application,
    EvidenceItem,
    InviteCode,
)
from tests.web.earning.conftest import fill, full_answers, submit


def test_start_creates_a_draft_for_the_current_version(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    assert application.state == Application.State.DRAFT
    assert application.version == assessed.current_version
    assert application.revision == 1 and application.row_version == 1
    # Starting again (a double click, a second tab) returns the same application.
    assert services.application_start(learner=learner, achievement_id=assessed.pk) == application
    assert Application.objects.count() == 1


def test_closed_and_unpublished_badges_refuse(draft, assessed, staff, learner) -> None:
    with pytest.raises(NotFound):
        services.application_start(learner=learner, achievement_id=draft.pk.__class__(int=1))
    services.access_policy_set(
        actor=staff["designer"], achievement_id=assessed.pk, mode=AccessPolicy.Mode.CLOSED
    )
    with pytest.raises(ApplicationError, match="not open for applications"):
        services.application_start(learner=learner, achievement_id=assessed.pk)


def test_a_badge_without_requirements_cannot_be_opened(published, staff) -> None:
    with pytest.raises(ApplicationError, match="evidence requirements and a rubric"):
        services.access_policy_set(
            actor=staff["designer"], achievement_id=published.pk, mode=AccessPolicy.Mode.OPEN
        )


def test_only_designers_and_owners_open_a_badge(assessed, staff) -> None:
    for role in ("assessor", "issuer", "outsider"):
        with pytest.raises(NotFound):
            services.access_policy_set(
                actor=staff[role], achievement_id=assessed.pk, mode=AccessPolicy.Mode.CLOSED
            )


def test_invite_codes_admit_within_their_limits(assessed, staff, make_user) -> None:
    services.access_policy_set(
        actor=staff["designer"], achievement_id=assessed.pk, mode=AccessPolicy.Mode.CODE
    )
    code = services.invite_code_create(
        actor=staff["designer"], achievement_id=assessed.pk, label="Spring", max_uses=1
    )
    assert len(code.code) == 14 and code.code.count("-") == 2
    first, second, third = (make_user(f"p{i}@example.com") for i in range(3))
    with pytest.raises(ApplicationError, match="invite code is not valid"):
        services.application_start(learner=first, achievement_id=assessed.pk, code="WRONG")
    with pytest.raises(ApplicationError, match="invite code is not valid"):
        services.application_start(learner=first, achievement_id=assessed.pk)
    application = services.application_start(
        learner=first, achievement_id=assessed.pk, code=f" {code.code.lower()} "
    )
    assert application.invite_code == code
    with pytest.raises(ApplicationError, match="invite code is not valid"):  # used up
        services.application_start(learner=second, achievement_id=assessed.pk, code=code.code)
    other = services.invite_code_create(actor=staff["designer"], achievement_id=assessed.pk)
    services.invite_code_revoke(
        actor=staff["designer"], achievement_id=assessed.pk, code_id=other.pk
    )
    with pytest.raises(ApplicationError, match="invite code is not valid"):  # revoked
        services.application_start(learner=third, achievement_id=assessed.pk, code=other.code)
    assert InviteCode.objects.get(pk=code.pk).use_count == 1


def test_email_lists_admit_any_verified_address(assessed, staff, make_user) -> None:
    services.access_policy_set(
        actor=staff["designer"], achievement_id=assessed.pk, mode=AccessPolicy.Mode.LIST
    )
    count = services.invited_emails_set(
        actor=staff["designer"],
        achievement_id=assessed.pk,
        emails=["Cohort.One@Example.com", "cohort.one@example.com", "two@example.com"],
    )
    assert count == 2
    listed = make_user("someone@example.com")
    EmailAddress.objects.create(user=listed, email="cohort.one@example.com", verified=True)
    assert services.application_start(learner=listed, achievement_id=assessed.pk)
    unverified = make_user("three@example.com")
    EmailAddress.objects.create(user=unverified, email="two@example.com", verified=False)
    with pytest.raises(ApplicationError, match="none of your verified email addresses"):
        services.application_start(learner=unverified, achievement_id=assessed.pk)


def test_unverified_learners_and_holders_cannot_apply(assessed, staff, make_user, learner) -> None:
    unverified = make_user("new@example.com", verified=False)
    with pytest.raises(ApplicationError, match="Verify your email"):
        services.application_start(learner=unverified, achievement_id=assessed.pk)
    award_services.credential_issue(
        actor=staff["issuer"], achievement_id=assessed.pk, recipient_email=learner.email
    )
    with pytest.raises(ApplicationError, match="already hold this badge"):
        services.application_start(learner=learner, achievement_id=assessed.pk)


def test_drafts_save_partial_answers(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    answers = full_answers(application)
    partial = dict(list(answers.items())[:2])
    saved = services.application_save(
        learner=learner, application_id=application.pk, expected_row_version=1, answers=partial
    )
    assert saved.row_version == 2 and saved.state == Application.State.DRAFT
    assert EvidenceItem.objects.filter(application=application).count() == 2


def test_submit_lists_what_is_missing(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(
        application,
        learner,
        **{
            "Reflect on what you learned": services.AnswerData(text="Too short."),
            "Your analysis report": services.AnswerData(),
            "This is my own work": services.AnswerData(attested=False),
        },
    )
    with pytest.raises(services.IncompleteApplication) as caught:
        submit(application, learner)
    by_prompt = {
        r.pk: r.prompt for r in selectors.version_requirements(version=application.version)
    }
    problems = {by_prompt[k]: v for k, v in caught.value.problems.items()}
    assert problems == {
        "Reflect on what you learned": "Write at least 40 characters (10 so far).",
        "Your analysis report": "Upload the file.",
        "This is my own work": "Confirm this statement.",
    }
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_submit_notifies_the_learner_and_the_assessors(
    assessed, learner, staff, django_capture_on_commit_callbacks
) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(application, learner)
    assert submitted.state == Application.State.SUBMITTED
    assert submitted.first_submitted_at == submitted.submitted_at
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([learner.email, staff["assessor"].email])
    to_learner = next(m for m in mail.outbox if m.to == [learner.email])
    assert "We received your application" in to_learner.subject
    assert f"/applications/{application.pk}/" in to_learner.body
    to_assessor = next(m for m in mail.outbox if m.to == [staff["assessor"].email])
    assert f"/reviews/{application.pk}/" in to_assessor.body
    assert "transport" not in to_assessor.body  # no evidence content in emails


def test_a_double_submit_is_detected(submitted, learner) -> None:
    stale = submitted.row_version - 1  # what the second click of the same form carries
    with pytest.raises(services.StaleApplication, match="already been submitted"):
        services.application_submit(
            learner=learner, application_id=submitted.pk, expected_row_version=stale
        )
    assert submitted.events.filter(kind="submitted").count() == 1


def test_a_stale_draft_form_is_refused(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)  # row_version 1 -> 2 (another window)
    with pytest.raises(services.StaleApplication, match="changed since you opened the page"):
        services.application_save(
            learner=learner,
            application_id=application.pk,
            expected_row_version=1,
            answers=full_answers(application),
        )


def test_submitted_applications_cannot_be_edited(submitted, learner) -> None:
    with pytest.raises(services.StaleApplication, match="already been submitted"):
        services.application_save(
            learner=learner,
            application_id=submitted.pk,
            expected_row_version=submitted.row_version,
            answers=full_answers(submitted),
        )


def test_other_people_cannot_touch_an_application(submitted, staff, make_user) -> None:
    other = make_user("other@example.com")
    for person in (other, staff["owner"], staff["assessor"]):
        with pytest.raises(NotFound):
            services.application_save(
                learner=person,
                application_id=submitted.pk,
                expected_row_version=submitted.row_version,
                answers={},
            )
        with pytest.raises(NotFound):
            services.application_submit(
                learner=person,
                application_id=submitted.pk,
                expected_row_version=submitted.row_version,
            )


def test_non_http_links_are_refused(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    with pytest.raises(ApplicationError, match="https://"):
        fill(
            application,
            learner,
            **{"Link to your notebook": services.AnswerData(url="javascript:alert(1)")},
        )
    assert not EvidenceItem.objects.exists()


def test_evidence_visibility_is_the_learners_choice(submitted, learner, make_user) -> None:
    item = EvidenceItem.objects.filter(application=submitted).first()
    assert item is not None and not item.is_public
    services.evidence_set_visibility(learner=learner, item_id=item.pk, public=True)
    item.refresh_from_db()
    assert item.is_public
    with pytest.raises(NotFound):
        services.evidence_set_visibility(
            learner=make_user("x@example.com"), item_id=item.pk, public=False
        )


def test_my_applications_puts_what_needs_the_learner_first(assessed, learner, staff) -> None:
    from tests.web.earning.conftest import decide, start

    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    submit(application, learner)
    start(application, staff["assessor"])
    decide(application, staff["assessor"], "return", (1, 1, 1), "More please.")
    rows = selectors.learner_applications(learner=learner)
    assert [a.state for a in rows] == ["returned"]
    feedback = selectors.application_latest_feedback(application=rows[0])
    assert [r.feedback for r in feedback] == ["More please."]


def test_without_assessors_the_owners_hear_of_submissions(
    assessed, learner, staff, org, django_capture_on_commit_callbacks
) -> None:
    from insignia.web.issuers.services import membership_set_roles

    membership_set_roles(
        actor=staff["owner"], organisation_id=org.pk, user_id=staff["assessor"].pk, roles=[]
    )
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    with django_capture_on_commit_callbacks(execute=True):
        submit(application, learner)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([learner.email, staff["owner"].email])
