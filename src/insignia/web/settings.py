"""Django settings, read from the environment (12-factor).

Environment variables:

``SECRET_KEY``                     required unless ``DEBUG`` is on.
``DEBUG``                          ``1``/``true`` turns on debug pages (never in production).
``ALLOWED_HOSTS``                  comma-separated; defaults to the host of ``INSIGNIA_BASE_URL``.
``DATABASE_URL``                   e.g. ``postgresql://user@host:5432/db``; default SQLite in var/.
``EMAIL_URL``                      ``console:``, ``locmem:``, ``smtp://user:pass@host:587?tls=1``,
                                   or ``smtps://…``; default console.
``DEFAULT_FROM_EMAIL``             sender of claim and account emails.
``INSIGNIA_BASE_URL``              public origin, e.g. ``https://badges.example.edu``; used to
                                   build credential, issuer and status-list URLs and did:web ids.
``INSIGNIA_DID_HOST``              host[:port] of ``did:web`` ids when it differs from the above.
``INSIGNIA_KEY_ENCRYPTION_KEY``    comma-separated base64url 32-byte keys; the first encrypts new
                                   signing keys, the others are still accepted for decryption
                                   (rotation).  Required unless ``DEBUG`` is on.
``INSIGNIA_KEY_ENCRYPTION_KEY_FILE`` the same keys read from a file (one per line) instead.
``INSIGNIA_EVIDENCE_DIR``          where learners' evidence files are kept (default
                                   ``var/evidence``); never under the static root, never served
                                   except through the access-checked evidence view.
``INSIGNIA_MAX_EVIDENCE_BYTES``    the largest evidence file accepted (default 10 MB).
``INSIGNIA_BULK_CHUNK``            rows a bulk job issues per transaction (default 100).
``INSIGNIA_SIGNING_PROCESSES``     forked signing workers for large bulk chunks (default 1).
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parents[2]
VAR_DIR = Path(os.environ.get("INSIGNIA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (``1``, ``true``, ``yes``, ``on``)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict[str, Any]:
    """Translate an ``EMAIL_URL`` into Django's email settings."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return {"EMAIL_BACKEND": simple[scheme]}
    if scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme != "smtps" and query.get("tls", ["1"])[0] not in {"0", "false"},
        "EMAIL_TIMEOUT": 20,
    }


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY outside DEBUG, Django itself refuses to sign anything (sessions, CSRF…),
# so a misconfigured production server fails loudly instead of using a known key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

INSIGNIA_BASE_URL = os.environ.get("INSIGNIA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(INSIGNIA_BASE_URL)
# The host (and port) of issuers' did:web identifiers.  did:web names a domain, never an IP
# address, so a development site on 127.0.0.1 uses "localhost" (the same machine).
INSIGNIA_DID_HOST = os.environ.get("INSIGNIA_DID_HOST") or (
    _base.netloc.replace(_base.hostname or "", "localhost", 1)
    if (_base.hostname or "").replace(".", "").isdigit()
    else _base.netloc
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or sorted(
    {_base.hostname or "localhost", "localhost", "127.0.0.1"}
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [f"{_base.scheme}://{_base.netloc}"]

_kek_text = os.environ.get("INSIGNIA_KEY_ENCRYPTION_KEY", "")
if _kek_text:
    INSIGNIA_KEY_ENCRYPTION_KEYS = [
        base64.urlsafe_b64decode(item + "=" * (-len(item) % 4))
        for item in env_list("INSIGNIA_KEY_ENCRYPTION_KEY")
    ]
    if any(len(key) != 32 for key in INSIGNIA_KEY_ENCRYPTION_KEYS):
        raise ImproperlyConfigured("INSIGNIA_KEY_ENCRYPTION_KEY entries must be 32 bytes each.")
elif DEBUG:
    INSIGNIA_KEY_ENCRYPTION_KEYS = [
        hashlib.sha256(b"insignia-dev-kek:" + SECRET_KEY.encode()).digest()
    ]
else:
    # The keystore refuses to work (and ``manage.py check`` reports an error) without a key.
    INSIGNIA_KEY_ENCRYPTION_KEYS = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # Our apps come before allauth so that our templates override its defaults.
    "insignia.web.common",
    "insignia.web.accounts",
    "insignia.web.images",
    "insignia.web.issuers",
    "insignia.web.achievements",
    "insignia.web.awards",
    "insignia.web.wallet",
    "insignia.web.analytics",
    "insignia.web.sharing",
    "insignia.web.earning",
    "insignia.web.bulk",
    "insignia.web.verification",
    "insignia.web.talent",
    "insignia.web.api",
    "insignia.web.obapi",
    "insignia.web.webhooks",
    "insignia.web.lti",
    "insignia.web.pathways",
    "insignia.web.privacy",
    "insignia.web.ops",
    "insignia.web.public",
    "allauth",
    "allauth.account",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",
]

# Background work (bulk issuance, batches of claim emails): the database backend, so the queue
# lives in the same database; run it with ``python -m insignia.web.manage db_worker``.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "insignia.web.common.middleware.SecurityHeadersMiddleware",
    "insignia.web.ops.middleware.DatabaseUnavailableMiddleware",  # the database gone: a 503
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "insignia.web.urls"
WSGI_APPLICATION = "insignia.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insignia.web.common.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "insignia.web.common.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'insignia.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate-limit counters and short-lived lookups.  By default it is a table in the
# database, so that every web process on every machine shares it (the processes keep no state
# of their own); ``INSIGNIA_CACHE=memory`` keeps it per process (one-process development).
# ``manage.py createcachetable`` creates the table (``make demo`` and the test runner do).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if os.environ.get("INSIGNIA_CACHE", "database") == "memory"
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "insignia_cache",
        }
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "wallet:list"

# django-allauth: email is the login; sign-up verifies it; several addresses per person.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 5
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Insignia] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _base.scheme or "https"
ACCOUNT_ADAPTER = "insignia.web.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "insignia.web.accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = (
    {}
    if env_bool("INSIGNIA_DISABLE_RATE_LIMITS")
    else {
        "login_failed": "10/m/ip,5/5m/key",
        "signup": "10/m/ip,100/h/ip",
    }
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("INSIGNIA_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("INSIGNIA_PLAIN_STATIC")

_email = email_settings(os.environ.get("EMAIL_URL", "console:"))
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT: int = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS: bool = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT: int | None = _email.get("EMAIL_TIMEOUT")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Insignia <badges@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploads: badge images are small; anything bigger is refused before it reaches Pillow.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
INSIGNIA_MAX_IMAGE_BYTES = int(os.environ.get("INSIGNIA_MAX_IMAGE_BYTES", str(2 * 1024 * 1024)))
INSIGNIA_MAX_IMAGE_PIXELS = 16_000_000
INSIGNIA_CLAIM_DAYS = 60
# Bulk issuance: rows issued per transaction, and forked signing workers for a chunk of 500 or
# more (the engine's ``sign_many``; 1 signs in the worker's own process).
INSIGNIA_BULK_CHUNK = int(os.environ.get("INSIGNIA_BULK_CHUNK", "100"))
INSIGNIA_SIGNING_PROCESSES = int(os.environ.get("INSIGNIA_SIGNING_PROCESSES", "1"))
# Learners' evidence: private files outside the static root, served only by an access check.
INSIGNIA_EVIDENCE_DIR = Path(os.environ.get("INSIGNIA_EVIDENCE_DIR", VAR_DIR / "evidence"))
INSIGNIA_MAX_EVIDENCE_BYTES = int(
    os.environ.get("INSIGNIA_MAX_EVIDENCE_BYTES", str(10 * 1024 * 1024))
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _base.scheme == "https"
CSRF_COOKIE_SECURE = _base.scheme == "https"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS once the site is served over HTTPS (Django sends it only on secure requests): a year by
# default; INSIGNIA_HSTS_SECONDS=0 turns it off while a deployment is being tried out.
SECURE_HSTS_SECONDS = int(
    os.environ.get("INSIGNIA_HSTS_SECONDS", "31536000" if _base.scheme == "https" else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("INSIGNIA_HSTS_INCLUDE_SUBDOMAINS")
SECURE_SSL_REDIRECT = env_bool("INSIGNIA_SSL_REDIRECT")
if env_bool("INSIGNIA_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Per-app settings.  Each block belongs to one app; edit only your app's block. ---------

# OB 3.0 API and OAuth 2.0 (insignia.web.obapi; django-oauth-toolkit underneath).  Tokens
# are stored as hashes; PKCE with S256 is required; a refresh token works once (rotated) and a
# replayed one revokes what it had become.  See docs/ob-api.md.
OAUTH2_PROVIDER: dict[str, Any] = {
    "SCOPES": {
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly": (
            "Read the learner's credentials"
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert": (
            "Add credentials to the learner's wallet"
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly": (
            "Read the learner's profile"
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update": (
            "Update the learner's profile"
        ),
    },
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "insignia.web.obapi.scopes.ObScopes",
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
# Named so that migrations can depend on the (swappable) model; the toolkit's own default.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Where the discovery document's privacy policy and terms point (default: the API's own page).
INSIGNIA_OB_API_PRIVACY_POLICY_URL = os.environ.get("INSIGNIA_OB_API_PRIVACY_POLICY_URL", "")
INSIGNIA_OB_API_TERMS_URL = os.environ.get("INSIGNIA_OB_API_TERMS_URL", "")

# Issuer REST API and VC-API (insignia.web.api).  The interactive docs at /api/docs run
# django-ninja's bundled copy of Swagger UI, served as this site's own static files (no CDN).
# (find_spec, not import: importing ninja reads these settings before they exist.)
from importlib.util import find_spec as _find_spec  # noqa: E402

_ninja_spec = _find_spec("ninja")
STATICFILES_DIRS = [Path(str(_ninja_spec.origin)).parent / "static"] if _ninja_spec else []

# Webhooks (insignia.web.webhooks).  Loopback targets (and plain http to them) only when
# allowed: development and tests; never in production.  Delivery n fails → retry after
# BASE × 3^(n-1) seconds ±20 %, up to MAX_ATTEMPTS attempts (defaults: some 27 hours).
INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK = env_bool("INSIGNIA_WEBHOOKS_ALLOW_LOOPBACK")
INSIGNIA_WEBHOOKS_TIMEOUT = float(os.environ.get("INSIGNIA_WEBHOOKS_TIMEOUT", "10"))
INSIGNIA_WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("INSIGNIA_WEBHOOKS_MAX_ATTEMPTS", "8"))
INSIGNIA_WEBHOOKS_RETRY_BASE = float(os.environ.get("INSIGNIA_WEBHOOKS_RETRY_BASE", "90"))
# The delivery log keeps finished deliveries this many days (purge_webhook_deliveries, daily).
INSIGNIA_WEBHOOKS_LOG_DAYS = int(os.environ.get("INSIGNIA_WEBHOOKS_LOG_DAYS", "30"))

# LTI 1.3 (insignia.web.lti).  Platform URLs (key sets, tokens, results) must be https on
# public addresses; INSIGNIA_LTI_ALLOW_INSECURE lifts that for development and tests only.
INSIGNIA_LTI_ALLOW_INSECURE = env_bool("INSIGNIA_LTI_ALLOW_INSECURE", DEBUG)

# Pathways (insignia.web.pathways).
# Requirement trees: how deep groups may nest, and how many requirements one pathway may have.
# Run `python -m insignia.web.manage pathways_sweep` daily: expiry has no event of its own.
INSIGNIA_PATHWAY_MAX_DEPTH = int(os.environ.get("INSIGNIA_PATHWAY_MAX_DEPTH", "4"))
INSIGNIA_PATHWAY_MAX_REQUIREMENTS = int(os.environ.get("INSIGNIA_PATHWAY_MAX_REQUIREMENTS", "50"))

# Security: login lockout, rate limits, privacy, backups (insignia.web.privacy, .ops, common).


def read_key_encryption_keys(path: str | Path) -> list[bytes]:
    """Read key-encryption keys from a file (``INSIGNIA_KEY_ENCRYPTION_KEY_FILE``): base64url
    32-byte keys, one per line or comma-separated, the first encrypting; ``#`` starts a comment.

    A file (a mounted secret) keeps the key out of the process environment, which child
    processes inherit and crash reporters like to print.
    """
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(
            f"INSIGNIA_KEY_ENCRYPTION_KEY_FILE cannot be read: {exc}"
        ) from None
    items = [
        item.strip()
        for line in text.splitlines()
        for item in line.split("#", 1)[0].split(",")
        if item.strip()
    ]
    try:
        keys = [base64.urlsafe_b64decode(item + "=" * (-len(item) % 4)) for item in items]
    except ValueError:
        raise ImproperlyConfigured("INSIGNIA_KEY_ENCRYPTION_KEY_FILE is not base64url.") from None
    if not keys or any(len(key) != 32 for key in keys):
        raise ImproperlyConfigured(
            "INSIGNIA_KEY_ENCRYPTION_KEY_FILE must hold one or more 32-byte keys."
        )
    return keys


if os.environ.get("INSIGNIA_KEY_ENCRYPTION_KEY_FILE"):
    if _kek_text:
        raise ImproperlyConfigured(
            "Set INSIGNIA_KEY_ENCRYPTION_KEY or INSIGNIA_KEY_ENCRYPTION_KEY_FILE, not both."
        )
    INSIGNIA_KEY_ENCRYPTION_KEYS = read_key_encryption_keys(
        os.environ["INSIGNIA_KEY_ENCRYPTION_KEY_FILE"]
    )

# Rate limits (insignia.web.common.ratelimit): per client address and per bearer token, in the
# cache named by INSIGNIA_RATE_LIMIT_CACHE (shared between processes in production: see
# docs/security.md).  INSIGNIA_RATE_LIMITS overrides scopes, e.g. "verify=60/m,api=600/m".
# INSIGNIA_BEHIND_PROXY: the client address is the last X-Forwarded-For entry.
INSIGNIA_BEHIND_PROXY = env_bool("INSIGNIA_BEHIND_PROXY")
INSIGNIA_DISABLE_RATE_LIMITS = env_bool("INSIGNIA_DISABLE_RATE_LIMITS")
INSIGNIA_RATE_LIMIT_CACHE = os.environ.get("INSIGNIA_RATE_LIMIT_CACHE", "default")
INSIGNIA_RATE_LIMITS: dict[str, str] = {
    "verify": "30/m",  # the public verifier (page and POST /api/v1/verify): fetches, checks
    "api": "120/m",  # the read-only public JSON API
    "search": "60/m",  # recruiters' talent search
    "register": "10/h",  # OAuth dynamic client registration (OB 3.0 API), per address
    **dict(item.split("=", 1) for item in env_list("INSIGNIA_RATE_LIMITS") if "=" in item),
}

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one address *from*
# one client address, that pair is locked out for the cool-off time (another person's failures
# elsewhere never lock someone out of their own account; allauth's "login_failed" limit above
# throttles one address trying many accounts).  Attempts are kept in the database.
AXES_ENABLED = not env_bool("INSIGNIA_DISABLE_LOGIN_LOCKOUT")
AXES_FAILURE_LIMIT = int(os.environ.get("INSIGNIA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("INSIGNIA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "insignia.web.common.ratelimit.login_username"
AXES_CLIENT_IP_CALLABLE = "insignia.web.common.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "insignia.web.common.ratelimit.lockout_response"
AXES_PASSWORD_FORM_FIELD = "password"  # noqa: S105 - a form field name

# Object storage for media and status lists (S3-compatible, django-storages).
# With INSIGNIA_S3_BUCKET set, uploaded media (the "default" storage, under media/) and learners'
# evidence files (the "evidence" storage, under evidence/, never public: served only through the
# access-checked evidence view) live in an S3-compatible bucket, so any web process on any machine
# sees the same files.  Badge images and status lists are rows in the database (PostgreSQL).
INSIGNIA_S3_BUCKET = os.environ.get("INSIGNIA_S3_BUCKET", "")
if INSIGNIA_S3_BUCKET:
    _s3: dict[str, Any] = {
        "bucket_name": INSIGNIA_S3_BUCKET,
        "endpoint_url": os.environ.get("INSIGNIA_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("INSIGNIA_S3_REGION") or None,
        "access_key": os.environ.get("INSIGNIA_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("INSIGNIA_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("INSIGNIA_S3_ADDRESSING_STYLE") or None,
        "default_acl": None,  # the bucket's own policy (private); many S3 clones lack ACLs
        "querystring_auth": True,  # any URL handed out is signed and short-lived
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    _storages: dict[str, Any] = STORAGES  # the S3 options are not all strings
    _storages["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "media"},
    }
    _storages["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "evidence"},
    }
