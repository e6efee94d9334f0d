"""Two bulk jobs for the same badge, naming the same people, running at the same moment in two
workers: each person gets the badge once.  Threads with their own connections, so PostgreSQL
only (SQLite in memory gives each thread its own database)."""

from __future__ import annotations

from typing import Any

from insignia.web.awards.models import Credential
from insignia.web.bulk import services
from insignia.web.bulk.models import BulkJob, BulkRow
from tests.support.concurrency import RACES, failures, race

from .conftest import HEADER, csv_bytes, people
from .test_services import MAPPING

pytestmark = RACES


def _ready(staff: Any, published: Any, data: bytes, name: str) -> BulkJob:
    job, _ = services.bulk_job_create(
        actor=staff["issuer"], achievement_id=published.pk, file_name=name, data=data
    )
    services.bulk_job_check(actor=staff["issuer"], job_id=job.pk, mapping=MAPPING)
    return services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)


def test_two_jobs_naming_the_same_people_issue_once_each(staff, published) -> None:
    first = _ready(staff, published, csv_bytes(people(30)), "a.csv")
    second = _ready(staff, published, csv_bytes(people(30), header=[*HEADER, "Note"]), "b.csv")
    results = race(
        lambda: services.bulk_job_run(job_id=first.pk, chunk_size=5),
        lambda: services.bulk_job_run(job_id=second.pk, chunk_size=5),
    )
    assert failures(results) == []
    emails = list(Credential.objects.values_list("recipient_email", flat=True))
    assert len(emails) == len(set(emails)) == 30
    issued = BulkRow.objects.filter(state=BulkRow.State.ISSUED).count()
    skipped = BulkRow.objects.filter(state=BulkRow.State.SKIPPED).count()
    assert (issued, skipped) == (30, 30)
