"""Background work of the awards app (django-tasks; run by ``db_worker``)."""

from __future__ import annotations

from django_tasks import task

from insignia.web.awards import services


@task()
def claim_emails_send_task(credential_ids: list[str]) -> int:
    """Send the claim emails of a batch of awards (idempotent per credential)."""
    return services.claim_emails_send(credential_ids=credential_ids)
