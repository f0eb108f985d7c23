from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_FIELDS = [
    "event", "status", "attempts", "last_status_code", "last_error", "created_at", "last_attempt_at",
    "next_attempt_at", "delivered_at",
]  # fmt: skip


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the admin is for signed-in staff only
    return user


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ["url", "description", "is_active", "created_at", "delivery_log"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_at", "created_by", "delivery_log"]

    @admin.display(description="Delivery log")
    def delivery_log(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.pk is None:
            return "—"
        url = reverse("admin:webhooks_webhookdelivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">Deliveries to this endpoint</a>', url)

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: object, change: bool) -> None:
        if not change:
            obj.created_by = _staff(request)
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: every attempt's outcome, per endpoint (filter), newest first."""

    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = ["endpoint", "payload", *LOG_FIELDS]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
