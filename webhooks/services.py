from __future__ import annotations

from typing import Any

from django.utils import timezone

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tasks import webhook_deliver


def deliveries_enqueue(*, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to the event, each handed to the worker: nothing is sent here."""
    payload = {"event": event, "created_at": timezone.now().isoformat(), "data": data}
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]
    deliveries = [WebhookDelivery.objects.create(endpoint=e, event=event, payload=payload) for e in endpoints]
    for delivery in deliveries:
        webhook_deliver.enqueue(delivery.pk)
    return deliveries
