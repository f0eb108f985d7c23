from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for django-axes' lockouts.

    Without a proxy (DJANGO_TRUSTED_PROXIES=0) it is REMOTE_ADDR, and X-Forwarded-For is ignored
    because a client can send anything in it. Behind N proxies that each append the address they
    saw, it is the Nth address from the right of X-Forwarded-For: the one the outermost proxy saw.
    """
    count: int = settings.TRUSTED_PROXIES or 0
    if count:
        header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    address: str | None = request.META.get("REMOTE_ADDR")
    return address
