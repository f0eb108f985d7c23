from __future__ import annotations

from django.contrib.auth.models import User
from django.db import models


class ExternalIdentity(models.Model):
    """A user's account at an OpenID Connect provider: the provider's issuer and its subject (`sub`).

    Sign-in matches on this pair, never on the e-mail address, which the provider lets people change.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.URLField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_unique_subject"),
            models.UniqueConstraint(fields=["issuer", "user"], name="identity_one_per_issuer"),
            models.CheckConstraint(condition=~models.Q(subject=""), name="identity_subject_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
