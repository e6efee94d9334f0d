"""Two workers at once on PostgreSQL (real row locks): every delivery is sent exactly once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from insignia.web.issuers.models import Organisation
from insignia.web.webhooks import services, signing
from insignia.web.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks to race on"
)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_delivery_twice(receiver, loopback) -> None:
    now = timezone.now()
    organisation = Organisation.objects.create(
        name="Race College",
        url="https://race.example",
        email="a@race.example",
        did=f"did:web:testserver:issuers:{uuid.uuid4()}",
    )
    subscription = Subscription.objects.create(
        organisation=organisation,
        url=receiver.url,
        events=["credential.issued"],
        secret=signing.secret_generate(),
        created_at=now,
        secret_rotated_at=now,
    )
    Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            event_id=uuid.uuid4(),
            event_type="credential.issued",
            body=f'{{"n":{i}}}',
            next_attempt_at=now,
            created_at=now,
        )
        for i in range(30)
    )
    start = threading.Barrier(3)
    results: list[dict[str, int]] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(services.deliveries_send_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    ids = [r.headers["Webhook-Id"] for r in receiver.requests]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert sum(r.get("delivered", 0) for r in results) == 30
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
