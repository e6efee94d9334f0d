"""Settings for the test suite: the real settings, with safe defaults for what tests need.

``DATABASE_URL`` is still honoured, so the same suite runs on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "insignia-test-secret-key-not-for-production")
os.environ.setdefault("INSIGNIA_KEY_ENCRYPTION_KEY", "dGVzdC1rZWstdGVzdC1rZWstdGVzdC1rZWstdGVzdCE")
os.environ.setdefault("INSIGNIA_BASE_URL", "http://testserver")
os.environ.setdefault("EMAIL_URL", "locmem:")
os.environ.setdefault("INSIGNIA_PLAIN_STATIC", "1")
os.environ.setdefault("INSIGNIA_DISABLE_RATE_LIMITS", "1")
# Per-process memory: tests clear it freely (production uses the shared database table).
os.environ.setdefault("INSIGNIA_CACHE", "memory")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
# Evidence files never land in the project's var/ during tests (tests also use tmp_path).
os.environ.setdefault("INSIGNIA_EVIDENCE_DIR", tempfile.mkdtemp(prefix="insignia-evidence-"))

from insignia.web.settings import *  # noqa: F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
# django-axes needs the request in authenticate(), which the test client's login() does not
# pass; tests of the lockout turn it on with override_settings (tests/web/security).
AXES_ENABLED = False
# Connections are not kept between requests: the live server's request threads share the
# test database connection, and must not try to close or re-check it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
