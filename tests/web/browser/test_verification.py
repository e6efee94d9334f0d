"""The public verifier in a real browser (JavaScript off): each kind of input, and the hostile
ones — a huge file, an XML-bomb SVG, an address on 127.0.0.1, JSON nested 10,000 deep — each
answered with a clear message, never an error page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from insignia.core.fetch import MappingFetcher
from insignia.web.awards import engine as awards_engine
from insignia.web.awards import services
from insignia.web.verification import engine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ELSEWHERE = "https://badges.elsewhere.example"
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg">&lol2;</svg>'
)


def _verify(page: Any, base: str, *, text: str = "", file: Path | None = None) -> None:
    page.goto(f"{base}/verify/")
    if file is not None:
        page.get_by_label("Badge file").set_input_files(str(file))
    if text:
        page.get_by_label("Or paste the badge, or its web address").fill(text)
    page.get_by_role("button", name="Verify", exact=True).click()


def test_each_kind_of_input(
    live_server: Any, new_page: Any, published: Any, staff: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    badge = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )
    documents = {f"{ELSEWHERE}/b/1.json": json.loads(badge.document)}
    monkeypatch.setattr(
        engine, "verifier_fetcher", lambda: engine.VerifierFetcher(MappingFetcher(documents))
    )
    base = live_server.url
    page = new_page()

    _verify(page, base, text=badge.document)  # pasted JSON
    expect(page.locator("#verify-title")).to_have_text("✓ Verified")
    expect(page.locator("#recipient")).to_contain_text("hashed emailAddress")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Check the address").click()
    expect(page.locator("#recipient")).to_contain_text("Matches the address you gave")

    _verify(page, base, text=f"{ELSEWHERE}/b/1.json")  # a web address, through the fetcher
    expect(page.locator("#verify-title")).to_have_text("✓ Verified")

    image = published.current_version.image
    png = tmp_path / "badge.png"
    png.write_bytes(
        awards_engine.bake(image.png_bytes(), svg=False, credential_text=badge.document)
    )
    _verify(page, base, file=png)
    expect(page.locator("main")).to_contain_text("baked into a PNG image")
    svg = tmp_path / "badge.svg"
    svg.write_bytes(awards_engine.bake(bytes(image.data), svg=True, credential_text=badge.document))
    _verify(page, base, file=svg)
    expect(page.locator("main")).to_contain_text("baked into an SVG image")

    services.credential_revoke(actor=staff["issuer"], credential_id=badge.pk, reason="error")
    _verify(page, base, text=badge.document)
    expect(page.locator("#verdict")).to_have_text("The issuer has revoked this badge.")

    page.goto(f"{base}/verify/resume/")
    page.get_by_label("Badge files").set_input_files([str(png), str(svg)])
    page.get_by_role("button", name="Verify all").click()
    expect(page.locator("h1")).to_have_text("0 of 2 badges verified")
    expect(page.locator("#resume-table")).to_contain_text("Revoked")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("huge", "larger than 5 MB"),
        ("bomb", "declares XML entities"),
        ("loopback", "private or local network"),
        ("deep", "nests far deeper"),
        ("junk", "This is not a badge"),
    ],
)
def test_hostile_inputs_get_clear_messages(
    live_server: Any, new_page: Any, tmp_path: Path, kind: str, expected: str
) -> None:
    page = new_page()
    base = live_server.url
    if kind == "huge":
        path = tmp_path / "huge.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (8 * 1024 * 1024))
        _verify(page, base, file=path)
    elif kind == "bomb":
        path = tmp_path / "bomb.svg"
        path.write_bytes(BOMB)
        _verify(page, base, file=path)
    elif kind == "loopback":
        _verify(page, base, text=f"https://127.0.0.1:{live_server.url.rsplit(':', 1)[1]}/admin/")
    elif kind == "deep":
        _verify(page, base, text="[" * 10_000 + "]" * 10_000)
    else:
        _verify(page, base, text="Definitely a badge, trust me.")
    expect(page.locator("#verify-problem")).to_contain_text(expected)
