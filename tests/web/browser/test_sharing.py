"""The sharing page in a real browser: the share menu, copy-to-clipboard, and the embed
snippets pasted into a page of their own (as another site would show them)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from insignia.web.awards import services
from insignia.web.wallet.services import wallet_set_visibility
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@contextmanager
def other_site(body: str) -> Iterator[str]:
    """Serve ``body`` as a page of another site: its own little server on 127.0.0.1 (another
    origin than the live server on localhost, in the same loopback address space)."""
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Portfolio</title>"
        f"</head><body>{body}</body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _clipboard(page: Any) -> str:
    page.wait_for_timeout(100)  # the copy is asynchronous
    return str(page.evaluate("navigator.clipboard.readText()"))


def test_share_menu_copy_buttons_and_embeds(
    browser: Any,
    new_page: Any,
    live_server: Any,
    published: Any,
    staff: Any,
    make_user: Any,
    settings: Any,
) -> None:
    base = live_server.url
    settings.INSIGNIA_BASE_URL = base  # snippets carry absolute URLs of this (live) server
    learner = make_user("jamie.rivera@example.com", "Jamie Rivera")
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    wallet_set_visibility(user=learner, credential_id=credential.pk, public=True)
    public_url = f"{base}/credentials/{credential.pk}/"

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _sign_in(page, base, learner.email)
        page.goto(f"{base}/wallet/{credential.pk}/share/")

        # The share menu: a disclosure whose links go through our counting redirects.
        page.get_by_text("Share on…").first.click()
        x_link = page.get_by_role("link", name="X (opens in a new tab)").first
        assert x_link.is_visible()
        assert x_link.get_attribute("href") == f"/s/{credential.pk}/x"
        redirect = page.request.get(f"{base}/s/{credential.pk}/x", max_redirects=0)
        assert redirect.status == 302
        assert redirect.headers["location"].startswith("https://x.com/intent/tweet?")
        add = page.get_by_role("link", name="Add to LinkedIn profile").first
        assert add.get_attribute("href") == f"/s/{credential.pk}/linkedin-profile"
        linkedin = page.request.get(f"{base}{add.get_attribute('href')}", max_redirects=0)
        assert linkedin.headers["location"].startswith(
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Python%20for"
        )

        # Copy buttons (share.js) put each text on the clipboard and say so.
        link_field = page.locator("#share-url")
        link_field.locator("xpath=..").get_by_role("button", name="Copy").click()
        expect(page.locator("#share-url ~ .copy-field__actions [role=status]")).to_have_text(
            "Copied."
        )
        assert _clipboard(page) == public_url

        page.locator("button[data-copy='snippet-image']").click()
        image_snippet = _clipboard(page)
        assert image_snippet.startswith(f'<a href="{public_url}?via=embed"')
        page.locator("button[data-copy='snippet-iframe']").click()
        iframe_snippet = _clipboard(page)
        assert iframe_snippet.startswith(f'<iframe src="{base}/credentials/{credential.pk}/embed/"')
        assert not errors, errors

        # Pasted into a page of another site, the image+link snippet shows the badge and leads
        # to its verification page.
        with other_site(f"<h1>My portfolio</h1>{image_snippet}") as url:
            portfolio = context.new_page()
            portfolio.goto(url)
            picture = portfolio.locator("img").first
            portfolio.wait_for_function("document.images[0].complete")
            assert picture.evaluate("img => img.naturalWidth") > 0
            assert picture.get_attribute("alt") == (
                "Python for Data Analysis badge issued by Northbridge University to Jamie Rivera"
            )
            portfolio.get_by_role("link", name="Python for Data Analysis", exact=True).click()
            portfolio.wait_for_url(f"{public_url}?via=embed")
            assert portfolio.get_by_role("heading", name="Verified").is_visible()

        # The iframe snippet, too: the card loads inside the other site's page.
        with other_site(iframe_snippet) as url:
            framed = context.new_page()
            framed.goto(url)
            card = framed.frame_locator("iframe").get_by_text("Python for Data Analysis")
            card.wait_for()
            assert card.is_visible()
            assert framed.frame_locator("iframe").get_by_text("Valid Open Badge").is_visible()
    finally:
        context.close()

    # Without JavaScript the copy buttons stay hidden and the texts stay selectable.
    plain = new_page()
    _sign_in(plain, base, learner.email)
    plain.goto(f"{base}/wallet/{credential.pk}/share/")
    assert not plain.locator("button[data-copy]").first.is_visible()
    assert plain.locator("#share-url").input_value() == public_url
    assert plain.get_by_text("Select the text and copy it").first.is_visible()
