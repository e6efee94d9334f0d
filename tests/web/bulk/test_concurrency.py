"""Two bulk jobs for the same badge, naming the same people, running at the same moment in two
workers: each person gets the badge once.  Threads with their own connections, so PostgreSQL
only (SQLite in memory gives each thread its own database)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from insignia.web.awards.models import Credential
from insignia.web.bulk import services
from insignia.web.bulk.models import BulkJob, BulkRow

from .conftest import HEADER, csv_bytes, people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="threads need a shared database server"
    ),
]
from .test_services import MAPPING  # noqa: E402


def _ready(staff: Any, published: Any, data: bytes, name: str) -> BulkJob:
    job, _ = services.bulk_job_create(
        actor=staff["issuer"], achievement_id=published.pk, file_name=name, data=data
    )
    services.bulk_job_check(actor=staff["issuer"], job_id=job.pk, mapping=MAPPING)
    return services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)


def test_two_jobs_naming_the_same_people_issue_once_each(staff, published) -> None:
    first = _ready(staff, published, csv_bytes(people(30)), "a.csv")
    second = _ready(staff, published, csv_bytes(people(30), header=[*HEADER, "Note"]), "b.csv")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(job_id: Any) -> None:
        try:
            barrier.wait()
            services.bulk_job_run(job_id=job_id, chunk_size=5)
        except BaseException as exc:  # the test inspects it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j.pk,)) for j in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    emails = list(Credential.objects.values_list("recipient_email", flat=True))
    assert len(emails) == len(set(emails)) == 30
    issued = BulkRow.objects.filter(state=BulkRow.State.ISSUED).count()
    skipped = BulkRow.objects.filter(state=BulkRow.State.SKIPPED).count()
    assert (issued, skipped) == (30, 30)
