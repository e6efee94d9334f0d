"""Sharing end to end: social tags and preview card, counted redirects, embeds, downloads that
the engine verifies again (PDF attachment, baked PNG/SVG), the wallet hand-over, profiles."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pypdf
import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image

from insignia.core.baking import unbake
from insignia.core.verify import VerifyOptions, verify_bytes, verify_credential
from insignia.web.analytics.models import Event
from insignia.web.awards.fetcher import PlatformFetcher
from insignia.web.issuers.models import AuditEvent
from insignia.web.sharing import selectors
from insignia.web.sharing.models import LearnerProfile, PreviewCard
from insignia.web.wallet.services import wallet_set_visibility

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


class Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[str(a.get("property") or a.get("name"))] = str(a.get("content"))
        if tag == "link" and a.get("rel"):
            self.links[str(a["rel"])] = str(a.get("href"))


def _meta(html: str) -> Meta:
    parser = Meta()
    parser.feed(html)
    return parser


def _events(**filters: object) -> list[tuple[str, str]]:
    return sorted(Event.objects.filter(**filters).values_list("kind", "channel"))


def test_public_page_has_open_graph_and_twitter_card_tags(public, settings) -> None:
    settings.INSIGNIA_BASE_URL = "https://badges.example.edu"
    html = Client().get(reverse("public:credential", args=[public.pk])).content.decode()
    page = _meta(html)
    url = f"https://badges.example.edu/credentials/{public.pk}/"
    assert page.links["canonical"] == url
    assert page.meta["og:url"] == url
    assert page.meta["og:type"] == "website"
    assert page.meta["og:title"] == "Python for Data Analysis — earned by Jamie Rivera"
    assert page.meta["og:description"].startswith("A verified Open Badge issued by Northbridge")
    assert len(page.meta["og:description"]) <= 200
    image = page.meta["og:image"]
    assert image.startswith(f"https://badges.example.edu/credentials/{public.pk}/card.png?v=")
    assert page.meta["og:image:secure_url"] == image
    assert page.meta["og:image:type"] == "image/png"
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    assert page.meta["og:image:alt"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:image"] == image
    assert page.meta["twitter:title"] == page.meta["og:title"]
    for key, value in page.meta.items():
        if value.startswith(("http:", "https:", "/")):
            assert value.startswith("https://"), f"{key} is not an absolute https URL: {value}"
    # The image URL in the tags answers (path and query as the tag says).
    response = Client().get(urlsplit(image).path, {"v": parse_qs(urlsplit(image).query)["v"][0]})
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_preview_card_is_a_cached_1200_by_630_png(public, learner) -> None:
    path = reverse("sharing:card", args=[public.pk])
    first = Client().get(path)
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    data = first.content
    assert data.startswith(b"\x89PNG") and len(data) < 5 * 1024 * 1024
    with Image.open(io.BytesIO(data)) as card:
        assert card.size == (1200, 630)
    created = PreviewCard.objects.get().created_at
    again = Client().get(path)
    assert again.content == data and PreviewCard.objects.get().created_at == created
    assert Client().get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    learner.name = "Jamie R. Rivera"
    learner.save()
    redrawn = Client().get(path)
    assert redrawn["ETag"] != first["ETag"] and redrawn.content != data


def test_private_badges_have_no_sharing_endpoints(held) -> None:
    client = Client()
    for path in [
        reverse("sharing:card", args=[held.pk]),
        reverse("sharing:share", args=[held.pk, "x"]),
        reverse("sharing:learn_more", args=[held.pk, "direct"]),
        reverse("sharing:embed", args=[held.pk]),
        reverse("sharing:certificate", args=[held.pk]),
        reverse("sharing:badge", args=[held.pk, "png"]),
    ]:
        assert client.get(path, HTTP_USER_AGENT=BROWSER).status_code == 404, path
    assert Event.objects.count() == 0


def test_share_redirects_count_and_lead_to_each_network(public, learner, client_for) -> None:
    client = client_for(learner)

    def go(channel: str, agent: str = BROWSER) -> str:
        response = client.get(
            reverse("sharing:share", args=[public.pk, channel]), HTTP_USER_AGENT=agent
        )
        assert response.status_code == 302 and response["X-Robots-Tag"].startswith("noindex")
        return str(response["Location"])

    linkedin = go("linkedin-profile")
    params = parse_qs(urlsplit(linkedin).query)
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")
    assert params["name"] == ["Python for Data Analysis"]
    assert params["organizationName"] == ["Northbridge University"]
    assert params["certUrl"] == [selectors.credential_url(public)]
    assert params["certId"] == [str(public.pk)]
    assert params["issueYear"] == [str(public.issued_at.year)]
    assert params["issueMonth"] == [str(public.issued_at.month)]
    assert "expirationYear" not in params
    assert go("x").startswith("https://x.com/intent/tweet?")
    assert f"%2Fcredentials%2F{public.pk}%2F%3Fvia%3Dx" in go("x")
    assert go("linkedin").startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert go("facebook").startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert go("whatsapp").startswith("https://wa.me/?text=")
    assert go("email").startswith("mailto:?subject=")
    go("x", agent="Twitterbot/1.0")  # robots are redirected but not counted
    assert client.get(reverse("sharing:share", args=[public.pk, "myspace"])).status_code == 404
    assert _events() == sorted(
        [
            ("linkedin_add", "linkedin"),
            ("share", "x"),
            ("share", "x"),
            ("share", "linkedin"),
            ("share", "facebook"),
            ("share", "whatsapp"),
            ("share", "email"),
        ]
    )


def test_learn_more_link_is_tagged_by_channel_and_counted(public) -> None:
    achievement = public.achievement
    page = Client().get(
        reverse("public:credential", args=[public.pk]), {"via": "linkedin"}, HTTP_USER_AGENT=BROWSER
    )
    assert "Interested in this programme?" not in page.content.decode()
    assert (
        Client().get(reverse("sharing:learn_more", args=[public.pk, "linkedin"])).status_code == 404
    )
    achievement.learn_more_url = "https://www.northbridge.example/courses/data?intake=2027"
    achievement.save()
    html = (
        Client()
        .get(
            reverse("public:credential", args=[public.pk]),
            {"via": "linkedin"},
            HTTP_USER_AGENT=BROWSER,
        )
        .content.decode()
    )
    link = reverse("sharing:learn_more", args=[public.pk, "linkedin"])
    assert f'href="{link}"' in html
    response = Client().get(link, HTTP_USER_AGENT=BROWSER)
    target = urlsplit(response["Location"])
    assert (target.netloc, target.path) == ("www.northbridge.example", "/courses/data")
    assert parse_qs(target.query) == {
        "intake": ["2027"],
        "utm_source": ["linkedin"],
        "utm_medium": ["social"],
        "utm_campaign": ["python-for-data-analysis"],
        "utm_content": ["badge-page"],
    }
    # An unknown channel in the URL is counted as direct.
    Client().get(reverse("sharing:learn_more", args=[public.pk, "bogus"]), HTTP_USER_AGENT=BROWSER)
    assert _events(kind="click") == [("click", "direct"), ("click", "linkedin")]


def test_views_are_counted_without_cookies_robots_or_the_holder(
    public, learner, client_for
) -> None:
    url = reverse("public:credential", args=[public.pk])
    response = Client().get(url, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200 and not response.cookies
    Client().get(url, {"via": "x"}, HTTP_USER_AGENT=BROWSER)
    Client().get(url, {"via": "nonsense"}, HTTP_USER_AGENT=BROWSER)
    Client().get(url, HTTP_USER_AGENT=BROWSER, HTTP_REFERER="https://www.linkedin.com/feed/")
    Client().get(url, HTTP_USER_AGENT=BROWSER, HTTP_REFERER="https://blog.example.org/post")
    for robot in [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "",
    ]:
        Client().get(url, HTTP_USER_AGENT=robot)
    Client().head(url, HTTP_USER_AGENT=BROWSER)
    Client().get(url, HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    client_for(learner).get(url, HTTP_USER_AGENT=BROWSER)  # the holder's own visit
    assert _events(kind="view") == [
        ("view", "direct"),
        ("view", "direct"),
        ("view", "linkedin"),
        ("view", "web"),
        ("view", "x"),
    ]
    assert set(Event.objects.values_list("day", flat=True)) == {datetime.now(UTC).date()}


def test_embed_card_may_be_framed_by_any_site(public) -> None:
    response = Client().get(reverse("sharing:embed", args=[public.pk]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src" not in policy
    html = response.content.decode()
    assert "Python for Data Analysis" in html and "Valid Open Badge" in html
    assert f"/credentials/{public.pk}/?via=embed" in html
    assert _events() == [("view", "embed")]


def test_sharing_page_offers_linkedin_links_embeds_and_a_signature(
    public, learner, client_for
) -> None:
    response = client_for(learner).get(reverse("sharing:toolkit", args=[public.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/insignia/share.js" defer>'
    ]
    assert reverse("sharing:share", args=[public.pk, "linkedin-profile"]) in html
    snippets = selectors.embed_snippets(public.wallet_item)
    base = "http://testserver"
    assert f'<iframe src="{base}/credentials/{public.pk}/embed/"' in snippets.iframe
    assert (
        'title="Python for Data Analysis: a verified badge issued by Northbridge University"'
        in snippets.iframe
    )
    assert "<iframe" not in snippets.image_link
    assert re.search(
        rf'<a href="{base}/credentials/{public.pk}/\?via=embed"[^>]*>'
        rf'<img src="{base}/images/[0-9a-f-]+\.png"',
        snippets.image_link,
    )
    assert snippets.signature.startswith(
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0"'
    )
    assert 'width="48" height="48"' in snippets.signature and "?via=signature" in snippets.signature
    assert "<svg" not in snippets.signature and ".png" in snippets.signature
    # The page shows each snippet's code, escaped, in a selectable field.
    assert "&lt;iframe src=&quot;" in html and "&lt;table role=&quot;presentation&quot;" in html


def test_private_badge_sharing_page_offers_downloads_only(
    held, learner, client_for, make_user
) -> None:
    html = client_for(learner).get(reverse("sharing:toolkit", args=[held.pk])).content.decode()
    assert "This badge is private" in html and "Add to LinkedIn profile" not in html
    assert reverse("sharing:wallet_certificate", args=[held.pk]) in html
    stranger = make_user("someone@example.com")
    assert client_for(stranger).get(reverse("sharing:toolkit", args=[held.pk])).status_code == 404


def test_snippet_preview_is_the_snippet_alone(public, learner, client_for) -> None:
    response = client_for(learner).get(
        reverse("sharing:snippet_preview", args=[public.pk, "signature"])
    )
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert '<table role="presentation"' in response.content.decode()
    other = client_for(learner).get(reverse("sharing:snippet_preview", args=[public.pk, "nope"]))
    assert other.status_code == 404


def _pdf_parts(data: bytes) -> tuple[bytes, list[str], dict[str, str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    [attachment] = reader.attachments["credential.json"]
    codes = [r.text for img in reader.pages[0].images for r in zxingcpp.read_barcodes(img.image)]
    return attachment, codes, dict(reader.metadata or {})


def test_pdf_certificate_carries_the_credential_and_a_qr_code_to_the_verification_page(
    public, learner, client_for
) -> None:
    response = client_for(learner).get(
        reverse("sharing:wallet_certificate", args=[public.pk]), HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="python-for-data-analysis-certificate.pdf"'
    )
    attachment, codes, metadata = _pdf_parts(response.content)
    assert attachment == public.document.encode("utf-8")
    report = verify_bytes(
        attachment, VerifyOptions(now=datetime.now(UTC), fetcher=PlatformFetcher())
    )
    assert report.valid, report.to_dict()
    assert codes == [f"http://testserver/credentials/{public.pk}/?via=qr"]
    assert metadata["/Title"] == "Python for Data Analysis — Jamie Rivera"
    assert metadata["/Author"] == "Northbridge University"
    public_pdf = Client().get(
        reverse("sharing:certificate", args=[public.pk]), HTTP_USER_AGENT=BROWSER
    )
    assert _pdf_parts(public_pdf.content)[0] == attachment
    assert _events() == [("download", "pdf"), ("download", "pdf")]


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_public_baked_downloads_verify(public, extension: str) -> None:
    response = Client().get(
        reverse("sharing:badge", args=[public.pk, extension]), HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 200
    assert response["Content-Type"] == {"png": "image/png", "svg": "image/svg+xml"}[extension]
    assert unbake(response.content).payload == public.document
    report = verify_bytes(
        response.content, VerifyOptions(now=datetime.now(UTC), fetcher=PlatformFetcher())
    )
    assert report.valid, report.to_dict()
    assert _events() == [("download", extension)]


def test_wallet_hand_over_gives_the_credential_to_a_wallet_app(
    public, learner, client_for, monkeypatch
) -> None:
    html = client_for(learner).get(reverse("sharing:toolkit", args=[public.pk])).content.decode()
    handover = selectors.wallet_handover(public.wallet_item)
    assert handover.deep_link.startswith("https://lcw.app/request?request=")
    assert handover.app_link.startswith("dccrequest://request?request=")
    request = json.loads(unquote(handover.deep_link.split("request=", 1)[1]))
    assert request["credentialRequestOrigin"] == "http://testserver"
    exchange = urlsplit(request["protocols"]["vcapi"]).path
    assert 'src="data:image/svg+xml' in html  # the QR code of the deep link
    wallet = Client(enforce_csrf_checks=True)
    assert wallet.get(exchange).json() == {"protocols": {"vcapi": request["protocols"]["vcapi"]}}
    answer = wallet.post(exchange, data=b"{}", content_type="application/json")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    presentation = answer.json()["verifiablePresentation"]
    assert presentation["type"] == ["VerifiablePresentation"]
    [credential] = presentation["verifiableCredential"]
    assert credential == json.loads(public.document)
    report = verify_credential(
        credential, VerifyOptions(now=datetime.now(UTC), fetcher=PlatformFetcher())
    )
    assert report.valid
    assert _events() == [("download", "wallet")]
    assert wallet.post(exchange, data=b"[1]", content_type="application/json").status_code == 400
    assert (
        wallet.post(exchange[:-3] + "xx/", data=b"{}", content_type="application/json").status_code
        == 404
    )
    monkeypatch.setattr(selectors, "EXCHANGE_MAX_AGE", -1)
    assert wallet.post(exchange, data=b"{}", content_type="application/json").status_code == 404


def test_learner_profile_is_opt_in_and_lists_public_badges_only(
    public, learner, published, staff, client_for
) -> None:
    from insignia.web.awards import services

    other = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=other.pk)  # stays private
    client = client_for(learner)
    assert client.get(reverse("sharing:profile_settings")).status_code == 200
    client.post(
        reverse("sharing:profile_settings"), {"is_public": "on", "headline": "Data analyst, Leeds"}
    )
    profile = LearnerProfile.objects.get(user=learner)
    page = Client().get(reverse("sharing:profile", args=[profile.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Jamie Rivera" in html and "Data analyst, Leeds" in html
    assert f"/credentials/{public.pk}/?via=profile" in html
    assert str(other.pk) not in html
    assert selectors.profile_url(profile) in html  # its own share link
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in html
    wallet_set_visibility(user=learner, credential_id=public.pk, public=False)
    assert (
        str(public.pk)
        not in Client().get(reverse("sharing:profile", args=[profile.pk])).content.decode()
    )
    client.post(reverse("sharing:profile_settings"), {"headline": ""})
    assert Client().get(reverse("sharing:profile", args=[profile.pk])).status_code == 404


def test_programme_link_is_set_by_designers(published, staff, client_for) -> None:
    path = reverse("sharing:marketing", args=[published.pk])
    for role in ("issuer", "assessor", "outsider"):
        assert (
            client_for(staff[role]).post(path, {"learn_more_url": "https://x.example"}).status_code
            == 404
        )
    response = client_for(staff["designer"]).post(
        path, {"learn_more_url": "www.northbridge.example/data"}
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.learn_more_url == "https://www.northbridge.example/data"
    assert AuditEvent.objects.filter(action="achievement.marketing_changed").exists()
    bad = client_for(staff["designer"]).post(path, {"learn_more_url": "javascript:alert(1)"})
    assert bad.status_code == 200 and "Enter a valid URL" in bad.content.decode()


def test_linkedin_organisation_id_is_set_on_the_profile(org, public, staff, client_for) -> None:
    path = reverse("issuers:organisation_edit", args=[org.pk])
    data = {"name": org.name, "url": org.url, "email": org.email, "description": ""}
    wrong = client_for(staff["owner"]).post(
        path, {**data, "linkedin_organization_id": "northbridge-university"}
    )
    assert wrong.status_code == 200 and "is not the id" in wrong.content.decode()
    client_for(staff["owner"]).post(
        path,
        {**data, "linkedin_organization_id": "https://www.linkedin.com/company/90061234/admin/"},
    )
    org.refresh_from_db()
    assert org.linkedin_organization_id == "90061234"
    public.wallet_item.refresh_from_db()
    params = parse_qs(urlsplit(selectors.linkedin_profile_url(public.wallet_item)).query)
    assert params["organizationId"] == ["90061234"] and "organizationName" not in params
