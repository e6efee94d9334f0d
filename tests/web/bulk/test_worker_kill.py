"""A real ``db_worker`` process killed with SIGKILL mid-job (PostgreSQL): nothing issued twice,
nothing lost; the stale job is queued again and a new worker finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from insignia.web.awards.models import Credential
from insignia.web.bulk import services
from insignia.web.bulk.models import BulkJob, BulkRow

from .conftest import csv_bytes, people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a server"),
]


def worker(*extra: str) -> subprocess.Popen[bytes]:
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "insignia.web.settings_test",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "insignia.web.manage",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_mid_job_then_resume(staff, published) -> None:
    job, _ = services.bulk_job_create(
        actor=staff["issuer"],
        achievement_id=published.pk,
        file_name="big.csv",
        data=csv_bytes(people(600)),
    )
    services.bulk_job_check(
        actor=staff["issuer"],
        job_id=job.pk,
        mapping={"email": 0, "name": 1, "result": 4},
    )
    services.bulk_job_start(actor=staff["issuer"], job_id=job.pk)
    process = worker()
    try:
        deadline = time.monotonic() + 60
        while BulkJob.objects.get(pk=job.pk).issued == 0:
            assert time.monotonic() < deadline, "the worker issued nothing"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    job.refresh_from_db()
    assert job.state == BulkJob.State.RUNNING and 0 < job.issued < 600
    assert Credential.objects.count() == job.issued
    assert BulkRow.objects.filter(job=job, credential__isnull=False).count() == job.issued
    # the worker gave no sign of life: the job is queued again and a new worker finishes it
    BulkJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert len(services.bulk_jobs_resume_stale()) == 1
    process = worker("--batch")
    assert process.wait(timeout=120) == 0
    job.refresh_from_db()
    assert (job.state, job.issued) == (BulkJob.State.DONE, 600)
    emails = list(Credential.objects.values_list("recipient_email", flat=True))
    assert len(emails) == len(set(emails)) == 600
