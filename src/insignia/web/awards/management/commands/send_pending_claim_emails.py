"""Send claim emails that never went out (mail server refused, worker killed); run it from cron
every few minutes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insignia.web.awards.services import claim_emails_retry


class Command(BaseCommand):
    help = "Email a fresh claim link for each unaccepted award whose email never went out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=15,
            help="leave awards younger than this to the normal path (default 15)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = claim_emails_retry(older_than=timedelta(minutes=options["older_than_minutes"]))
        self.stdout.write(f"{sent} claim email(s) sent.")
