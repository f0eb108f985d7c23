"""Writes and checks for personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from api.models import AccessToken

TOKEN = re.compile(r"sc_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})")
EXPIRY_DAYS = (7, 30, 90, 365)
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenRefused(Exception):
    """The presented token is malformed, unknown, revoked or expired; the message says which."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, owner: User, name: str, scope: str, expires_in_days: int) -> tuple[AccessToken, str]:
    """A new token for `owner`; returns it with the only copy of its secret text."""
    if expires_in_days not in EXPIRY_DAYS:
        raise ValueError(f"expiry must be one of {EXPIRY_DAYS} days")
    prefix = secrets.token_hex(6)
    raw = f"sc_{prefix}_{secrets.token_urlsafe(32)}"
    token = AccessToken(
        owner=owner,
        name=name.strip(),
        prefix=prefix,
        secret_hash=token_hash(raw),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days),
    )
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: AccessToken, by: User) -> AccessToken:
    """Revoke a token (its owner or staff). Revoking twice keeps the first time."""
    if not (by.is_staff or token.owner_id == by.pk):
        raise PermissionDenied("Only the token's owner or an administrator can revoke it.")
    AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def tokens_revoke(*, tokens: list[AccessToken], by: User) -> int:
    """Revoke several tokens at once (the admin action); returns how many were still live."""
    if not by.is_staff:
        raise PermissionDenied("Only an administrator revokes other people's tokens.")
    return AccessToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_authenticate(*, raw: str, now: dt.datetime) -> AccessToken:
    """The live token matching `raw`, its last use recorded; TokenRefused says why not."""
    match = TOKEN.fullmatch(raw)
    if match is None:
        raise TokenRefused("That is not an API token: tokens look like sc_<12 hex digits>_<43 characters>.")
    token = AccessToken.objects.select_related("owner").filter(prefix=match["prefix"]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(raw)):
        raise TokenRefused("Unknown token.")
    if token.revoked_at is not None:
        raise TokenRefused("This token was revoked.")
    if token.expires_at <= now:
        raise TokenRefused(f"This token expired on {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}.")
    if not token.owner.is_active:
        raise TokenRefused("This token's owner is deactivated.")
    token_touch(token=token, now=now)
    return token


def token_touch(*, token: AccessToken, now: dt.datetime) -> None:
    """Record a use; at most one write a minute per token, however many requests it makes."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    AccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
