"""Who sees what: one 404 for "missing" and "not yours", per role and per page."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from insignia.web.earning import services
from insignia.web.earning.models import EvidenceItem
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import membership_grant
from tests.web.earning.conftest import decide, fill, start, submit

ROLES = ("owner", "designer", "assessor", "issuer", "outsider")


def status(client_for, user, url: str) -> int:
    response = client_for(user).get(url)
    if response.streaming:  # file downloads: read to the end, which closes the file
        b"".join(response.streaming_content)
    return response.status_code


def people(staff, learner, make_user):
    return {**staff, "learner": learner, "other learner": make_user("other@example.com")}


def test_the_application_page_is_the_learners_only(
    submitted, staff, learner, make_user, client_for
):
    url = reverse("earning:application", args=[submitted.pk])
    expected = {"learner": 200, **dict.fromkeys((*ROLES, "other learner"), 404)}
    assert {
        k: status(client_for, u, url) for k, u in people(staff, learner, make_user).items()
    } == expected
    assert status(client_for, None, url) == 302  # to the login page
    assert status(client_for, learner, reverse("earning:application", args=[uuid.uuid4()])) == 404


def test_the_review_page_is_for_assessors_and_owners(
    submitted, staff, learner, make_user, client_for
):
    url = reverse("earning:review", args=[submitted.pk])
    expected = {
        "owner": 200,
        "assessor": 200,
        **dict.fromkeys(("designer", "issuer", "outsider", "learner", "other learner"), 404),
    }
    assert {
        k: status(client_for, u, url) for k, u in people(staff, learner, make_user).items()
    } == expected


def test_drafts_are_invisible_to_assessors(assessed, staff, learner, client_for):
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    assert (
        status(client_for, staff["assessor"], reverse("earning:review", args=[application.pk]))
        == 404
    )
    item = EvidenceItem.objects.filter(application=application).first()
    assert status(client_for, staff["assessor"], reverse("earning:evidence", args=[item.pk])) == 404
    assert status(client_for, learner, reverse("earning:evidence", args=[item.pk])) == 200


def test_assessors_never_review_their_own_application(assessed, staff, client_for, org):
    assessor = staff["assessor"]
    application = services.application_start(learner=assessor, achievement_id=assessed.pk)
    fill(application, assessor)
    submit(application, assessor)
    assert status(client_for, assessor, reverse("earning:review", args=[application.pk])) == 404
    response = client_for(assessor).get(reverse("earning:queue", args=[org.pk]))
    assert response.context["rows"] == []
    with pytest.raises(Exception, match="Not found"):
        start(application, assessor)
    # …but a colleague can.
    assert (
        status(client_for, staff["owner"], reverse("earning:review", args=[application.pk])) == 200
    )


def test_a_declared_conflict_hides_the_learner(
    submitted, staff, client_for, org, learner, make_user
):
    start(submitted, staff["assessor"])
    response = client_for(staff["assessor"]).post(
        reverse("earning:conflict", args=[submitted.pk]), {"reason": "My nephew"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.reviewer is None and submitted.state == "submitted"
    assert (
        status(client_for, staff["assessor"], reverse("earning:review", args=[submitted.pk])) == 404
    )
    item = EvidenceItem.objects.filter(application=submitted).first()
    assert status(client_for, staff["assessor"], reverse("earning:evidence", args=[item.pk])) == 404
    assert (
        client_for(staff["assessor"]).get(reverse("earning:queue", args=[org.pk])).context["rows"]
        == []
    )
    # Other learners' applications stay visible to them.
    other = make_user("other@example.com")
    application = services.application_start(learner=other, achievement_id=submitted.achievement_id)
    fill(application, other)
    submit(application, other)
    rows = (
        client_for(staff["assessor"]).get(reverse("earning:queue", args=[org.pk])).context["rows"]
    )
    assert [r.application for r in rows] == [application]


def test_evidence_is_private_until_approved_and_made_public(
    submitted, staff, learner, make_user, client_for
):
    items = list(EvidenceItem.objects.filter(application=submitted))
    urls = [reverse("earning:evidence", args=[i.pk]) for i in items]
    matrix = {
        "learner": 200,
        "owner": 200,
        "assessor": 200,
        **dict.fromkeys(("designer", "issuer", "outsider", "other learner"), 404),
    }
    everyone = people(staff, learner, make_user)
    for url in urls:
        assert {k: status(client_for, u, url) for k, u in everyone.items()} == matrix
        assert status(client_for, None, url) == 404
    # Public before approval: still not reachable (it is not in any credential yet).
    services.evidence_set_visibility(learner=learner, item_id=items[0].pk, public=True)
    assert status(client_for, None, urls[0]) == 404
    start(submitted, staff["assessor"])
    decide(submitted, staff["assessor"], "approve")
    assert status(client_for, None, urls[0]) == 200
    assert status(client_for, everyone["outsider"], urls[0]) == 200
    assert status(client_for, None, urls[1]) == 404  # the learner kept this one private
    services.evidence_set_visibility(learner=learner, item_id=items[0].pk, public=False)
    assert status(client_for, None, urls[0]) == 404
    assert status(client_for, None, reverse("earning:evidence", args=[uuid.uuid4()])) == 404


def test_public_evidence_of_an_earlier_revision_is_not_reachable(
    submitted, staff, learner, second_assessor, client_for
):
    start(submitted, staff["assessor"])
    decide(submitted, staff["assessor"], "return", (1, 1, 1), "More.")
    old = EvidenceItem.objects.filter(application=submitted, revision=1).first()
    services.evidence_set_visibility(learner=learner, item_id=old.pk, public=True)
    submit(submitted, learner)
    start(submitted, second_assessor)
    decide(submitted, second_assessor, "approve")
    assert status(client_for, None, reverse("earning:evidence", args=[old.pk])) == 404


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("earning:assessment", {"owner", "designer"}),
        ("earning:access", {"owner", "designer"}),
        ("earning:earn_rate", {"owner", "designer"}),
    ],
)
def test_badge_management_pages(assessed, staff, client_for, name, allowed):
    url = reverse(name, args=[assessed.pk])
    for role in ROLES:
        assert status(client_for, staff[role], url) == (200 if role in allowed else 404), role


def test_the_queue_is_for_assessors_and_owners(org, staff, client_for):
    url = reverse("earning:queue", args=[org.pk])
    for role in ROLES:
        expected = 200 if role in {"owner", "assessor"} else 404
        assert status(client_for, staff[role], url) == expected, role


def test_an_assessor_of_another_organisation_sees_nothing(submitted, make_user, client_for):
    from insignia.web.issuers.services import organisation_create

    stranger = make_user("assessor@elsewhere.example")
    other = organisation_create(
        actor=stranger,
        name="Elsewhere",
        url="https://elsewhere.example",
        email="b@elsewhere.example",
    )
    membership_grant(
        actor=stranger, organisation_id=other.pk, email=stranger.email, roles=[Role.ASSESSOR]
    )
    assert status(client_for, stranger, reverse("earning:review", args=[submitted.pk])) == 404
    item = EvidenceItem.objects.filter(application=submitted).first()
    assert status(client_for, stranger, reverse("earning:evidence", args=[item.pk])) == 404


def test_posts_by_the_wrong_people_change_nothing(submitted, staff, learner, client_for):
    review_start = reverse("earning:review_start", args=[submitted.pk])
    for person in (staff["designer"], staff["issuer"], learner):
        response = client_for(person).post(review_start, {"row_version": submitted.row_version})
        assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.reviewer is None
    item = EvidenceItem.objects.filter(application=submitted).first()
    response = client_for(staff["owner"]).post(
        reverse("earning:evidence_visibility", args=[submitted.pk, item.pk]),
        {"visibility": "public"},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert not item.is_public
