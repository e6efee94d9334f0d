"""Reads for sharing: public URLs, share targets, embed snippets, card and certificate content,
wallet hand-over links, and public learner profiles."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from insignia.web.accounts.models import User
from insignia.web.awards.models import Credential
from insignia.web.common.errors import NotFound
from insignia.web.images.selectors import image_url
from insignia.web.sharing import links
from insignia.web.sharing.cards import CardContent
from insignia.web.sharing.certificate import CertificateContent
from insignia.web.sharing.models import LearnerProfile
from insignia.web.wallet.models import WalletItem

#: Channels the share menu offers, in its order (``/s/<credential>/<channel>``).
SHARE_CHANNELS: dict[str, str] = {
    "linkedin": "LinkedIn",
    "x": "X",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "email": "Email",
}
#: The channel of LinkedIn's "Add to profile" form (counted apart from shares).
LINKEDIN_PROFILE = "linkedin-profile"
EXCHANGE_SALT = "insignia.sharing.wallet-exchange"
EXCHANGE_MAX_AGE = 30 * 60


def absolute(path: str) -> str:
    return settings.INSIGNIA_BASE_URL + path


def site_host() -> str:
    """The site's host name, as people see it (``badges.example.edu``)."""
    return urlsplit(settings.INSIGNIA_BASE_URL).netloc


def credential_url(credential: Credential, *, via: str | None = None) -> str:
    """The public page of a credential (its verification page), optionally tagged ``?via=``."""
    url = absolute(reverse("public:credential", args=[credential.pk]))
    return f"{url}?via={quote(via)}" if via else url


def holder_name(item: WalletItem) -> str:
    """The holder's name as the public page shows it (never their email address)."""
    return item.user.name or item.credential.recipient_name


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def linkedin_profile_url(item: WalletItem) -> str:
    """LinkedIn's add-certification form pre-filled for this credential."""
    credential = item.credential
    org = credential.organisation
    return links.linkedin_add_to_profile(
        name=credential.version.name,
        organisation_name=org.name,
        organisation_id=org.linkedin_organization_id,
        issued=_utc_day(credential.issued_at),
        expires=_utc_day(credential.valid_until) if credential.valid_until else None,
        cert_url=credential_url(credential),
        cert_id=str(credential.pk),
    )


def share_text(item: WalletItem) -> str:
    credential = item.credential
    return (
        f"I earned the “{credential.version.name}” badge from {credential.organisation.name}. "
        "Anyone can verify it here:"
    )


def share_target(item: WalletItem, channel: str) -> str:
    """Where ``/s/<credential>/<channel>`` leads.

    :raises NotFound: for channels we do not offer.
    """
    if channel == LINKEDIN_PROFILE:
        return linkedin_profile_url(item)
    url = credential_url(item.credential, via=channel)
    text = share_text(item)
    if channel == "linkedin":
        return links.linkedin_share(url=url)
    if channel == "x":
        return links.x_share(text=text, url=url)
    if channel == "facebook":
        return links.facebook_share(url=url)
    if channel == "whatsapp":
        return links.whatsapp_share(text=text, url=url)
    if channel == "email":
        credential = item.credential
        return links.email_share(
            subject=f"My “{credential.version.name}” badge from {credential.organisation.name}",
            body=f"Hello,\n\n{text}\n{url}\n",
        )
    raise NotFound()


@dataclass(frozen=True, slots=True)
class ShareMenu:
    public_url: str
    linkedin_profile: str
    items: list[tuple[str, str, str]]  # (channel, label, href of our counting redirect)


def share_menu(item: WalletItem) -> ShareMenu:
    pk = item.credential.pk
    return ShareMenu(
        public_url=credential_url(item.credential),
        linkedin_profile=reverse("sharing:share", args=[pk, LINKEDIN_PROFILE]),
        items=[
            (channel, label, reverse("sharing:share", args=[pk, channel]))
            for channel, label in SHARE_CHANNELS.items()
        ],
    )


def linkedin_fields(item: WalletItem) -> list[tuple[str, str]]:
    """What the LinkedIn form will be pre-filled with, for the learner to see first."""
    credential = item.credential
    org = credential.organisation
    issued = _utc_day(credential.issued_at)
    expires = _utc_day(credential.valid_until) if credential.valid_until else None
    return [
        ("Name", credential.version.name),
        (
            "Issuing organisation",
            f"{org.name} (LinkedIn page {org.linkedin_organization_id})"
            if org.linkedin_organization_id
            else org.name,
        ),
        ("Issue date", f"{issued:%B %Y}"),
        ("Expiration date", f"{expires:%B %Y}" if expires else "Does not expire"),
        ("Credential ID", str(credential.pk)),
        ("Credential URL", credential_url(credential)),
    ]


def learn_more_path(credential: Credential, channel: str) -> str | None:
    """Our counting redirect to the badge's programme page, when the issuer set one."""
    if not credential.achievement.learn_more_url:
        return None
    return reverse("sharing:learn_more", args=[credential.pk, channel])


def learn_more_target(credential: Credential, channel: str) -> str:
    """The programme page, tagged with UTM parameters for ``channel``.

    :raises NotFound: when the issuer set none.
    """
    url = credential.achievement.learn_more_url
    if not url:
        raise NotFound()
    campaign = slugify(credential.version.name) or "badge"
    return links.utm_tagged(url, channel=channel, campaign=campaign)


def badge_image_url(item: WalletItem) -> str:
    """The badge picture for other sites and email: PNG when there is one (email programs do
    not show SVG), else the SVG."""
    image = item.credential.version.image
    return image_url(image, extension="png" if image.has_png else None)


@dataclass(frozen=True, slots=True)
class Snippets:
    iframe: str
    image_link: str
    signature: str
    signature_text: str
    has_png: bool


def embed_snippets(item: WalletItem) -> Snippets:
    """HTML to paste into websites, e-portfolios and email signatures."""
    credential = item.credential
    context: dict[str, Any] = {
        "badge": credential.version.name,
        "org": credential.organisation.name,
        "holder": holder_name(item),
        "image": badge_image_url(item),
        "embed_url": absolute(reverse("sharing:embed", args=[credential.pk])),
        "embed_link": credential_url(credential, via="embed"),
        "signature_link": credential_url(credential, via="signature"),
    }
    return Snippets(
        iframe=render_to_string("sharing/snippets/iframe.html", context).strip(),
        image_link=render_to_string("sharing/snippets/image_link.html", context).strip(),
        signature=render_to_string("sharing/snippets/signature.html", context).strip(),
        signature_text=f"{context['badge']} — verified badge from {context['org']}: "
        f"{context['signature_link']}",
        has_png=credential.version.image.has_png,
    )


def card_content(item: WalletItem) -> CardContent:
    credential = item.credential
    return CardContent(
        badge_name=credential.version.name,
        holder_name=holder_name(item),
        issuer_name=credential.organisation.name,
        site=site_host(),
        badge_png=credential.version.image.png_bytes(),
    )


def certificate_content(item: WalletItem) -> CertificateContent:
    credential = item.credential
    version = credential.version
    return CertificateContent(
        holder_name=holder_name(item),
        badge_name=version.name,
        description=version.description,
        kind=str(version.get_achievement_type_display()),
        issuer_name=credential.organisation.name,
        issued=_utc_day(credential.issued_at),
        expires=_utc_day(credential.valid_until) if credential.valid_until else None,
        verify_url=credential_url(credential, via="qr"),
        credential_id=credential.credential_id,
        credential_json=credential.document.encode("utf-8"),
        badge_png=version.image.png_bytes(),
        skills=[a.target_name for a in version.alignments.all()],
    )


# --- handing the credential to a digital wallet ------------------------------------------


def exchange_token(item: WalletItem) -> str:
    """A signed, expiring token naming the credential (the wallet's pass to fetch it)."""
    return signing.dumps({"c": str(item.credential.pk)}, salt=EXCHANGE_SALT, compress=False)


def exchange_item(token: str) -> WalletItem:
    """The wallet entry a hand-over token names.

    :raises NotFound: for forged and expired tokens, and credentials no longer in a wallet.
    """
    try:
        payload = signing.loads(token, salt=EXCHANGE_SALT, max_age=EXCHANGE_MAX_AGE)
        credential_id = uuid.UUID(str(payload["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound() from None
    item = (
        WalletItem.objects.filter(credential_id=credential_id)
        .select_related("credential", "credential__organisation", "credential__achievement")
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@dataclass(frozen=True, slots=True)
class WalletHandover:
    exchange_url: str
    deep_link: str
    app_link: str
    minutes: int


def wallet_handover(item: WalletItem) -> WalletHandover:
    """Links a wallet app follows to fetch the credential over a VC-API exchange.

    ``deep_link`` is the Learner Credential Wallet's web link (it opens the app, or explains how
    to get it), ``app_link`` its custom scheme; both carry the same request.
    """
    exchange_url = absolute(reverse("sharing:exchange", args=[exchange_token(item)]))
    request = json.dumps(
        {
            "credentialRequestOrigin": settings.INSIGNIA_BASE_URL,
            "protocols": {"vcapi": exchange_url},
        },
        separators=(",", ":"),
    )
    encoded = quote(request, safe="")
    return WalletHandover(
        exchange_url=exchange_url,
        deep_link=f"https://lcw.app/request?request={encoded}",
        app_link=f"dccrequest://request?request={encoded}",
        minutes=EXCHANGE_MAX_AGE // 60,
    )


def exchange_offer(item: WalletItem) -> dict[str, Any]:
    """The VC-API exchange answer: a presentation carrying the signed credential."""
    return {
        "verifiablePresentation": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [json.loads(item.credential.document)],
        }
    }


# --- public learner profiles --------------------------------------------------------------


def learner_profile_of(*, user: User) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).first()


def public_learner_profile(*, profile_id: uuid.UUID | str) -> LearnerProfile:
    """A profile its learner made public.

    :raises NotFound: for unknown and private profiles alike.
    """
    profile = (
        LearnerProfile.objects.filter(pk=profile_id, is_public=True).select_related("user").first()
    )
    if profile is None:
        raise NotFound()
    return profile


def profile_items(*, profile: LearnerProfile) -> list[WalletItem]:
    """The badges the learner made public, newest first."""
    return list(
        WalletItem.objects.filter(user=profile.user, visibility=WalletItem.Visibility.PUBLIC)
        .select_related(
            "credential",
            "credential__organisation",
            "credential__version",
            "credential__version__image",
        )
        .order_by("-credential__issued_at")
    )


def public_badge_count(*, user: User) -> int:
    return WalletItem.objects.filter(user=user, visibility=WalletItem.Visibility.PUBLIC).count()


def profile_url(profile: LearnerProfile) -> str:
    return absolute(reverse("sharing:profile", args=[profile.pk]))


def profile_share_links(profile: LearnerProfile) -> list[tuple[str, str]]:
    """Where a learner can post their profile (plain links: profiles are not counted)."""
    url = profile_url(profile)
    text = f"My verified badges, in one place ({profile.user.name})".replace(" ()", "")
    return [
        ("LinkedIn", links.linkedin_share(url=url)),
        ("X", links.x_share(text=text, url=url)),
        ("Facebook", links.facebook_share(url=url)),
        ("WhatsApp", links.whatsapp_share(text=text, url=url)),
        ("Email", links.email_share(subject=text, body=f"{text}:\n{url}\n")),
    ]
