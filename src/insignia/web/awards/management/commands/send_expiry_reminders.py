"""Email holders whose badges expire soon (once per credential; run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insignia.web.awards.services import expiry_reminders_send


class Command(BaseCommand):
    help = "Remind holders, once per credential, that their badge expires within --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = expiry_reminders_send(days=options["days"])
        self.stdout.write(f"{sent} expiry reminder(s) sent.")
