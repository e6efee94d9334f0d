"""Writes about people: creating accounts outside the sign-up form, verified addresses."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from insignia.web.accounts.models import User, normalise_email
from insignia.web.accounts.selectors import user_by_email
from insignia.web.common.errors import ApplicationError


@transaction.atomic
def user_create(
    *, email: str, name: str, password: str | None, email_verified: bool = False
) -> User:
    """Create a user whose primary address is ``email``.

    :param email_verified: True when the caller has proof of the address (a claim link that
        was sent to it, or a seeded demo account).
    :raises ApplicationError: when the address already belongs to an account.
    """
    email = normalise_email(email)
    if user_by_email(email=email) is not None:
        raise ApplicationError("An account with this email address already exists.", field="email")
    user = User.objects.create_user(email, password, name=name.strip())
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def user_add_verified_email(*, user: User, email: str) -> EmailAddress:
    """Record that ``user`` controls ``email`` (they followed a link sent to it).

    :raises ApplicationError: when another account has already verified the address.
    """
    email = normalise_email(email)
    rows = list(EmailAddress.objects.select_for_update().filter(email__iexact=email))
    if any(row.user_id != user.pk and row.verified for row in rows):
        raise ApplicationError("This email address belongs to another account.")
    mine = next((row for row in rows if row.user_id == user.pk), None)
    if mine is None:
        mine = EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)
    elif not mine.verified:
        mine.verified = True
        mine.save(update_fields=["verified"])
    return mine
