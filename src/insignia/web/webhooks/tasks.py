"""Background sending of webhook deliveries (django-tasks; run by ``db_worker``)."""

from __future__ import annotations

from django_tasks import task

from insignia.web.webhooks import services


@task()
def webhook_deliveries_task(delivery_ids: list[str]) -> dict[str, int]:
    """Send a batch of deliveries that are due; queues itself again for their retries."""
    return services.deliveries_send(delivery_ids=delivery_ids)
