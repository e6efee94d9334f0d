"""Rate limits on the verifier, the public API and sign-up: per address and per token (#10)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from insignia.web.common import ratelimit
from insignia.web.common.ratelimit import Rate, check, client_ip, parse_rate


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


@pytest.fixture
def limits(settings):
    cache.clear()
    settings.INSIGNIA_DISABLE_RATE_LIMITS = False
    settings.INSIGNIA_RATE_LIMITS = {"verify": "3/m", "api": "3/m", "test": "3/m"}
    yield settings.INSIGNIA_RATE_LIMITS
    cache.clear()


def request(ip: str = "203.0.113.7", **meta: str):
    return RequestFactory().get("/", REMOTE_ADDR=ip, **meta)


def test_parse_rate() -> None:
    assert parse_rate("30/m") == Rate(30, 60)
    assert parse_rate("100/5m") == Rate(100, 300)
    assert parse_rate(" 1000 / d ") == Rate(1000, 86400)
    for bad in ("", "30", "m/30", "30/w", "-1/m"):
        with pytest.raises(ValueError):
            parse_rate(bad)


def test_sliding_window_and_retry_after_is_accurate(limits, clock) -> None:
    clock.now = 60 * 30_000_000 + 50.0  # 50 s into a window
    for _ in range(3):
        assert check(request(), "test") is None
    refused = check(request(), "test")
    assert refused is not None and refused.scope == "test"
    # Next window, 10 s later: the previous window still weighs 3 × 50/60 = 2.5 → still full.
    clock.now += 10
    refused = check(request(), "test")
    assert refused is not None
    wait = refused.retry_after
    assert 1 < wait <= 60
    clock.now += wait - 1
    assert check(request(), "test") is not None  # one second early: still refused
    clock.now += 1
    assert check(request(), "test") is None  # exactly when we said


def test_refused_requests_are_not_counted(limits, clock) -> None:
    for _ in range(3):
        assert check(request(), "test") is None
    for _ in range(50):
        assert check(request(), "test") is not None
    clock.now += 120  # two windows later everything has decayed
    for _ in range(3):
        assert check(request(), "test") is None


def test_each_address_has_its_own_budget(limits, clock) -> None:
    for _ in range(3):
        check(request("203.0.113.7"), "test")
    assert check(request("203.0.113.7"), "test") is not None
    assert check(request("203.0.113.8"), "test") is None
    # An IPv6 subscriber's /64 is one client, whatever address in it they pick.
    for n in range(3):
        assert check(request(f"2001:db8:1:2::{n + 1}"), "test") is None
    assert check(request("2001:db8:1:2:ffff::9"), "test") is not None
    assert check(request("2001:db8:1:3::1"), "test") is None
    # Another scope is counted apart.
    assert check(request("203.0.113.7"), "api") is None


def test_forwarded_for_only_behind_a_proxy(limits, settings) -> None:
    spoofed = request("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.44")
    assert client_ip(spoofed) == "10.0.0.1"
    settings.INSIGNIA_BEHIND_PROXY = True
    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    assert client_ip(spoofed) == "192.0.2.44"
    assert client_ip(request("10.0.0.1")) == "10.0.0.1"


def test_tokens_are_counted_on_their_own_and_with_the_address(limits, clock) -> None:
    token_a = {"HTTP_AUTHORIZATION": "Bearer secret-token-a"}
    for n in range(3):
        assert check(request(f"198.51.100.{n}", **token_a), "api") is None
    # The token's budget is spent, whichever address it comes from…
    assert check(request("198.51.100.99", **token_a), "api") is not None
    # …and inventing tokens does not lift an address's budget.
    for n in range(3):
        check(request("192.0.2.1", HTTP_AUTHORIZATION=f"Bearer made-up-{n}"), "api")
    assert check(request("192.0.2.1", HTTP_AUTHORIZATION="Bearer another"), "api") is not None
    # A request refused for its token does not use up its address's budget.
    for _ in range(10):
        assert check(request("198.51.100.50", **token_a), "api") is not None
    for _ in range(3):
        assert check(request("198.51.100.50"), "api") is None
    key = ratelimit.bearer_token_key(request(**token_a))
    assert key and "secret" not in key and len(key) == 32


def test_disabled_by_setting(limits, settings) -> None:
    settings.INSIGNIA_DISABLE_RATE_LIMITS = True
    for _ in range(10):
        assert check(request(), "test") is None


def test_verifier_page_answers_429_with_a_page(limits, clock) -> None:
    client = Client()
    url = reverse("verification:verify")
    for _ in range(3):
        assert client.post(url, {"text": ""}).status_code == 200
    response = client.post(url, {"text": ""})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert "Too many requests" in html and "Please wait" in html
    assert 'href="#main"' in html  # the site's layout, not a bare error
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_verification_api_answers_429_in_json(limits, clock) -> None:
    client = Client()
    for _ in range(3):
        response = client.post("/api/v1/verify", b"not a badge", content_type="text/plain")
        assert response.status_code == 422
    response = client.post("/api/v1/verify", b"not a badge", content_type="text/plain")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited" and body["retry_after"] == int(response["Retry-After"])
    assert "Too many requests" in body["message"]


def test_public_api_is_limited_per_address(limits, clock, org) -> None:
    url = f"/api/v1/issuers/{org.pk}/achievements"
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    for _ in range(3):
        assert first.get(url).status_code == 200
    assert first.get(url).status_code == 429
    assert second.get(url).status_code == 200
    missing = "/api/v1/credentials/00000000-0000-4000-8000-000000000000/verification"
    assert first.get(missing).status_code == 429  # the same "api" budget


def test_signup_is_limited_by_allauth_with_our_page(db) -> None:
    cache.clear()
    client = Client()
    with override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/m/ip"}):
        for n in range(2):
            response = client.post(
                reverse("account_signup"),
                {
                    "name": "Jamie",
                    "email": f"jamie{n}@example.com",
                    "password1": "a-long-unusual-passphrase",
                    "password2": "a-long-unusual-passphrase",
                },
            )
            assert response.status_code == 302
            client.logout()
        response = client.post(
            reverse("account_signup"),
            {
                "name": "Jamie",
                "email": "jamie9@example.com",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )
    cache.clear()
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
