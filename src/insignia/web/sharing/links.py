"""Share links of the services learners put badges on, built exactly as each one expects.

Pure functions of plain values (no database, no settings), so that tests can check every
parameter name and its encoding.  Every value is percent-encoded; nothing is left raw.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
X_SHARE = "https://x.com/intent/tweet"
FACEBOOK_SHARE = "https://www.facebook.com/sharer/sharer.php"
WHATSAPP_SHARE = "https://wa.me/"


def _query(params: list[tuple[str, str]]) -> str:
    """``a=1&b=2`` with every value percent-encoded (spaces as %20, never +)."""
    return urlencode(params, quote_via=quote, safe="")


def linkedin_add_to_profile(
    *,
    name: str,
    organisation_name: str,
    organisation_id: str = "",
    issued: date,
    expires: date | None = None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "Add licence or certification" form, pre-filled.

    The organisation is named by its LinkedIn id when there is one (LinkedIn then shows its
    logo and links its page), else by name.  Months are 1–12.  Without ``expires`` the
    expiration fields are left out, so LinkedIn records "does not expire".
    """
    params = [("startTask", "CERTIFICATION_NAME"), ("name", name)]
    if organisation_id:
        params.append(("organizationId", organisation_id))
    else:
        params.append(("organizationName", organisation_name))
    params += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if expires is not None:
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{LINKEDIN_ADD_TO_PROFILE}?{_query(params)}"


def linkedin_share(*, url: str) -> str:
    """Share to the LinkedIn feed (LinkedIn reads the rest from the page's Open Graph tags)."""
    return f"{LINKEDIN_SHARE}?{_query([('url', url)])}"


def x_share(*, text: str, url: str) -> str:
    return f"{X_SHARE}?{_query([('text', text), ('url', url)])}"


def facebook_share(*, url: str) -> str:
    return f"{FACEBOOK_SHARE}?{_query([('u', url)])}"


def whatsapp_share(*, text: str, url: str) -> str:
    return f"{WHATSAPP_SHARE}?{_query([('text', f'{text} {url}')])}"


def email_share(*, subject: str, body: str) -> str:
    """A ``mailto:`` link with subject and body (RFC 6068: percent-encoded, CRLF line breaks)."""
    return "mailto:?" + _query([("subject", subject), ("body", body.replace("\n", "\r\n"))])


def with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` set (replacing same-named ones, keeping every other parameter)."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query = urlencode([*kept, *params.items()], quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))


#: UTM medium of each channel a visitor can arrive through.
UTM_MEDIUM = {
    "linkedin": "social",
    "x": "social",
    "facebook": "social",
    "whatsapp": "social",
    "slack": "chat",
    "teams": "chat",
    "email": "email",
    "signature": "email",
    "embed": "referral",
    "profile": "referral",
    "web": "referral",
    "qr": "print",
    "direct": "badge",
}


def utm_tagged(url: str, *, channel: str, campaign: str) -> str:
    """The programme page URL tagged for the issuer's own web analytics.

    ``utm_source`` is the channel that brought the visitor (``insignia`` when unknown),
    ``utm_medium`` its kind, ``utm_campaign`` the badge, ``utm_content`` the place of the link.
    """
    return with_params(
        url,
        {
            "utm_source": "insignia" if channel == "direct" else channel,
            "utm_medium": UTM_MEDIUM.get(channel, "referral"),
            "utm_campaign": campaign,
            "utm_content": "badge-page",
        },
    )
