"""Owners' pages: access control, the secret shown once, test events, the log, redelivery."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from insignia.web.issuers.services import organisation_create
from insignia.web.webhooks import services
from insignia.web.webhooks.models import Delivery, EventType, Subscription
from tests.web.test_accessibility import audit

HOOK = "https://hooks.example.com/insignia"


@pytest.fixture
def subscription(subscribe) -> Subscription:
    return subscribe(HOOK, [EventType.CREDENTIAL_ISSUED, EventType.CREDENTIAL_REVOKED])


@pytest.fixture
def delivery(subscription, award) -> Delivery:
    award()
    return Delivery.objects.get(subscription=subscription)


def urls(org, subscription, delivery) -> dict[str, tuple[str, str]]:
    sub = (org.pk, subscription.pk)
    return {
        "list": ("get", reverse("webhooks:list", args=[org.pk])),
        "create": ("get", reverse("webhooks:create", args=[org.pk])),
        "detail": ("get", reverse("webhooks:detail", args=sub)),
        "delivery": ("get", reverse("webhooks:delivery", args=[*sub, delivery.pk])),
        "rotate": ("post", reverse("webhooks:rotate", args=sub)),
        "test": ("post", reverse("webhooks:test", args=sub)),
        "redeliver": ("post", reverse("webhooks:redeliver", args=[*sub, delivery.pk])),
        "delete": ("post", reverse("webhooks:delete", args=sub)),
    }


def test_only_owners_of_that_organisation(
    org, staff, subscription, delivery, client_for, make_user
) -> None:
    stranger = make_user("otto@southgate.example")
    organisation_create(
        actor=stranger,
        name="Southgate College",
        url="https://southgate.example",
        email="badges@southgate.example",
    )
    secret = subscription.secret
    for who in ("designer", "assessor", "issuer", "outsider"):
        client = client_for(staff[who])
        for name, (method, url) in urls(org, subscription, delivery).items():
            assert getattr(client, method)(url).status_code == 404, (who, name)
    for name, (method, url) in urls(org, subscription, delivery).items():
        assert getattr(client_for(stranger), method)(url).status_code == 404, name
        anonymous = getattr(client_for(None), method)(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    subscription.refresh_from_db()
    assert subscription.secret == secret and Delivery.objects.count() == 1  # nothing changed
    owner = client_for(staff["owner"])
    for name, (method, url) in urls(org, subscription, delivery).items():
        if method == "get":
            assert owner.get(url).status_code == 200, name


def test_a_subscription_under_another_organisations_url_is_not_found(
    org, staff, subscription, delivery, client_for
) -> None:
    other = organisation_create(
        actor=staff["owner"], name="Second", url="https://second.example", email="a@second.example"
    )
    owner = client_for(staff["owner"])
    assert (
        owner.get(reverse("webhooks:detail", args=[other.pk, subscription.pk])).status_code == 404
    )
    assert (
        owner.get(reverse("webhooks:delivery", args=[org.pk, other.pk, delivery.pk])).status_code
        == 404
    )


def test_create_shows_the_secret_once(org, staff, client_for, loopback) -> None:
    client = client_for(staff["owner"])
    response = client.post(
        reverse("webhooks:create", args=[org.pk]),
        {"url": HOOK, "events": ["credential.issued", "credential.claimed"], "description": "HR"},
        follow=True,
    )
    subscription = Subscription.objects.get()
    assert subscription.events == ["credential.issued", "credential.claimed"]
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    again = client.get(reverse("webhooks:detail", args=[org.pk, subscription.pk]))
    assert subscription.secret not in again.content.decode()
    assert again["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/x", "Only https"),
        ("https://10.0.0.8/x", "not a public address"),
        ("https://169.254.169.254/latest", "not a public address"),
    ],
)
def test_create_refuses_unsafe_urls(org, staff, client_for, url, message) -> None:
    response = client_for(staff["owner"]).post(
        reverse("webhooks:create", args=[org.pk]), {"url": url, "events": ["credential.issued"]}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Subscription.objects.exists()


def test_loopback_only_when_the_setting_allows_it(org, staff, settings) -> None:
    settings.INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(services.ApplicationError):
        services.subscription_create(
            actor=staff["owner"],
            organisation_id=org.pk,
            url="http://127.0.0.1:9000/hook",
            events=["credential.issued"],
        )
    settings.INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK = True
    services.subscription_create(
        actor=staff["owner"],
        organisation_id=org.pk,
        url="http://127.0.0.1:9000/hook",
        events=["credential.issued"],
    )


def test_rotate_test_redeliver_and_delete(org, staff, subscription, delivery, client_for) -> None:
    client = client_for(staff["owner"])
    old = subscription.secret
    response = client.post(reverse("webhooks:rotate", args=[org.pk, subscription.pk]), follow=True)
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.previous_secret == old
    assert subscription.secret in response.content.decode()
    assert old not in response.content.decode()

    client.post(reverse("webhooks:test", args=[org.pk, subscription.pk]))
    assert Delivery.objects.filter(subscription=subscription, event_type="webhook.test").exists()

    Delivery.objects.filter(pk=delivery.pk).update(state="failed", attempts=3, next_attempt_at=None)
    client.post(reverse("webhooks:redeliver", args=[org.pk, subscription.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert delivery.next_attempt_at is not None

    client.post(reverse("webhooks:delete", args=[org.pk, subscription.pk]))
    assert not Subscription.objects.exists() and not Delivery.objects.exists()


def test_edit_switches_off_and_changes_events(org, staff, subscription, client_for) -> None:
    client_for(staff["owner"]).post(
        reverse("webhooks:detail", args=[org.pk, subscription.pk]),
        {"url": HOOK + "/v2", "events": ["credential.expired"], "description": "CRM"},
    )
    subscription.refresh_from_db()
    assert subscription.url == HOOK + "/v2" and subscription.events == ["credential.expired"]
    assert not subscription.is_active and subscription.description == "CRM"


def test_log_and_delivery_pages(org, staff, subscription, delivery, client_for) -> None:
    client = client_for(staff["owner"])
    Delivery.objects.filter(pk=delivery.pk).update(last_status_code=503, attempts=2)
    page = client.get(reverse("webhooks:detail", args=[org.pk, subscription.pk]))
    html = page.content.decode()
    assert "credential.issued" in html and "HTTP 503" in html
    detail = client.get(reverse("webhooks:delivery", args=[org.pk, subscription.pk, delivery.pk]))
    text = detail.content.decode()
    assert str(delivery.pk) in text and "&quot;type&quot;: &quot;credential.issued&quot;" in text
    assert re.search(r"Redeliver</button>", text)


def test_pages_pass_the_accessibility_audit(org, staff, subscription, delivery, client_for):
    client = client_for(staff["owner"])
    for url in (
        reverse("webhooks:list", args=[org.pk]),
        reverse("webhooks:create", args=[org.pk]),
        reverse("webhooks:detail", args=[org.pk, subscription.pk]),
        reverse("webhooks:delivery", args=[org.pk, subscription.pk, delivery.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = audit(response.content.decode())
        assert page.lang and page.h1 == 1, url
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        assert page.scripts == 0, url
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, f"{url}: {unlabelled}"
    dashboard = client.get(reverse("issuers:dashboard", args=[org.pk])).content.decode()
    assert reverse("webhooks:list", args=[org.pk]) in dashboard
