"""Transport hardening that depends on how the site is served: HSTS and secure cookies turn
on by themselves when INSIGNIA_BASE_URL is https."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

PROBE = (
    "import json; from insignia.web import settings as s; print(json.dumps([s.SECURE_HSTS_SECONDS,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CACHES['default']['BACKEND']]))"
)
SHARED_CACHE = "django.core.cache.backends.db.DatabaseCache"


def _settings_for(base_url: str) -> list[object]:
    env = {
        **os.environ,
        "INSIGNIA_BASE_URL": base_url,
        "SECRET_KEY": "x" * 50,
        "INSIGNIA_KEY_ENCRYPTION_KEY": "dGVzdC1rZWstdGVzdC1rZWstdGVzdC1rZWstdGVzdCE",
    }
    env.pop("INSIGNIA_HSTS_SECONDS", None)
    env.pop("INSIGNIA_CACHE", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_sites_get_hsts_and_secure_cookies_and_every_site_a_shared_cache() -> None:
    """The cache (rate-limit counters) lives in the database by default, so that web processes
    keep no state of their own."""
    assert _settings_for("https://badges.example.edu") == [31_536_000, True, True, SHARED_CACHE]
    assert _settings_for("http://127.0.0.1:8000") == [0, False, False, SHARED_CACHE]


@pytest.mark.django_db
def test_hsts_header_is_sent_on_secure_requests() -> None:
    with override_settings(SECURE_HSTS_SECONDS=31_536_000):
        client = Client()
        secure = client.get("/", secure=True)
        plain = client.get("/")
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain
