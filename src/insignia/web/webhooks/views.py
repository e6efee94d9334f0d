"""Owners' pages for webhook endpoints: list, add, edit, secret, test event, delivery log."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from insignia.web.common.auth import current_user
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.common.forms import add_application_error
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation
from insignia.web.webhooks import selectors, services
from insignia.web.webhooks.forms import SubscriptionEditForm, SubscriptionForm
from insignia.web.webhooks.models import Delivery, Subscription

_SECRET_KEY = "webhooks.secret.{}"  # noqa: S105 (a session key, not a secret)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _subscription(
    request: HttpRequest, organisation_id: uuid.UUID, subscription_id: uuid.UUID
) -> Subscription:
    subscription = selectors.access_subscription(
        user=current_user(request), subscription_id=subscription_id
    )
    if subscription.organisation_id != organisation_id:
        raise NotFound()
    return subscription


def _show_secret_once(request: HttpRequest, subscription: Subscription) -> None:
    """Keep the secret for the next page only (it is never shown again)."""
    request.session[_SECRET_KEY.format(subscription.pk)] = subscription.secret


@login_required
@require_safe
def subscription_list(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    org = access_organisation(
        user=current_user(request), organisation_id=organisation_id, role=Role.OWNER
    )
    return _private(
        render(
            request,
            "webhooks/list.html",
            {"org": org, "subscriptions": selectors.organisation_subscriptions(organisation=org)},
        )
    )


@login_required
def subscription_new(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    user = current_user(request)
    org = access_organisation(user=user, organisation_id=organisation_id, role=Role.OWNER)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(
                actor=user,
                organisation_id=org.pk,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            _show_secret_once(request, subscription)
            messages.success(request, "The endpoint is added. Copy its signing secret now.")
            return redirect("webhooks:detail", org.pk, subscription.pk)
    return _private(render(request, "webhooks/form.html", {"org": org, "form": form}))


@login_required
def subscription_detail(
    request: HttpRequest, organisation_id: uuid.UUID, subscription_id: uuid.UUID
) -> HttpResponse:
    """The endpoint's settings and its delivery log (newest first, 50 a page)."""
    user = current_user(request)
    subscription = _subscription(request, organisation_id, subscription_id)
    initial = {
        "url": subscription.url,
        "description": subscription.description,
        "events": subscription.events,
        "is_active": subscription.is_active,
    }
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                actor=user,
                subscription_id=subscription.pk,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, "The endpoint is saved.")
            return redirect("webhooks:detail", organisation_id, subscription.pk)
    secret = request.session.pop(_SECRET_KEY.format(subscription.pk), None)
    page = selectors.subscription_deliveries(
        subscription=subscription, page=request.GET.get("page", 1)
    )
    return _private(
        render(
            request,
            "webhooks/detail.html",
            {
                "org": subscription.organisation,
                "subscription": subscription,
                "form": form,
                "secret": secret,
                "page": page,
            },
        )
    )


@login_required
@require_POST
def subscription_rotate(
    request: HttpRequest, organisation_id: uuid.UUID, subscription_id: uuid.UUID
) -> HttpResponse:
    subscription = _subscription(request, organisation_id, subscription_id)
    subscription = services.subscription_rotate_secret(
        actor=current_user(request), subscription_id=subscription.pk
    )
    _show_secret_once(request, subscription)
    messages.success(
        request,
        "A new secret is made. The old one keeps signing beside it for 24 hours, so that you "
        "can switch your system over.",
    )
    return redirect("webhooks:detail", organisation_id, subscription.pk)


@login_required
@require_POST
def subscription_test(
    request: HttpRequest, organisation_id: uuid.UUID, subscription_id: uuid.UUID
) -> HttpResponse:
    subscription = _subscription(request, organisation_id, subscription_id)
    services.subscription_send_test(actor=current_user(request), subscription_id=subscription.pk)
    messages.success(request, "A test event is on its way; its delivery is at the top of the log.")
    return redirect("webhooks:detail", organisation_id, subscription.pk)


@login_required
@require_POST
def subscription_remove(
    request: HttpRequest, organisation_id: uuid.UUID, subscription_id: uuid.UUID
) -> HttpResponse:
    subscription = _subscription(request, organisation_id, subscription_id)
    services.subscription_delete(actor=current_user(request), subscription_id=subscription.pk)
    messages.success(request, "The endpoint and its delivery log are deleted.")
    return redirect("webhooks:list", organisation_id)


def _delivery(
    request: HttpRequest,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> Delivery:
    delivery = selectors.access_delivery(user=current_user(request), delivery_id=delivery_id)
    subscription = delivery.subscription
    if subscription.pk != subscription_id or subscription.organisation_id != organisation_id:
        raise NotFound()
    return delivery


@login_required
@require_safe
def delivery_detail(
    request: HttpRequest,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> HttpResponse:
    delivery = _delivery(request, organisation_id, subscription_id, delivery_id)
    try:
        payload = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        payload = delivery.body
    return _private(
        render(
            request,
            "webhooks/delivery.html",
            {
                "org": delivery.subscription.organisation,
                "subscription": delivery.subscription,
                "delivery": delivery,
                "payload": payload,
                "history": list(reversed(delivery.history)),
            },
        )
    )


@login_required
@require_POST
def delivery_redeliver(
    request: HttpRequest,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> HttpResponse:
    delivery = _delivery(request, organisation_id, subscription_id, delivery_id)
    services.delivery_redeliver(actor=current_user(request), delivery_id=delivery.pk)
    messages.success(request, "The delivery is queued again, with the same Webhook-Id.")
    return redirect("webhooks:delivery", organisation_id, subscription_id, delivery.pk)
