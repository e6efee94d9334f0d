"""Structural accessibility of every main page: labels, alt text, landmarks, headings, no JS."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from insignia.web.awards import services
from insignia.web.wallet.services import wallet_set_visibility


class PageAudit(HTMLParser):
    """Collect what an accessibility check needs from one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.images: list[dict[str, str | None]] = []
        self.h1 = 0
        self.tags: set[str] = set()
        self.scripts = 0
        self.lang: str | None = None
        self._label_depth = 0
        self.controls_in_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.controls.append(a)
            if self._label_depth:
                self.controls_in_labels += 1
        if tag == "img":
            self.images.append(a)
        if tag == "h1":
            self.h1 += 1
        if tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


@pytest.fixture
def pages(org, published, staff, make_user, client_for):
    learner = make_user("jamie.rivera@example.com", "Jamie Rivera")
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    wallet_set_visibility(user=learner, credential_id=credential.pk, public=True)
    return [
        (None, "/"),
        (None, reverse("account_login")),
        (None, reverse("account_signup")),
        (None, reverse("account_reset_password")),
        (None, reverse("public:issuer", args=[org.pk])),
        (None, reverse("public:achievement", args=[published.pk])),
        (None, reverse("public:credential", args=[credential.pk])),
        (learner, reverse("wallet:list")),
        (learner, reverse("wallet:detail", args=[credential.pk])),
        (learner, reverse("account_email")),
        (staff["owner"], reverse("issuers:organisation_list")),
        (staff["owner"], reverse("issuers:organisation_create")),
        (staff["owner"], reverse("issuers:dashboard", args=[org.pk])),
        (staff["owner"], reverse("issuers:organisation_edit", args=[org.pk])),
        (staff["owner"], reverse("issuers:team", args=[org.pk])),
        (staff["owner"], reverse("issuers:keys", args=[org.pk])),
        (staff["designer"], reverse("achievements:create", args=[org.pk])),
        (staff["designer"], reverse("achievements:edit", args=[published.pk])),
        (staff["designer"], reverse("achievements:detail", args=[published.pk])),
        (staff["issuer"], reverse("awards:award", args=[published.pk])),
        (staff["issuer"], reverse("awards:detail", args=[credential.pk])),
    ]


def test_every_page_is_labelled_and_script_free(pages, client_for) -> None:
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        page = audit(response.content.decode())
        assert page.lang, url
        assert page.h1 == 1, f"{url} has {page.h1} h1 elements"
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        assert page.scripts == 0, f"{url} uses JavaScript"
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, f"{url}: unlabelled {unlabelled}"
        assert all(img.get("alt") is not None for img in page.images), f"{url}: image without alt"
        assert 'href="#main"' in response.content.decode(), f"{url}: no skip link"
