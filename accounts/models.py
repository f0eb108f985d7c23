from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
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


def validate_time_zone(value: str) -> None:
    """An IANA zone name this server knows (blank: follow the browser)."""
    if value and value not in known_time_zones():
        raise ValidationError(f"“{value[:64]}” is not a time zone this server knows, such as Europe/Paris.")


def known_time_zones() -> frozenset[str]:
    return _ZONES


_ZONES = frozenset(zoneinfo.available_timezones())


class Profile(models.Model):
    """A person's own settings. The time zone decides how times are entered and shown; they are stored in UTC."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="An IANA time zone such as Europe/Paris; blank follows the browser's.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone or 'browser time zone'})"
