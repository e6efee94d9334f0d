"""``python -m insignia.web.manage sweep_expired_credentials``: announce expired credentials."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from insignia.web.webhooks.services import credentials_expired_sweep


class Command(BaseCommand):
    help = (
        "Send credential.expired to webhook subscribers for every credential whose expiry has "
        "passed, once per credential. Run it daily (or hourly) from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = credentials_expired_sweep()
        self.stdout.write(f"{count} expired credential(s) announced.")
