"""/api/docs in a real browser: Swagger UI runs under the page's CSP from our own files only."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_without_csp_violations(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(java_script_enabled=True)
    try:
        page = context.new_page()
        console: list[str] = []
        errors: list[str] = []
        requested: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requested.append(request.url))
        response = page.goto(f"{live_server.url}/api/docs")
        assert response is not None and response.status == 200
        page.wait_for_selector(".opblock", timeout=20_000)
        operations = page.locator(".opblock").count()
        assert operations == 23  # every endpoint of /api/v1/openapi.json
        assert page.locator('[data-path="/api/v1/vc/credentials/issue"]').count() == 1
        assert not errors, errors
        assert not [m for m in console if "Content Security Policy" in m], console
        outside = [u for u in requested if not u.startswith((live_server.url, "data:"))]
        assert not outside, outside
    finally:
        context.close()
