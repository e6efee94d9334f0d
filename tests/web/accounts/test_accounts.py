"""Sign-up with email verification, login, several addresses per person."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from insignia.web.accounts.models import User
from insignia.web.accounts.selectors import user_owning_email, user_verified_emails
from insignia.web.accounts.services import user_add_verified_email, user_create
from insignia.web.common.errors import ApplicationError


def test_signup_requires_email_verification(client, db) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Jamie Rivera",
            "email": "Jamie@Example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.name == "Jamie Rivera"
    assert user.email == "jamie@example.com"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link is not None
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=user).verified


def test_signup_form_keeps_input_on_error(client, db) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Jamie Rivera",
            "email": "jamie@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "different",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Jamie Rivera"' in html and 'value="jamie@example.com"' in html
    assert "errorlist" in html


def test_login_with_email(client, make_user) -> None:
    make_user("learner@example.com")
    response = client.post(
        reverse("account_login"),
        {"login": "learner@example.com", "password": "correct-horse-battery-staple-9"},
    )
    assert response.status_code == 302
    assert client.get(reverse("wallet:list")).status_code == 200


def test_unverified_login_is_held_back(client, make_user) -> None:
    make_user("new@example.com", verified=False)
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.com", "password": "correct-horse-battery-staple-9"},
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_several_addresses(make_user) -> None:
    user = make_user("main@example.com")
    EmailAddress.objects.create(user=user, email="work@uni.example", verified=True)
    EmailAddress.objects.create(user=user, email="pending@example.com", verified=False)
    assert user_verified_emails(user=user) == ["main@example.com", "work@uni.example"]
    assert user_owning_email(email="WORK@uni.example") == user
    assert user_owning_email(email="pending@example.com") is None


def test_add_verified_email_refuses_someone_elses(make_user) -> None:
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    try:
        user_add_verified_email(user=alice, email="bob@example.com")
    except ApplicationError as exc:
        assert "another account" in exc.message
    else:
        raise AssertionError("should have refused")
    row = user_add_verified_email(user=alice, email="alice.work@example.com")
    assert row.verified and row.user == alice
    assert user_owning_email(email="bob@example.com") == bob


def test_user_create_refuses_duplicates(make_user) -> None:
    make_user("taken@example.com")
    try:
        user_create(email="Taken@Example.com", name="X", password="long-password-123")
    except ApplicationError as exc:
        assert exc.field == "email"
    else:
        raise AssertionError("should have refused")


def test_password_reset(client, make_user) -> None:
    make_user("forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "/accounts/password/reset/key/" in message.body
