"""Fold yesterday's and older analytics events into daily counts (run it daily, e.g. cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from insignia.web.analytics.services import daily_counts_rollup


class Command(BaseCommand):
    help = "Fold analytics events of past days into daily counts and delete the events."

    def handle(self, *args: Any, **options: Any) -> None:
        folded = daily_counts_rollup()
        self.stdout.write(f"Folded {folded} event(s) into daily counts.")
