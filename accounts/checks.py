"""System checks for the single sign-on settings (`manage.py check`, and `check --deploy`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Warning, register

from accounts.claims import GroupMapError, parse_group_map


@register()
def oidc_configuration(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    try:
        parse_group_map(settings.OIDC_GROUP_MAP)
    except GroupMapError as error:
        problems.append(Error(f"OIDC_GROUP_MAP: {error}.", id="accounts.E001"))
    if settings.OIDC_ENABLED:
        if not (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL):
            problems.append(
                Error("OIDC_ENABLED is set, but neither OIDC_ISSUER nor OIDC_DISCOVERY_URL.", id="accounts.E002")
            )
        if not settings.OIDC_RP_CLIENT_ID:
            problems.append(Error("OIDC_ENABLED is set, but OIDC_CLIENT_ID is empty.", id="accounts.E003"))
    if not settings.LOCAL_LOGIN and not settings.BREAK_GLASS_USERS:
        problems.append(
            Warning(
                "DJANGO_LOCAL_LOGIN=false and no DJANGO_BREAK_GLASS_USERS: no one signs in while the provider is down.",
                id="accounts.W001",
            )
        )
    if not settings.LOCAL_LOGIN and not settings.OIDC_ENABLED:
        problems.append(
            Warning(
                "DJANGO_LOCAL_LOGIN=false, but single sign-on is off: only break-glass users can sign in.",
                id="accounts.W002",
            )
        )
    return problems


@register(deploy=True)
def oidc_deployment(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """An identity provider reached over plain HTTP, or a client without its secret, is not fit for production."""
    if not settings.OIDC_ENABLED:
        return []
    problems = []
    for name in ("OIDC_ISSUER", "OIDC_DISCOVERY_URL"):
        url = getattr(settings, name)
        if url and urlparse(url).scheme != "https":
            problems.append(
                Error(
                    f"{name} {url} is not HTTPS: tokens and keys would travel unprotected.",
                    hint="Use the provider's https:// issuer URL.",
                    id="accounts.E101",
                )
            )
    if not settings.OIDC_RP_CLIENT_SECRET:
        problems.append(
            Error(
                "OIDC_CLIENT_SECRET is empty: the app must authenticate to the provider as a confidential client.",
                hint="Set OIDC_CLIENT_SECRET to the secret the provider issued for this application.",
                id="accounts.E102",
            )
        )
    return problems
