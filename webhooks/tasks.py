from __future__ import annotations

from django.tasks import task

from webhooks.delivery import delivery_attempt
from webhooks.models import WebhookDelivery


@task()
def webhook_deliver(delivery_id: int) -> str:
    """Send one delivery; on failure it enqueues itself again after the back-off delay."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "nothing to do"
    retry_at = delivery_attempt(delivery=delivery)
    if retry_at is not None:
        webhook_deliver.using(run_after=retry_at).enqueue(delivery_id)
    return delivery.status
