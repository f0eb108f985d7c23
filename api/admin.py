from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import AccessToken
from api.services import tokens_revoke


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the admin is for signed-in staff only
    return user


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin[AccessToken]):
    list_display = ["name", "owner", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["owner", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    fields = tuple(readonly_fields)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created by their owner, on /settings/tokens/, and shown only then

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        revoked = tokens_revoke(tokens=list(queryset), by=_staff(request))
        self.message_user(request, f"{revoked} token{'s' if revoked != 1 else ''} revoked.", messages.SUCCESS)
