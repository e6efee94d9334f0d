"""Emails at each step of an application, sent once the step is committed.

A mail outage never undoes a step: failures are logged, and every step is also visible on the
learner's "My applications" page and in the assessors' queue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from insignia.web.earning.models import Application
from insignia.web.earning.selectors import staff_emails
from insignia.web.issuers.models import Role

logger = logging.getLogger(__name__)

SUBJECTS = {
    "submitted": "We received your application for “{badge}”",
    "returned": "Your application for “{badge}” needs changes",
    "approved": "You earned “{badge}”",
    "rejected": "Your application for “{badge}” was not approved",
    "to_review": "An application for “{badge}” is waiting for review",
    "second_review": "An application for “{badge}” needs a second review",
    "disagreement": "Assessors disagree on an application for “{badge}”",
}


def _send(kind: str, application: Application, to: list[str], context: dict[str, Any]) -> None:
    if not to:
        return
    base = settings.INSIGNIA_BASE_URL
    context = {
        "application": application,
        "badge": application.version.name,
        "organisation": application.achievement.organisation,
        "application_url": base + reverse("earning:application", args=[application.pk]),
        "review_url": base + reverse("earning:review", args=[application.pk]),
        **context,
    }
    message = EmailMessage(
        subject=SUBJECTS[kind].format(badge=application.version.name),
        body=render_to_string(f"earning/email/{kind}.txt", context),
        to=to,
        reply_to=[application.achievement.organisation.email],
    )
    message.send()


def notify(
    kind: str,
    application: Application,
    *,
    to_learner: bool = False,
    to_roles: Iterable[Role] = (),
    exclude: Iterable[str] = (),
    **context: Any,
) -> None:
    """Email the learner and/or staff with ``to_roles`` about ``application`` after commit."""
    roles = list(to_roles)

    def send() -> None:
        try:
            if to_learner:
                _send(kind, application, [application.learner.email], context)
            if roles:
                skip = {e.lower() for e in exclude} | {application.learner.email.lower()}
                organisation = application.achievement.organisation
                staff = staff_emails(organisation=organisation, roles=roles) or staff_emails(
                    organisation=organisation, roles=[Role.OWNER]
                )  # an organisation without assessors: its owners assess
                for email in staff:
                    if email.lower() not in skip:
                        _send(kind, application, [email], context)
        except Exception:
            logger.exception("Could not email %s about application %s", kind, application.pk)

    transaction.on_commit(send)
