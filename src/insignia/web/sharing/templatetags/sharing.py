"""Sharing on pages other apps own: social preview tags, and the share panel of public badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.text import Truncator

from insignia.web.analytics.visitors import inbound_channel
from insignia.web.sharing import selectors
from insignia.web.sharing.cards import HEIGHT, WIDTH
from insignia.web.wallet.models import WalletItem

register = template.Library()


@register.inclusion_tag("sharing/includes/social_meta.html")
def social_meta(item: WalletItem) -> dict[str, Any]:
    """Open Graph and Twitter card tags of a public badge page (absolute URLs throughout)."""
    credential = item.credential
    version = credential.version
    org = credential.organisation
    holder = selectors.holder_name(item)
    fingerprint = selectors.card_content(item).fingerprint()[:16]
    card = selectors.absolute(reverse("sharing:card", args=[credential.pk]))
    title = f"{version.name} — earned by {holder}" if holder else f"{version.name} — {org.name}"
    description = Truncator(
        f"A verified Open Badge issued by {org.name}. {version.description}"
    ).chars(200)
    return {
        "url": selectors.credential_url(credential),
        "title": title,
        "description": description,
        "image": f"{card}?v={fingerprint}",
        "image_secure": card.startswith("https://"),
        "width": WIDTH,
        "height": HEIGHT,
        "alt": f"{version.name} badge from {org.name}"
        + (f", earned by {holder}" if holder else ""),
    }


@register.inclusion_tag("sharing/includes/public_panel.html", takes_context=True)
def public_share_panel(context: template.Context, item: WalletItem) -> dict[str, Any]:
    """Share links for everyone, "Add to LinkedIn" for the holder, and the programme link."""
    request = context.get("request")
    credential = item.credential
    user = getattr(request, "user", None)
    is_holder = bool(
        getattr(user, "is_authenticated", False) and getattr(user, "pk", None) == item.user_id
    )
    channel = inbound_channel(request) if request is not None else "direct"
    return {
        "item": item,
        "credential": credential,
        "org": credential.organisation,
        "badge": credential.version.name,
        "menu": selectors.share_menu(item),
        "is_holder": is_holder,
        "learn_more": selectors.learn_more_path(credential, channel),
        "image": credential.version.image,
    }
