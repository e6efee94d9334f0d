"""Real concurrency on PostgreSQL: threads with their own connections race for the same
application.  Whatever the interleaving, nothing is applied twice and nothing is lost.

SQLite (the default test database, in memory) gives each thread its own empty database, so
these tests run on PostgreSQL only:
``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pytest tests/web/earning``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from insignia.web.awards.models import Credential
from insignia.web.common.errors import ApplicationError
from insignia.web.earning import services
from insignia.web.earning.models import Application, ApplicationEvent, Review
from insignia.web.wallet.models import WalletItem
from tests.support.concurrency import RACES, failures, race
from tests.web.earning.conftest import fill, scores, start

pytestmark = RACES


def test_a_double_submit_submits_once(assessed, learner) -> None:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    application.refresh_from_db()
    version = application.row_version

    def submit() -> Application:
        return services.application_submit(
            learner=learner, application_id=application.pk, expected_row_version=version
        )

    results = race(submit, submit, submit)
    errors = failures(results)
    assert len(errors) == 2 and all(isinstance(e, services.StaleApplication) for e in errors)
    assert all("already been submitted" in e.message for e in errors)
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.row_version == version + 1
    assert ApplicationEvent.objects.filter(application=application, kind="submitted").count() == 1


def test_two_assessors_starting_at_once_get_one_reviewer(submitted, staff, second_assessor) -> None:
    version = submitted.row_version

    def start_as(person: Any) -> Callable[[], Application]:
        return lambda: services.review_start(
            actor=person, application_id=submitted.pk, expected_row_version=version
        )

    results = race(start_as(staff["assessor"]), start_as(second_assessor))
    [error] = failures(results)
    assert isinstance(error, services.StaleApplication)
    submitted.refresh_from_db()
    assert submitted.reviewer in (staff["assessor"], second_assessor)
    assert submitted.state == Application.State.IN_REVIEW


def test_a_double_clicked_approval_issues_one_credential(submitted, staff, learner) -> None:
    start(submitted, staff["assessor"])
    submitted.refresh_from_db()
    data = services.DecisionData("approve", "Well done.", scores(submitted, 3, 3, 3))
    version = submitted.row_version

    def approve() -> Review:
        return services.review_decide(
            actor=staff["assessor"],
            application_id=submitted.pk,
            expected_revision=1,
            expected_row_version=version,
            data=data,
        )

    results = race(approve, approve, approve)
    assert len(failures(results)) == 2
    assert Review.objects.filter(application=submitted).count() == 1
    assert Credential.objects.count() == 1 and WalletItem.objects.filter(user=learner).count() == 1
    submitted.refresh_from_db()
    assert submitted.state == Application.State.APPROVED
    assert submitted.credential == Credential.objects.get()


def test_a_decision_racing_a_take_over_applies_exactly_one(
    submitted, staff, second_assessor
) -> None:
    """The reviewer decides while a colleague takes the application over from the same page
    state: one of them wins, the other is told the application changed."""
    start(submitted, staff["assessor"])
    submitted.refresh_from_db()
    version = submitted.row_version

    def decide() -> Review:
        return services.review_decide(
            actor=staff["assessor"],
            application_id=submitted.pk,
            expected_revision=1,
            expected_row_version=version,
            data=services.DecisionData("return", "Add the cleaning steps.", ()),
        )

    def take_over() -> Application:
        return services.review_start(
            actor=second_assessor,
            application_id=submitted.pk,
            expected_row_version=version,
            take_over=True,
        )

    results = race(decide, take_over)
    [error] = failures(results)
    assert isinstance(error, ApplicationError)
    submitted.refresh_from_db()
    if isinstance(results[0], Review):  # the decision won
        assert submitted.state == Application.State.RETURNED and submitted.revision == 2
        assert submitted.reviewer is None
    else:  # the take-over won; the decision was not recorded
        assert submitted.state == Application.State.IN_REVIEW
        assert submitted.reviewer == second_assessor
        assert not Review.objects.exists()


def test_concurrent_starts_create_one_application(assessed, learner) -> None:
    results = race(
        *[lambda: services.application_start(learner=learner, achievement_id=assessed.pk)] * 3
    )
    assert not failures(results)
    assert len({r.pk for r in results}) == 1
    assert Application.objects.count() == 1
