"""Known SVG script-injection payloads, in a real browser with JavaScript ON.

Two layers stand between an uploaded SVG and a visitor's browser: the sanitiser refuses any
SVG with active content (see tests/web/images/test_sanitise.py), and every route that serves
stored images answers with ``Content-Security-Policy: default-src 'none'; sandbox``.  These
tests prove the second layer on its own: each payload is stored *raw*, as if the sanitiser had
a hole, then opened directly (the worst case: a top-level SVG document, clicked in the middle)
and embedded in a page.  Nothing may run.  A control renders the same payloads without our
headers, to prove that the detector sees a payload that does run.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from insignia.web.images.models import Image
from insignia.web.images.sanitise import ImageRejected, sanitise_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARK = "document.documentElement.setAttribute('data-pwned','1')"
TOP_MARK = f"try{{top.document.documentElement.setAttribute('data-pwned','1')}}catch(e){{}};{MARK}"
SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'
BOX = '<rect width="200" height="200" fill="#036"/>'
INNER = base64.b64encode(f"<svg {SVG}><script>{MARK}</script></svg>".encode()).decode()

PAYLOADS: dict[str, str] = {
    "script": f"<svg {SVG}>{BOX}<script>{MARK}</script></svg>",
    "script-cdata": f"<svg {SVG}>{BOX}<script><![CDATA[{MARK}]]></script></svg>",
    "script-href-data": f'<svg {SVG}>{BOX}<script href="data:text/javascript,{MARK}"/></svg>',
    "svg-onload": f'<svg {SVG} onload="{MARK}">{BOX}</svg>',
    "entity-encoded-onload": (
        f'<svg {SVG} onload="&#100;ocument.documentElement.setAttribute(&apos;data-pwned&apos;,'
        f'&apos;1&apos;)">{BOX}</svg>'
    ),
    "image-onerror": f'<svg {SVG}>{BOX}<image href="nope.png" onerror="{MARK}"/></svg>',
    "animate-onbegin": (
        f'<svg {SVG}>{BOX}<animate attributeName="x" dur="1s" onbegin="{MARK}"/></svg>'
    ),
    "set-onbegin": f'<svg {SVG}>{BOX}<set attributeName="x" to="1" onbegin="{MARK}"/></svg>',
    "discard-onbegin": f'<svg {SVG}>{BOX}<discard onbegin="{MARK}"/></svg>',
    "animate-onend": (
        f'<svg {SVG}>{BOX}<animate attributeName="x" dur="0.01s" onend="{MARK}"/></svg>'
    ),
    "javascript-href-click": (
        f'<svg {SVG}><a href="javascript:{MARK}"><rect width="200" height="200"/></a></svg>'
    ),
    "xlink-javascript-click": (
        f'<svg {SVG}><a xlink:href="javascript:{MARK}"><rect width="200" height="200"/></a></svg>'
    ),
    "animated-href-click": (
        f'<svg {SVG}><a><animate attributeName="href" values="javascript:{MARK}"/>'
        f'<rect width="200" height="200"/></a></svg>'
    ),
    "set-href-click": (
        f'<svg {SVG}><a><set attributeName="href" to="javascript:{MARK}"/>'
        f'<rect width="200" height="200"/></a></svg>'
    ),
    "rect-onclick": f'<svg {SVG}><rect width="200" height="200" onclick="{MARK}"/></svg>',
    "foreignobject-script": (
        f'<svg {SVG}><foreignObject width="200" height="200"><div {XHTML}>'
        f"<script>{MARK}</script></div></foreignObject></svg>"
    ),
    "foreignobject-iframe-srcdoc": (
        f'<svg {SVG}><foreignObject width="200" height="200"><iframe {XHTML} '
        f'srcdoc="&lt;script&gt;{TOP_MARK}&lt;/script&gt;"/></foreignObject></svg>'
    ),
    "foreignobject-img-onerror": (
        f'<svg {SVG}><foreignObject width="200" height="200"><img {XHTML} src="x" '
        f'onerror="{MARK}"/></foreignObject></svg>'
    ),
    "xhtml-script-child": f"<svg {SVG}>{BOX}<script {XHTML}>{MARK}</script></svg>",
    "use-data-url": f'<svg {SVG}>{BOX}<use href="data:image/svg+xml;base64,{INNER}#x"/></svg>',
    "iframe-data-url": (
        f'<svg {SVG}><foreignObject width="200" height="200"><iframe {XHTML} '
        f'src="data:text/html,&lt;script&gt;{TOP_MARK}&lt;/script&gt;"/></foreignObject></svg>'
    ),
    "style-onload-namespaced": (
        f'<s:svg xmlns:s="http://www.w3.org/2000/svg" s:onload="{MARK}" onload="{MARK}">'
        f'<s:rect width="200" height="200"/></s:svg>'
    ),
}

# Payloads that do run when the SVG is shown inline without our headers (the control).
RUNS_WITHOUT_PROTECTION = ("script", "svg-onload", "rect-onclick", "image-onerror")


@pytest.fixture
def js_page(browser: Any) -> Iterator[Any]:
    """A page with JavaScript ON (the other browser tests keep it off), recording dialogs."""
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def _store_raw(svg: str) -> Image:
    data = svg.encode("utf-8")
    return Image.objects.create(
        content_type="image/svg+xml",
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        width=200,
        height=200,
    )


def _ran(page: Any) -> bool:
    page.wait_for_timeout(150)
    marked = page.evaluate("document.documentElement.getAttribute('data-pwned')")
    return marked == "1" or bool(page.dialogs)


def test_the_sanitiser_refuses_every_payload() -> None:
    refused = {}
    for name, svg in PAYLOADS.items():
        try:
            sanitise_image(svg.encode(), max_bytes=1_000_000, max_pixels=16_000_000)
        except ImageRejected:
            refused[name] = True
        else:
            refused[name] = False
    assert refused == dict.fromkeys(PAYLOADS, True)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_no_payload_runs_when_served_by_the_site(live_server: Any, js_page: Any, name: str) -> None:
    image = _store_raw(PAYLOADS[name])
    url = f"{live_server.url}/images/{image.pk}.svg"
    response = js_page.goto(url)
    assert response.status == 200
    assert "sandbox" in response.headers["content-security-policy"]
    js_page.mouse.click(100, 100)
    assert not _ran(js_page), f"{name} ran in the served SVG"
    js_page.goto(f"{live_server.url}/")
    js_page.evaluate(
        "url => { const i = new Image(); i.src = url; document.body.appendChild(i); }", url
    )
    assert not _ran(js_page), f"{name} ran from an <img> on a page of the site"


@pytest.mark.parametrize("name", RUNS_WITHOUT_PROTECTION)
def test_control_the_detector_sees_a_payload_that_runs(js_page: Any, name: str) -> None:
    js_page.set_content(f"<!doctype html><html><body>{PAYLOADS[name]}</body></html>")
    js_page.mouse.click(100, 100)
    assert _ran(js_page)
