"""Playwright driving Debian's chromium against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    path = os.environ.get("INSIGNIA_CHROMIUM", "/usr/bin/chromium")
    if Path(path).is_file() or shutil.which(path):
        return path
    return None


@pytest.fixture(scope="session")
def browser(live_server: Any) -> Iterator[Any]:
    """A chromium shared by the session; it closes before the live server stops (so that no
    kept-alive connection outlives the server's shared test database connection)."""
    executable = _chromium()
    if executable is None:
        if os.environ.get("INSIGNIA_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (INSIGNIA_REQUIRE_BROWSER is set) but was not found")
        pytest.skip("chromium is not installed")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # ordinary synchronous code, so Django's async-safety guard does not apply to them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """Open pages in fresh browser contexts with JavaScript off; all close after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
