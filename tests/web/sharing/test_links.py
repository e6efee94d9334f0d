"""Share links built as each service expects: parameter names, order, encoding, months."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from insignia.web.sharing import links

CERT_URL = "https://badges.example.edu/credentials/0b9c5a1e-0000-4000-8000-000000000001/"


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


def test_linkedin_add_to_profile_with_organisation_id_and_expiry() -> None:
    url = links.linkedin_add_to_profile(
        name="Data Analysis & Python: Level 2",
        organisation_name="Northbridge University",
        organisation_id="90061234",
        issued=date(2026, 1, 31),
        expires=date(2028, 12, 1),
        cert_url=CERT_URL,
        cert_id="0b9c5a1e-0000-4000-8000-000000000001",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert _params(url) == [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Data Analysis & Python: Level 2"),
        ("organizationId", "90061234"),
        ("issueYear", "2026"),
        ("issueMonth", "1"),
        ("expirationYear", "2028"),
        ("expirationMonth", "12"),
        ("certUrl", CERT_URL),
        ("certId", "0b9c5a1e-0000-4000-8000-000000000001"),
    ]
    # Every value is percent-encoded: no raw '&', ':', '/', space or '+' inside values.
    assert "name=Data%20Analysis%20%26%20Python%3A%20Level%202" in url
    assert "certUrl=https%3A%2F%2Fbadges.example.edu%2Fcredentials%2F" in url
    assert "organizationName" not in url


def test_linkedin_add_to_profile_by_name_without_expiry() -> None:
    url = links.linkedin_add_to_profile(
        name="Zoë's badge",
        organisation_name="Université de Test",
        issued=date(2025, 10, 3),
        cert_url=CERT_URL,
        cert_id="abc",
    )
    params = dict(_params(url))
    assert params["organizationName"] == "Université de Test"
    assert "organizationId" not in params
    assert "expirationYear" not in params and "expirationMonth" not in params
    assert params["issueMonth"] == "10" and params["issueYear"] == "2025"
    assert "organizationName=Universit%C3%A9%20de%20Test" in url


@pytest.mark.parametrize("month", range(1, 13))
def test_months_are_1_to_12_without_leading_zero(month: int) -> None:
    url = links.linkedin_add_to_profile(
        name="B",
        organisation_name="O",
        issued=date(2026, month, 15),
        expires=date(2027, month, 1),
        cert_url=CERT_URL,
        cert_id="x",
    )
    params = dict(_params(url))
    assert params["issueMonth"] == str(month) == params["expirationMonth"]


def test_network_share_links() -> None:
    url = CERT_URL + "?via=x"
    x = links.x_share(text="I earned “Data” #1", url=url)
    assert x.startswith("https://x.com/intent/tweet?")
    assert parse_qs(urlsplit(x).query) == {"text": ["I earned “Data” #1"], "url": [url]}
    linkedin = links.linkedin_share(url=url)
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert parse_qs(urlsplit(linkedin).query) == {"url": [url]}
    facebook = links.facebook_share(url=url)
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert parse_qs(urlsplit(facebook).query) == {"u": [url]}
    whatsapp = links.whatsapp_share(text="Look", url=url)
    assert parse_qs(urlsplit(whatsapp).query) == {"text": [f"Look {url}"]}
    mail = links.email_share(subject="My badge", body="Hello,\nsee it")
    assert mail == "mailto:?subject=My%20badge&body=Hello%2C%0D%0Asee%20it"


def test_utm_tags_replace_ours_and_keep_the_issuers_other_parameters() -> None:
    url = links.utm_tagged(
        "https://www.example.edu/courses/data?term=autumn&utm_source=old#apply",
        channel="linkedin",
        campaign="data-analysis",
    )
    parts = urlsplit(url)
    assert parts.fragment == "apply"
    assert parse_qsl(parts.query) == [
        ("term", "autumn"),
        ("utm_source", "linkedin"),
        ("utm_medium", "social"),
        ("utm_campaign", "data-analysis"),
        ("utm_content", "badge-page"),
    ]
    direct = dict(
        parse_qsl(
            urlsplit(links.utm_tagged("https://e.example", channel="direct", campaign="c")).query
        )
    )
    assert direct["utm_source"] == "insignia" and direct["utm_medium"] == "badge"
    assert (
        dict(
            parse_qsl(
                urlsplit(links.utm_tagged("https://e.example", channel="qr", campaign="c")).query
            )
        )["utm_medium"]
        == "print"
    )
