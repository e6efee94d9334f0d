"""Sending: signed POSTs to a real loopback receiver, retries with backoff on an injected
clock, 4xx/410 without retry, SSRF refusals, and claims that survive a dead worker."""

from __future__ import annotations

import itertools
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command

from insignia.web.issuers.models import AuditEvent
from insignia.web.webhooks import sender, services, signing
from insignia.web.webhooks.models import Delivery, EventType

from .conftest import verify_signature


def one_delivery(subscribe, receiver, award, events=None) -> Delivery:
    subscription = subscribe(receiver.url, events or [EventType.CREDENTIAL_ISSUED])
    award()
    return Delivery.objects.get(subscription=subscription)


def test_standard_webhooks_test_vector() -> None:
    # The example of the Standard Webhooks specification and its reference libraries.
    got = signing.signature(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body=b'{"test": 2432232314}',
    )
    assert got == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signed_delivery_reaches_a_real_receiver(subscribe, receiver, award, clock) -> None:
    subscription = subscribe(receiver.url, [EventType.CREDENTIAL_ISSUED])
    credential = award("Jamie@Example.org", recipient_name="Jamie Rivera")
    counts = services.deliveries_send_due(clock=clock)
    assert counts == {"delivered": 1}
    [request] = receiver.requests
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Webhook-Id"] == str(Delivery.objects.get().pk)
    assert request.headers["Webhook-Timestamp"] == str(int(clock.now.timestamp()))
    assert verify_signature(subscription.secret, request.headers, request.body)
    tampered = request.body.replace(b"Jamie Rivera", b"Jamie Riviera")
    assert not verify_signature(subscription.secret, request.headers, tampered)
    assert not verify_signature(signing.secret_generate(), request.headers, request.body)
    event = request.json
    assert event["type"] == "credential.issued"
    assert event["organisation_id"] == str(subscription.organisation_id)
    data = event["data"]["credential"]
    assert data["id"] == f"urn:uuid:{credential.pk}"
    assert data["recipient"] == {"email": "jamie@example.org", "name": "Jamie Rivera"}
    assert data["url"] == f"http://testserver/credentials/{credential.pk}/"
    assert data["achievement"]["name"] == "Python for Data Analysis"
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at == clock.now and delivery.next_attempt_at is None
    assert services.deliveries_send_due(clock=clock) == {}  # nothing sent twice
    assert len(receiver.requests) == 1


def test_retries_back_off_exponentially_then_fail(subscribe, receiver, award, clock) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [500, 503, 429, 502, 500, 500, 500, 500, 500]
    start = clock.now
    attempts_at = []
    for _ in range(200):  # walk the clock a minute at a time for ~28 hours
        before = len(receiver.requests)
        services.deliveries_send_due(clock=clock, rand=lambda: 0.5)
        if len(receiver.requests) > before:
            attempts_at.append(clock.now - start)
        delivery.refresh_from_db()
        if delivery.state != "pending":
            break
        assert delivery.next_attempt_at is not None
        clock.now = delivery.next_attempt_at  # jump to the next due time
    assert delivery.state == "failed" and delivery.attempts == 8
    assert len(receiver.requests) == 8
    assert {r.headers["Webhook-Id"] for r in receiver.requests} == {str(delivery.pk)}
    assert len({r.body for r in receiver.requests}) == 1  # the same bytes every time
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(attempts_at)]
    assert gaps == [90 * 3**n for n in range(7)]  # jitter at its middle: exactly the base
    assert 26 * 3600 < attempts_at[-1].total_seconds() < 28 * 3600  # about a day
    assert [h["status"] for h in delivery.history] == [500, 503, 429, 502, 500, 500, 500, 500]


def test_jitter_stays_within_a_fifth_of_the_delay() -> None:
    assert services.retry_delay(1, lambda: 0.0) == timedelta(seconds=72)
    assert services.retry_delay(1, lambda: 1.0) == timedelta(seconds=108)
    assert services.retry_delay(3, lambda: 0.5) == timedelta(seconds=810)


def test_not_due_is_not_sent(subscribe, receiver, award, clock) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [500]
    services.deliveries_send_due(clock=clock, rand=lambda: 0.0)
    clock.advance(seconds=71)
    assert services.deliveries_send_due(clock=clock) == {}
    clock.advance(seconds=1)
    assert services.deliveries_send_due(clock=clock) == {"delivered": 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and len(receiver.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_fail_without_retry(subscribe, receiver, award, clock, status) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [status]
    assert services.deliveries_send_due(clock=clock) == {"failed": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code, delivery.next_attempt_at) == (
        "failed",
        status,
        None,
    )
    clock.advance(days=2)
    assert services.deliveries_send_due(clock=clock) == {}
    assert delivery.subscription.is_active


def test_gone_fails_and_switches_the_endpoint_off(subscribe, receiver, award, clock) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [410]
    services.deliveries_send_due(clock=clock)
    delivery.refresh_from_db()
    subscription = delivery.subscription
    subscription.refresh_from_db()
    assert delivery.state == "failed" and not subscription.is_active
    assert "410 Gone" in subscription.disabled_reason
    assert AuditEvent.objects.filter(action="webhook.disabled").count() == 1
    award("second@example.org")  # an off endpoint gets nothing new
    assert Delivery.objects.count() == 1


def test_redirects_are_not_followed(subscribe, receiver, award, clock) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [307]
    receiver.headers_out = {"Location": "http://169.254.169.254/latest/meta-data/"}
    services.deliveries_send_due(clock=clock)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.last_status_code == 307
    assert "not followed" in delivery.last_error
    assert len(receiver.requests) == 1


def test_network_errors_are_retried(subscribe, award, clock, loopback) -> None:
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscription = subscribe(f"http://127.0.0.1:{port}/hook", [EventType.CREDENTIAL_ISSUED])
    award()
    assert services.deliveries_send_due(clock=clock) == {"pending": 1}
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.last_status_code is None and "failed" in delivery.last_error
    assert delivery.next_attempt_at > clock.now


def public(address: str):
    def resolve(host, port, **_):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "127.0.0.1"]
)
def test_names_resolving_to_private_addresses_are_refused(address) -> None:
    with pytest.raises(sender.Refused, match="not a public address"):
        sender.post(
            "https://hooks.example.com/x",
            b"{}",
            {},
            timeout=1,
            allow_loopback=False,
            resolve=public(address),
        )


def test_one_private_answer_among_public_ones_is_refused() -> None:
    def resolve(host, port, **_):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:10.0.0.1", port, 0, 0)),
        ]

    with pytest.raises(sender.Refused):
        sender.post(
            "https://x.example/", b"{}", {}, timeout=1, allow_loopback=False, resolve=resolve
        )


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # plain http to the world
        "http://127.0.0.1:8000/x",  # loopback not allowed
        "https://10.0.0.1/x",
        "https://[::1]/x",
        "https://localhost/x",
        "https://api.localhost./x",
        "https://user:pw@hooks.example.com/x",
        "ftp://hooks.example.com/x",
    ],
)
def test_urls_refused_before_any_lookup(url) -> None:
    with pytest.raises(sender.Refused):
        sender.check_url(url, allow_loopback=False)


def test_http_only_to_loopback_when_allowed() -> None:
    sender.check_url("http://127.0.0.1:8000/x", allow_loopback=True)
    sender.check_url("http://localhost:8000/x", allow_loopback=True)
    with pytest.raises(sender.Refused):
        sender.check_url("http://hooks.example.com/x", allow_loopback=True)


def test_a_refused_delivery_fails_without_retry(subscribe, award, clock, settings, monkeypatch):
    subscription = subscribe("https://hooks.example.com/insignia", [EventType.CREDENTIAL_ISSUED])
    award()
    monkeypatch.setattr(sender.socket, "getaddrinfo", public("10.9.8.7"))
    assert services.deliveries_send_due(clock=clock) == {"failed": 1}
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.state == "failed" and delivery.last_status_code is None
    assert delivery.last_error.startswith("Refused: hooks.example.com resolves to 10.9.8.7")


def test_a_dead_worker_loses_nothing(subscribe, receiver, award, clock, settings) -> None:
    delivery = one_delivery(subscribe, receiver, award)
    claimed = services._claim(delivery.pk, clock(), lambda: 0.5)  # then the worker dies
    assert claimed is not None and claimed.attempt == 1
    # while the claim holds, nobody else sends it
    assert services._claim(delivery.pk, clock(), lambda: 0.5) is None
    assert services.deliveries_send_due(clock=clock) == {}
    clock.advance(seconds=90)
    assert services.deliveries_send_due(clock=clock) == {"delivered": 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.state == "delivered"
    # the dead worker's late answer is not recorded over the newer claim's
    assert services._attempt(claimed, clock(), lambda: 0.5) == "superseded"
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.state == "delivered"
    assert {r.headers["Webhook-Id"] for r in receiver.requests} == {str(delivery.pk)}


def test_a_worker_dying_on_the_last_attempt_fails_it(subscribe, receiver, award, clock, settings):
    settings.INSIGNIA_WEBHOOKS_MAX_ATTEMPTS = 2
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [500]
    services.deliveries_send_due(clock=clock, rand=lambda: 0.5)
    clock.advance(seconds=90)
    assert services._claim(delivery.pk, clock(), lambda: 0.5) is not None  # and dies
    clock.advance(minutes=2)
    assert services.deliveries_send_due(clock=clock) == {}
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "worker stopped" in delivery.last_error
    assert len(receiver.requests) == 1


def test_redeliver_sends_the_same_message_again(subscribe, receiver, award, clock, staff):
    delivery = one_delivery(subscribe, receiver, award)
    receiver.statuses = [404]
    services.deliveries_send_due(clock=clock)
    services.delivery_redeliver(actor=staff["owner"], delivery_id=delivery.pk, now=clock.now)
    assert services.deliveries_send_due(clock=clock) == {"delivered": 1}
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["Webhook-Id"] == second.headers["Webhook-Id"]
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 1


def test_rotation_signs_with_both_secrets_for_a_day(subscribe, receiver, award, clock, staff):
    subscription = subscribe(receiver.url, [EventType.CREDENTIAL_ISSUED])
    old = subscription.secret
    rotated = services.subscription_rotate_secret(
        actor=staff["owner"], subscription_id=subscription.pk, now=clock.now
    )
    assert rotated.secret != old
    award()
    services.deliveries_send_due(clock=clock)
    request = receiver.requests[-1]
    assert len(request.headers["Webhook-Signature"].split(" ")) == 2
    assert verify_signature(old, request.headers, request.body)
    assert verify_signature(rotated.secret, request.headers, request.body)
    clock.advance(hours=25)
    award("later@example.org")
    services.deliveries_send_due(clock=clock)
    request = receiver.requests[-1]
    assert verify_signature(rotated.secret, request.headers, request.body)
    assert not verify_signature(old, request.headers, request.body)


def test_the_command_sends_due_deliveries(subscribe, receiver, award, capsys) -> None:
    subscribe(receiver.url, [EventType.CREDENTIAL_ISSUED])
    award("a@example.org")
    award("b@example.org")
    call_command("deliver_webhooks")
    assert "2 delivered" in capsys.readouterr().out
    assert len(receiver.requests) == 2


def test_the_task_sends_its_batch_and_follows_up_on_retries(
    subscribe, receiver, award, clock
) -> None:
    from django_tasks_db.models import DBTaskResult

    from insignia.web.webhooks.tasks import webhook_deliveries_task

    subscribe(receiver.url, [EventType.CREDENTIAL_ISSUED])
    award("a@example.org")
    award("b@example.org")
    ids = [str(pk) for pk in Delivery.objects.order_by("created_at").values_list("pk", flat=True)]
    receiver.statuses = [503]  # the first answer is an outage, the second a success
    assert webhook_deliveries_task.call(ids) == {"pending": 1, "delivered": 1}
    pending = Delivery.objects.get(state="pending")
    [follow_up] = DBTaskResult.objects.filter(task_path__endswith="webhook_deliveries_task")
    assert follow_up.args_kwargs["args"] == [[str(pending.pk)]]
    assert follow_up.run_after - pending.next_attempt_at == timedelta(seconds=30)
    clock.now = follow_up.run_after  # the worker runs it when it is due
    counts = services.deliveries_send(delivery_ids=follow_up.args_kwargs["args"][0], clock=clock)
    assert counts == {"delivered": 1}
    assert DBTaskResult.objects.filter(task_path__endswith="webhook_deliveries_task").count() == 1
    assert len(receiver.requests) == 3


def test_a_slow_drip_answer_is_cut_off() -> None:
    """An endpoint sending one byte at a time (never letting a socket timeout fire) still
    holds a worker for at most twice the timeout."""
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def drip() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"X")
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    answer = sender.post(
        f"http://127.0.0.1:{server.getsockname()[1]}/hook",
        b"{}",
        {},
        timeout=0.5,
        allow_loopback=True,
    )
    elapsed = time.monotonic() - started
    stop.set()
    server.close()
    assert answer.status is None and "no complete answer within 1 seconds" in answer.error
    assert 0.9 < elapsed < 3


def test_purge_keeps_pending_and_recent_deliveries(subscribe, award, capsys) -> None:
    from django.utils import timezone

    subscription = subscribe("https://hooks.example.com/x", [EventType.CREDENTIAL_ISSUED])
    for email in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        award(email)
    old = timezone.now() - timedelta(days=31)
    a, b, c, d = Delivery.objects.filter(subscription=subscription).order_by("created_at")
    Delivery.objects.filter(pk=a.pk).update(state="delivered", created_at=old)
    Delivery.objects.filter(pk=b.pk).update(state="failed", created_at=old)
    Delivery.objects.filter(pk=c.pk).update(created_at=old)  # still pending: kept
    Delivery.objects.filter(pk=d.pk).update(state="delivered")  # recent: kept
    call_command("purge_webhook_deliveries")
    assert "2 finished webhook deliveries deleted" in capsys.readouterr().out
    assert set(Delivery.objects.values_list("pk", flat=True)) == {c.pk, d.pk}
