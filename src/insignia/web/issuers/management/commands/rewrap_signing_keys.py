"""Re-encrypt every issuer private key with the current key-encryption key (KEK rotation).

Put the new key first in ``INSIGNIA_KEY_ENCRYPTION_KEY`` (keeping the old one after it), run
this command, then remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from insignia.web.issuers.keystore import current_kek_id
from insignia.web.issuers.services import signing_keys_rewrap


class Command(BaseCommand):
    help = "Re-encrypt all signing keys with the first INSIGNIA_KEY_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        count = signing_keys_rewrap()
        self.stdout.write(f"Re-encrypted {count} signing key(s) with KEK {current_kek_id()}.")
