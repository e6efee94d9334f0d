"""Two badges earned at the same moment award the goal exactly once (PostgreSQL: threads with
their own connections; SQLite gives each thread its own in-memory database, so skipped)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.pathways import services
from insignia.web.pathways.models import PathwayCompletion

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="threads need a shared database server"
    ),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


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
