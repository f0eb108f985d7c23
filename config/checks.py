"""Deployment checks (``manage.py check --deploy``) for settings a production server cannot do without."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks, mail


@checks.register(checks.Tags.security, deploy=True)
def trusted_proxies_is_set(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without it every client has the proxy's address: one attacker could lock anyone out for everyone."""
    if settings.TRUSTED_PROXIES is not None:
        return []
    return [
        checks.Error(
            "DJANGO_TRUSTED_PROXIES is not set, so the login lockout cannot tell clients apart.",
            hint=(
                "Set it to the number of proxies in front of the app that append to X-Forwarded-For: "
                "1 behind one load balancer or nginx (the documented deployment), 2 behind a CDN and a "
                "load balancer, 0 only when clients reach gunicorn directly. See docs/DEPLOY.md."
            ),
            id="config.E001",
        )
    ]


@checks.register(checks.Tags.mail, deploy=True)
def mailer_can_connect(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The default mailer must be buildable: its class found, its options (for SMTP: a host) accepted."""
    try:
        mail.mailers.default  # noqa: B018  (building it is the check)
    except Exception as error:  # an unimportable class, unknown or contradictory options
        hint = (
            "Set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.com:587) "
            "or EMAIL_HOST and its EMAIL_* variables."
        )
        if "://" in str(settings.MAILERS.get("default", {}).get("BACKEND", "")):
            hint = "DJANGO_EMAIL_BACKEND takes a class path; put an smtp:// URL in EMAIL_URL. " + hint
        return [checks.Error(f"The mail configuration cannot build a connection: {error}", hint=hint, id="config.E002")]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def cache_is_shared(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without a shared cache each server process counts the API's rate limit on its own (sessions stay correct:
    they are then read from the database)."""
    if settings.CACHE_URL:
        return []
    return [
        checks.Warning(
            "CACHE_URL is not set: each server process counts the API rate limit (API_RATE) by itself, and "
            "sessions are read from the database on every request.",
            hint="Set CACHE_URL to a cache all app servers share, e.g. redis://cache.internal:6379/0 (docs/DEPLOY.md).",
            id="config.W003",
        )
    ]
