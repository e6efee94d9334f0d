"""Queue again the bulk jobs whose worker stopped answering (run it before ``db_worker``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from insignia.web.bulk.services import bulk_jobs_resume_stale


class Command(BaseCommand):
    help = "Queue again the bulk issuance jobs whose worker was stopped or killed."

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = bulk_jobs_resume_stale()
        self.stdout.write(f"{len(jobs)} bulk job(s) queued again.")
