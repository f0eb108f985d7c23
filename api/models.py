"""Personal access tokens for the JSON API.

Only a SHA-256 of a token is stored; the token itself is shown once, when it is created.
The prefix (the token's first part) finds the row without scanning every hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system that uses it.")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="access_token_name_not_blank"),
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="access_token_scope_known"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner}, sc_{self.prefix}_…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
