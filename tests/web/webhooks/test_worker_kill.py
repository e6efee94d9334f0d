"""A real ``db_worker`` killed with SIGKILL while its POST waits for an answer (PostgreSQL):
the delivery is not lost — it comes due again and is sent once more with the same Webhook-Id —
and it is never sent by two workers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection

from insignia.web.webhooks import services
from insignia.web.webhooks.models import Delivery, EventType

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a server"),
]


def worker() -> subprocess.Popen[bytes]:
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "insignia.web.settings_test",
        "INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "insignia.web.manage",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_mid_request_loses_nothing(subscribe, receiver, award, clock) -> None:
    subscribe(receiver.url, [EventType.CREDENTIAL_ISSUED])
    receiver.hold_first = True
    award()  # commits: the task is queued
    process = worker()
    try:
        assert receiver.arrived.wait(60), "the worker sent nothing"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        receiver.release.set()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    claimed_until = delivery.next_attempt_at
    assert claimed_until is not None
    # until the claim runs out, nobody else sends it
    clock.now = claimed_until - timedelta(seconds=1)
    assert services.deliveries_send_due(clock=clock) == {}
    # then the next run (cron's deliver_webhooks) does
    clock.now = claimed_until
    assert services.deliveries_send_due(clock=clock) == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    first, second = receiver.requests
    assert first.headers["Webhook-Id"] == second.headers["Webhook-Id"] == str(delivery.pk)
    assert first.body == second.body
