"""Reads about people and their email addresses."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from insignia.web.accounts.models import User, normalise_email


def user_verified_emails(*, user: User) -> list[str]:
    """Return every verified address of ``user``, normalised (a badge sent to any is theirs)."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({normalise_email(e) for e in emails})


def user_owning_email(*, email: str) -> User | None:
    """Return the user who verified ``email``, or None."""
    row = (
        EmailAddress.objects.filter(email__iexact=normalise_email(email), verified=True)
        .select_related("user")
        .first()
    )
    return row.user if row is not None else None


def user_by_email(*, email: str) -> User | None:
    """Return the user with ``email`` as any address (verified or not), or None."""
    email = normalise_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    row = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    return row.user if row is not None else None
