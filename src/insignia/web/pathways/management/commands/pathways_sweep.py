"""Re-evaluate learners' pathways (daily): expiry has no event, so this is what applies a
pathway's policy when a badge it relied on expires, and lifts it when renewed.  Idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insignia.web.pathways.services import pathways_sweep


class Command(BaseCommand):
    help = "Re-evaluate every learner with pathway progress or a completion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="evaluate as at this ISO 8601 instant (tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = datetime.fromisoformat(options["now"]) if options.get("now") else None
        count = pathways_sweep(now=now)
        self.stdout.write(f"Evaluated the pathways of {count} learner(s).")
