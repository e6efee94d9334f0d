"""Reads of the webhooks app, and the access functions for subscriptions and deliveries.

Only owners of the organisation see or change its endpoints (the secrets sign what the
organisation's systems will trust); everyone else gets the same 404 as for an unknown id.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Page, Paginator

from insignia.web.accounts.models import User
from insignia.web.common.errors import NotFound
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.selectors import has_role, user_roles
from insignia.web.webhooks.models import Delivery, Subscription


def access_subscription(
    *, user: User | Any, subscription_id: uuid.UUID | str, lock: bool = False
) -> Subscription:
    """The subscription when ``user`` owns its organisation.

    :raises NotFound: when it does not exist or the user is not an owner there.
    """
    rows = Subscription.objects.select_related("organisation")
    if lock:
        rows = rows.select_for_update(of=("self",))
    subscription = rows.filter(pk=subscription_id).first()
    if subscription is None or not has_role(
        user_roles(user=user, organisation=subscription.organisation), Role.OWNER
    ):
        raise NotFound()
    return subscription


def access_delivery(
    *, user: User | Any, delivery_id: uuid.UUID | str, lock: bool = False
) -> Delivery:
    """The delivery when ``user`` owns the organisation of its subscription.

    :raises NotFound: when it does not exist or the user is not an owner there.
    """
    rows = Delivery.objects.select_related("subscription", "subscription__organisation")
    if lock:
        rows = rows.select_for_update(of=("self",))
    delivery = rows.filter(pk=delivery_id).first()
    if delivery is None or not has_role(
        user_roles(user=user, organisation=delivery.subscription.organisation), Role.OWNER
    ):
        raise NotFound()
    return delivery


def organisation_subscriptions(*, organisation: Organisation) -> list[Subscription]:
    return list(Subscription.objects.filter(organisation=organisation).order_by("created_at"))


def subscription_deliveries(
    *, subscription: Subscription, page: int | str = 1, per_page: int = 50
) -> Page[Delivery]:
    """The delivery log, newest first."""
    rows = (
        Delivery.objects.filter(subscription=subscription)
        .defer("body", "history")
        .order_by("-created_at", "-id")
    )
    return Paginator(rows, per_page).get_page(page)
