"""Webhook subscriptions of organisations, the deliveries owed to them (an outbox), and which
credentials' expiry has been announced.

A :class:`Delivery` is written in the same transaction as the change it reports, so a committed
change always has its deliveries and a rolled-back one never does.  Its ``body`` is the exact
JSON text that is signed and sent, never rebuilt, so every retry carries the same bytes and the
same ``Webhook-Id`` (the delivery's id): receivers deduplicate on it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation


class EventType(models.TextChoices):
    """What a subscription can ask to hear about."""

    CREDENTIAL_ISSUED = "credential.issued", "A badge was awarded"
    CREDENTIAL_CLAIMED = "credential.claimed", "A recipient accepted a badge"
    CREDENTIAL_REVOKED = "credential.revoked", "A badge was revoked"
    CREDENTIAL_EXPIRED = "credential.expired", "A badge expired"
    CREDENTIAL_SUSPENDED = "credential.suspended", "A badge was suspended"
    CREDENTIAL_REINSTATED = "credential.reinstated", "A suspended badge was reinstated"
    APPLICATION_SUBMITTED = "application.submitted", "A learner submitted an application"


#: Sent by the "Send a test event" button, whatever the subscription chose.
TEST_EVENT = "webhook.test"


class Subscription(models.Model):
    """An endpoint of an organisation that receives the events it chose, signed with ``secret``.

    ``secret`` is ``whsec_`` + base64 of 32 random bytes (the Standard Webhooks form); it is
    shown once, when made or rotated.  After a rotation the previous secret also signs (a
    second ``v1,`` signature) until ``previous_secret_expires_at``, so receivers can switch
    without losing deliveries.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField("endpoint URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    #: The chosen :class:`EventType` values.
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    #: Why it was switched off by the platform (e.g. the endpoint answered 410 Gone).
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    secret_rotated_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class Delivery(models.Model):
    """One event owed to one subscription, and how sending it went.

    ``next_attempt_at`` is when it may be tried (again); a worker claims a due row by moving it
    to the retry time and changing ``claim`` in one conditional update, so a second worker
    cannot send it meanwhile, and a worker that dies mid-send leaves a row that simply comes
    due again (at-least-once delivery; receivers deduplicate on ``Webhook-Id``).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    #: The event's id: the same in every subscription's copy of one event.
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40)
    #: The JSON text that is signed and sent (never rebuilt).
    body = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    #: Changes at every claim; a result is recorded only by the claim that is still current.
    claim = models.CharField(max_length=32, blank=True)
    #: One entry per attempt: ``{"n", "at", "status", "error", "ms"}`` (the latest 20).
    history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [  # noqa: RUF012
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.subscription_id} ({self.state})"


class ExpiryNotice(models.Model):
    """A credential whose expiry has been announced (``credential.expired`` is sent once)."""

    credential = models.OneToOneField(
        Credential,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="webhook_expiry_notice",
    )
    noticed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"expiry of {self.credential_id}"
