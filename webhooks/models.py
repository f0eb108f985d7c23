"""Webhook endpoints that staff register, and the log of every delivery to them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from webhooks.addresses import DeliveryRefused, url_check


class Event(models.TextChoices):
    SCORECARD_SUBMITTED = "scorecard.submitted", "Scorecard submitted"
    SCORECARD_AMENDED = "scorecard.amended", "Scorecard amended"
    LOOP_COMPLETED = "loop.completed", "Loop complete (every scorecard submitted)"
    DECISION_RECORDED = "decision.recorded", "Decision recorded"
    DECISION_CHANGED = "decision.changed", "Decision changed"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=500, help_text="Must be on a host in the WEBHOOK_ALLOWED_HOSTS setting.")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text='The events to send, e.g. ["scorecard.submitted"].')
    secret = models.CharField(
        max_length=100, default=new_secret, help_text="Signs every delivery (Scorecards-Signature header)."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        unknown = [event for event in self.events or [] if event not in Event.values]
        if not isinstance(self.events, list) or not self.events or unknown:
            raise ValidationError({"events": f"Choose events among: {', '.join(Event.values)}."})
        try:
            url_check(self.url, resolve=False)
        except DeliveryRefused as refused:
            raise ValidationError({"url": str(refused)}) from None


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="webhook_delivery_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.get_status_display()}, {self.attempts} attempts)"
