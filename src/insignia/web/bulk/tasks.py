"""Background work of bulk issuance (django-tasks; ``python -m insignia.web.manage db_worker``)."""

from __future__ import annotations

from django_tasks import task

from insignia.web.bulk import services


@task()
def bulk_job_run_task(job_id: str) -> dict[str, int]:
    """Issue a bulk job until it is done, paused or cancelled."""
    job = services.bulk_job_run(job_id=job_id)
    return {"issued": job.issued, "skipped": job.skipped}
