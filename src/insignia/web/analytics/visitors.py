"""Who is asking, in the only two ways analytics cares about: a person or a robot, and which
channel brought them.  Nothing here is stored; the answers become a count or nothing at all."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

from insignia.web.analytics.models import Channel

#: User agents that are not a person reading the page: search engines, the preview fetchers of
#: social networks and chat apps (they must see the page, but are not an audience), uptime
#: monitors, command-line and library clients, headless browsers, verifiers (ours included).
_ROBOTS = re.compile(
    r"(?:bot|crawler|spider)(?:\b|[/_;-])|crawl|slurp|facebookexternalhit|facebookcatalog|"
    r"embedly|preview|whatsapp|telegram|discord|skype|vkshare|pinterest|bitly|tumblr|"
    r"google-|googleimageproxy|feedfetcher|mediapartners|headless|phantomjs|lighthouse|"
    r"pingdom|uptime|monitor|validator|curl/|wget/|python-|httpx|aiohttp|go-http-client|"
    r"java/|okhttp|libwww|scrapy|node-fetch|axios/|insignia-",
    re.IGNORECASE,
)

#: Channels a visitor may name with ``?via=`` on a public page (the links we hand out).
INBOUND = frozenset(
    {
        Channel.LINKEDIN,
        Channel.X,
        Channel.FACEBOOK,
        Channel.EMAIL,
        Channel.WHATSAPP,
        Channel.SLACK,
        Channel.TEAMS,
        Channel.EMBED,
        Channel.SIGNATURE,
        Channel.PROFILE,
        Channel.QR,
    }
)

#: Referring sites and the channel they stand for (the host itself or any subdomain).
_REFERRERS: dict[str, Channel] = {
    "linkedin.com": Channel.LINKEDIN,
    "lnkd.in": Channel.LINKEDIN,
    "x.com": Channel.X,
    "twitter.com": Channel.X,
    "t.co": Channel.X,
    "facebook.com": Channel.FACEBOOK,
    "fb.com": Channel.FACEBOOK,
    "fb.me": Channel.FACEBOOK,
    "messenger.com": Channel.FACEBOOK,
    "whatsapp.com": Channel.WHATSAPP,
    "wa.me": Channel.WHATSAPP,
    "slack.com": Channel.SLACK,
    "teams.microsoft.com": Channel.TEAMS,
    "teams.live.com": Channel.TEAMS,
    "mail.google.com": Channel.EMAIL,
    "outlook.live.com": Channel.EMAIL,
    "outlook.office.com": Channel.EMAIL,
    "outlook.office365.com": Channel.EMAIL,
    "mail.yahoo.com": Channel.EMAIL,
}


def is_robot(user_agent: str) -> bool:
    """True for automated clients (and for requests that do not say what they are)."""
    return not user_agent.strip() or bool(_ROBOTS.search(user_agent))


def is_countable(request: HttpRequest) -> bool:
    """A GET by a person's browser that is really being shown (not a prefetch, not a robot)."""
    if request.method != "GET":
        return False
    purpose = (
        request.headers.get("Sec-Purpose", "")
        + request.headers.get("Purpose", "")
        + request.headers.get("X-Moz", "")
    )
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    return not is_robot(request.headers.get("User-Agent", ""))


def channel_of_referrer(referrer: str) -> Channel:
    """The channel a ``Referer`` header points to (our own pages count as direct)."""
    host = (urlsplit(referrer).hostname or "").lower()
    if not host or host == (urlsplit(settings.INSIGNIA_BASE_URL).hostname or "").lower():
        return Channel.DIRECT
    for domain, channel in _REFERRERS.items():
        if host == domain or host.endswith("." + domain):
            return channel
    return Channel.WEB


def inbound_channel(request: HttpRequest) -> Channel:
    """How the visitor reached a public page: the ``via`` of the link we handed out, else the
    referring site, else direct."""
    via = request.GET.get("via", "")
    if via in INBOUND:
        return Channel(via)
    return channel_of_referrer(request.headers.get("Referer", ""))


def valid_channel(value: str, default: Channel = Channel.DIRECT) -> Channel:
    """``value`` as a channel we hand out links for, else ``default``."""
    return Channel(value) if value in INBOUND else default
