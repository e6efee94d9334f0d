"""Re-encrypt every LTI tool private key with the current key-encryption key (KEK rotation).

Run it together with ``rewrap_signing_keys``: put the new key first in
``INSIGNIA_KEY_ENCRYPTION_KEY`` (keeping the old one after it), run both, then remove the
old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from insignia.web.issuers.keystore import current_kek_id
from insignia.web.lti.services import platform_keys_rewrap


class Command(BaseCommand):
    help = "Re-encrypt all LTI tool keys with the first INSIGNIA_KEY_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        count = platform_keys_rewrap()
        self.stdout.write(f"Re-encrypted {count} LTI tool key(s) with KEK {current_kek_id()}.")
