"""``python -m insignia.web.manage deliver_webhooks``: send every webhook delivery that is due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insignia.web.webhooks.services import deliveries_send_due


class Command(BaseCommand):
    help = (
        "Send the webhook deliveries that are due (first attempts and retries). Run it from "
        "cron every minute or few: it also sends deliveries left behind by a worker that died."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deliveries_send_due(limit=options["limit"])
        self.stdout.write(
            "Webhook deliveries: "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("delivered", "pending", "failed"))
            + " (pending = will be retried)."
        )
