"""Login throttling and lockout with django-axes, through allauth's email sign-in form (#10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tests.web.conftest import PASSWORD

EMAIL = "jamie.rivera@example.com"


@pytest.fixture(autouse=True)
def lockout_on(db):
    cache.clear()
    # allauth's own login limit is switched off here so that these tests see axes alone.
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, ACCOUNT_RATE_LIMITS=False):
        yield
    cache.clear()


@pytest.fixture
def learner(make_user):
    return make_user(EMAIL, "Jamie Rivera")


def sign_in(client: Client, password: str, login: str = EMAIL):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_five_failures_lock_the_account_from_that_address(learner) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, "wrong-password")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    html = response.content.decode()
    assert "Sign-in is paused" in html and "15 minutes" in html
    assert reverse("account_reset_password") in html
    # Even the right password is refused now, and nobody is signed in.
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Someone else's failures do not lock the learner out of their own account elsewhere.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    response = sign_in(elsewhere, PASSWORD)
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(learner.pk)


def test_the_address_is_counted_whatever_its_case(learner) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for login in ("Jamie.Rivera@Example.com", EMAIL, " JAMIE.RIVERA@EXAMPLE.COM", EMAIL):
        sign_in(client, "wrong", login=login)
    assert sign_in(client, "wrong", login="jamie.RIVERA@example.com").status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.username == EMAIL and attempt.failures_since_start == 5


def test_the_lock_ends_after_the_cool_off(learner) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_a_successful_sign_in_resets_the_count(learner) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_direct_authenticate_calls_are_guarded_too(learner) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert authenticate(request, email=EMAIL, password="wrong") is None
    assert authenticate(request, email=EMAIL, password=PASSWORD) is None  # locked
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
    assert authenticate(other, email=EMAIL, password=PASSWORD) == learner
