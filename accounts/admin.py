from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from accounts.models import ExternalIdentity

if TYPE_CHECKING:
    IdentityModelAdmin = admin.ModelAdmin[ExternalIdentity]
else:  # ModelAdmin takes no type argument at run time
    IdentityModelAdmin = admin.ModelAdmin


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(IdentityModelAdmin):
    """Link an existing account to the provider's subject before its first single sign-on."""

    list_display = ["user", "subject", "issuer", "last_sign_in_at"]
    search_fields = ["user__username", "subject"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_sign_in_at"]
