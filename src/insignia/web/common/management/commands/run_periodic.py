"""The platform's periodic jobs in one process, for deployments without cron (and ``make demo``).

Each job is an idempotent management command, so running one late, twice, or from cron
instead is harmless.  ``--once`` runs every job once and exits (a cron line of its own).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


@dataclass(frozen=True, slots=True)
class Job:
    """A management command and how often it runs (seconds)."""

    command: str
    every: int


#: What keeps the platform's promises when nobody is looking.
JOBS = (
    Job("deliver_webhooks", MINUTE),  # retries that came due (the task path sends the rest)
    Job("send_pending_claim_emails", 5 * MINUTE),  # claim emails the mail server refused
    Job("bulk_resume", 5 * MINUTE),  # bulk jobs whose worker was killed
    Job("sweep_expired_credentials", HOUR),  # credential.expired webhooks
    Job("pathways_sweep", HOUR),  # pathways that relied on a badge that expired
    Job("send_expiry_reminders", DAY),
    Job("analytics_rollup", DAY),
    Job("purge_webhook_deliveries", DAY),
    Job("cleartokens", DAY),  # expired OAuth tokens (django-oauth-toolkit)
)


def run_due(
    jobs: tuple[Job, ...],
    last: dict[str, float],
    now: float,
    call: Callable[[str], None],
) -> list[str]:
    """Run every job whose interval has passed since it last ran (never-run jobs are due);
    return the commands run.  A failing job is logged and does not stop the others."""
    ran = []
    for job in jobs:
        if now - last.get(job.command, float("-inf")) < job.every:
            continue
        last[job.command] = now
        try:
            call(job.command)
        except Exception:
            logger.exception("Periodic job %s failed", job.command)
        ran.append(job.command)
    return ran


class Command(BaseCommand):
    help = "Run the periodic jobs (webhook retries, claim-email retries, sweeps, reminders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        def call(command: str) -> None:
            if not connection.in_atomic_block:  # a long-lived process: drop stale connections
                close_old_connections()
            call_command(command, verbosity=0, stdout=self.stdout)

        last: dict[str, float] = {}
        while True:
            run_due(JOBS, last, time.monotonic(), call)
            if options["once"]:
                return
            time.sleep(15)
