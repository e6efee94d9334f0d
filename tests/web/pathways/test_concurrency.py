"""Two badges earned at the same moment award the goal exactly once (PostgreSQL: threads with
their own connections; SQLite gives each thread its own in-memory database, so skipped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.pathways import services
from insignia.web.pathways.models import PathwayCompletion
from tests.support.concurrency import RACES, race

pytestmark = RACES


def test_two_badges_accepted_at_once_award_the_goal_once(
    badges, learner, staff, make_pathway
) -> None:
    pathway = make_pathway(badges["a"], badges["b"])
    sent = [
        award_services.credential_issue(
            actor=staff["issuer"], achievement_id=badges[k].pk, recipient_email=learner.email
        )
        for k in ("a", "b")
    ]

    def accept(credential: Credential) -> Callable[[], Any]:
        return lambda: award_services.credential_accept(user=learner, credential_id=credential.pk)

    results = race(accept(sent[0]), accept(sent[1]))
    assert not [r for r in results if isinstance(r, Exception)]
    # whichever evaluation saw both badges awarded; if neither did, the sweep catches up
    services.learner_evaluate(user=learner)
    assert (
        Credential.objects.filter(achievement=badges["goal"], recipient_user=learner).count() == 1
    )
    assert PathwayCompletion.objects.filter(pathway=pathway, learner=learner).count() == 1


def test_evaluations_racing_each_other_award_once(badges, learner, staff, make_pathway) -> None:
    pathway = make_pathway(badges["a"], badges["b"], activate=False)
    for k in ("a", "b"):
        credential = award_services.credential_issue(
            actor=staff["issuer"], achievement_id=badges[k].pk, recipient_email=learner.email
        )
        award_services.credential_accept(user=learner, credential_id=credential.pk)
    pathway.is_active = True
    pathway.save(update_fields=["is_active"])

    def evaluate() -> Any:
        return services.pathway_evaluate(pathway=pathway, user=learner)

    for _ in range(3):
        results = race(evaluate, evaluate, evaluate)
        assert not [r for r in results if isinstance(r, Exception)], results
    assert (
        Credential.objects.filter(achievement=badges["goal"], recipient_user=learner).count() == 1
    )
    assert PathwayCompletion.objects.filter(pathway=pathway, learner=learner).count() == 1
