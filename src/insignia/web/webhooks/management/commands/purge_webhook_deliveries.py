"""``python -m insignia.web.manage purge_webhook_deliveries``: trim the delivery log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insignia.web.webhooks.services import deliveries_purge


class Command(BaseCommand):
    help = (
        "Delete delivered and failed webhook deliveries older than INSIGNIA_WEBHOOKS_LOG_DAYS "
        "(or --days); pending ones are kept. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = deliveries_purge(days=options["days"])
        self.stdout.write(f"{count} finished webhook deliveries deleted.")
