"""Helpers for the webhook tests: a real HTTP receiver on loopback, a clock, subscriptions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.webhooks import services
from insignia.web.webhooks.models import EventType, Subscription


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread on 127.0.0.1 that records every POST and answers with the
    queued status codes (200 once they run out)."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    headers_out: dict[str, str] = field(default_factory=dict)
    #: With ``hold_first``, the first request waits for ``release`` before it is answered.
    hold_first: bool = False
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = box["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            me.requests.append(Received(self.path, dict(self.headers.items()), body))
            me.arrived.set()
            if me.hold_first and len(me.requests) == 1:
                me.release.wait(30)
            status = me.statuses.pop(0) if me.statuses else 200
            self.send_response(status)
            for name, value in me.headers_out.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(settings: Any) -> None:
    """Deliveries may go to 127.0.0.1 over http (as in development)."""
    settings.INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK = True
    settings.INSIGNIA_WEBHOOKS_TIMEOUT = 5


class Clock:
    """A settable clock for ``clock=`` parameters."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """Starts a minute after the wall clock: events recorded by services that take no
    ``now`` (the signal receivers) are then due at once; everything later is stepped."""
    return Clock(timezone.now().replace(microsecond=0) + timedelta(minutes=1))


@pytest.fixture
def subscribe(org, staff, loopback):
    def make(url: str, events: list[str] | None = None, organisation=None) -> Subscription:
        return services.subscription_create(
            actor=staff["owner"],
            organisation_id=(organisation or org).pk,
            url=url,
            events=events or list(EventType.values),
        )

    return make


@pytest.fixture
def award(staff, published):
    def issue(email: str = "jamie@example.org", **kw: Any) -> Credential:
        return award_services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email=email, **kw
        )

    return issue


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """An independent Standard Webhooks check (as a receiver would write it)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['Webhook-Id']}.{headers['Webhook-Timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(part.split(",", 1)[1], expected)
        for part in headers["Webhook-Signature"].split(" ")
        if part.startswith("v1,")
    )
