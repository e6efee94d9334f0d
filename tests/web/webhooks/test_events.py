"""Recording: domain events become deliveries in the same transaction (outbox), one per
subscription and event, for the events each subscription chose."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.earning import services as earning_services
from insignia.web.issuers.services import organisation_create
from insignia.web.webhooks import services
from insignia.web.webhooks.models import Delivery, EventType
from tests.web.earning.conftest import assessed, fill, learner, submit  # noqa: F401

HOOK = "https://hooks.example.com/insignia"


def events_of(subscription) -> list[dict]:
    return [
        json.loads(d.body)
        for d in Delivery.objects.filter(subscription=subscription).order_by("created_at", "pk")
    ]


def test_each_credential_event_is_recorded(subscribe, award, staff, make_user) -> None:
    subscription = subscribe(HOOK)
    credential = award(recipient_name="Jamie Rivera")
    holder = make_user("jamie@example.org")
    award_services.credential_accept(user=holder, credential_id=credential.pk)
    award_services.credential_suspend(
        actor=staff["issuer"], credential_id=credential.pk, reason="Under investigation"
    )
    award_services.credential_reinstate(actor=staff["issuer"], credential_id=credential.pk)
    award_services.credential_revoke(
        actor=staff["issuer"], credential_id=credential.pk, reason="Exam misconduct"
    )
    events = events_of(subscription)
    assert [e["type"] for e in events] == [
        "credential.issued",
        "credential.claimed",
        "credential.suspended",
        "credential.reinstated",
        "credential.revoked",
    ]
    assert len({e["id"] for e in events}) == 5
    assert all(e["data"]["credential"]["uuid"] == str(credential.pk) for e in events)
    assert events[0]["data"]["credential"]["claimed"] is False
    assert events[1]["data"]["credential"]["claimed"] is True
    assert events[2]["data"]["credential"]["suspension_reason"] == "Under investigation"
    assert "suspension_reason" not in events[3]["data"]["credential"]
    assert events[4]["data"]["credential"]["revocation_reason"] == "Exam misconduct"
    # the learner's account address is never sent, only what the issuer typed
    assert all(e["data"]["credential"]["recipient"]["email"] == "jamie@example.org" for e in events)


def test_only_chosen_events_active_subscriptions_and_own_organisation(
    subscribe, award, staff, make_user
) -> None:
    issued_only = subscribe(HOOK, [EventType.CREDENTIAL_ISSUED])
    revoked_only = subscribe(HOOK + "/r", [EventType.CREDENTIAL_REVOKED])
    off = subscribe(HOOK + "/off")
    services.subscription_update(
        actor=staff["owner"],
        subscription_id=off.pk,
        url=off.url,
        events=off.events,
        description="",
        is_active=False,
    )
    other_owner = make_user("otto@southgate.example")
    other = organisation_create(
        actor=other_owner,
        name="Southgate College",
        url="https://southgate.example",
        email="badges@southgate.example",
    )
    foreign = services.subscription_create(
        actor=other_owner, organisation_id=other.pk, url=HOOK, events=list(EventType.values)
    )
    award()
    assert [e["type"] for e in events_of(issued_only)] == ["credential.issued"]
    assert events_of(revoked_only) == []
    assert events_of(off) == [] and events_of(foreign) == []


def test_one_event_shares_its_id_across_subscriptions(subscribe, award) -> None:
    first, second = subscribe(HOOK), subscribe(HOOK + "/2")
    award()
    [a], [b] = events_of(first), events_of(second)
    assert a == b  # same event, same body
    ids = set(Delivery.objects.values_list("pk", flat=True))
    assert len(ids) == 2  # but each copy has its own Webhook-Id


def test_rollback_of_the_issuing_transaction_leaves_no_delivery(subscribe, award) -> None:
    subscribe(HOOK)
    with pytest.raises(RuntimeError), transaction.atomic():
        award()
        assert Delivery.objects.count() == 1  # written inside the transaction
        raise RuntimeError("the issuing failed after the event")
    assert Delivery.objects.count() == 0 and Credential.objects.count() == 0


def test_sending_is_queued_once_the_change_commits(
    subscribe, award, django_capture_on_commit_callbacks
) -> None:
    subscribe(HOOK)
    with django_capture_on_commit_callbacks() as callbacks:
        award()
    assert not DBTaskResult.objects.filter(task_path__endswith="webhook_deliveries_task").exists()
    for callback in callbacks:
        callback()
    [task] = DBTaskResult.objects.filter(task_path__endswith="webhook_deliveries_task")
    assert task.args_kwargs["args"] == [[str(Delivery.objects.get().pk)]]


def test_nothing_is_recorded_without_subscribers(award, published) -> None:
    with CaptureQueriesContext(connection) as queries:
        award()
    assert Delivery.objects.count() == 0
    webhook_queries = [q for q in queries.captured_queries if "webhooks_" in q["sql"]]
    assert len(webhook_queries) == 1  # one look for subscribers, nothing else


def test_bulk_issuance_records_one_delivery_per_credential_efficiently(
    subscribe, published, staff, django_capture_on_commit_callbacks
) -> None:
    subscription = subscribe(HOOK, [EventType.CREDENTIAL_ISSUED])
    recipients = [
        award_services.RecipientData(email=f"learner{i}@example.org", name=f"Learner {i}")
        for i in range(150)
    ]
    with (
        django_capture_on_commit_callbacks() as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        credentials = award_services.credentials_create_many(
            achievement=published,
            version=published.current_version,
            issued_by=staff["issuer"],
            recipients=recipients,
        )
    webhook_queries = [q["sql"] for q in queries.captured_queries if "webhooks_" in q["sql"]]
    assert len([q for q in webhook_queries if q.startswith("SELECT")]) == 1  # the subscribers
    assert all(q.startswith(("SELECT", "INSERT")) for q in webhook_queries)
    assert len(webhook_queries) <= 5  # and the bulk insert, in a few batches on SQLite
    events = events_of(subscription)
    assert len(events) == 150
    assert {e["data"]["credential"]["uuid"] for e in events} == {str(c.pk) for c in credentials}
    assert len({e["id"] for e in events}) == 150
    for callback in callbacks:
        callback()
    [task] = DBTaskResult.objects.filter(task_path__endswith="webhook_deliveries_task")
    assert len(task.args_kwargs["args"][0]) == 150  # one task for the whole chunk


def test_application_submitted(subscribe, assessed, learner, settings, tmp_path) -> None:  # noqa: F811
    settings.INSIGNIA_EVIDENCE_DIR = tmp_path / "evidence"
    subscription = subscribe(HOOK, [EventType.APPLICATION_SUBMITTED])
    application = earning_services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    submit(application, learner)
    [event] = events_of(subscription)
    assert event["type"] == "application.submitted"
    data = event["data"]["application"]
    assert data["id"] == str(application.pk) and data["revision"] == 1
    assert data["applicant"] == {"name": "Lee Learner"}
    assert "email" not in json.dumps(data)  # the issuer does not have it yet
    assert data["achievement"]["id"] == str(assessed.pk)


def test_send_test_event_goes_to_one_endpoint_even_when_off(subscribe, staff) -> None:
    subscription = subscribe(HOOK, [EventType.CREDENTIAL_ISSUED])
    subscribe(HOOK + "/other")
    services.subscription_update(
        actor=staff["owner"],
        subscription_id=subscription.pk,
        url=subscription.url,
        events=subscription.events,
        description="",
        is_active=False,
    )
    delivery = services.subscription_send_test(
        actor=staff["owner"], subscription_id=subscription.pk
    )
    assert Delivery.objects.get() == delivery
    assert json.loads(delivery.body)["type"] == "webhook.test"
