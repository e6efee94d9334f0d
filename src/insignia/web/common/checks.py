"""System checks: refuse to run a production server without the secrets it needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def check_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report missing SECRET_KEY / key-encryption key outside DEBUG."""
    errors: list[checks.CheckMessage] = []
    if not settings.DEBUG and not settings.INSIGNIA_KEY_ENCRYPTION_KEYS:
        errors.append(
            checks.Error(
                "INSIGNIA_KEY_ENCRYPTION_KEY is not set: issuer signing keys cannot be stored.",
                hint="Set it to one or more comma-separated base64url-encoded 32-byte keys.",
                id="insignia.E001",
            )
        )
    return errors
