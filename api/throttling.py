from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (API_RATE, e.g. "600/minute"); a browser session counts per user, anonymous per address."""

    scope = "token"

    def get_rate(self) -> str | None:
        """Read on every request (throttles are built per request), so a settings change applies at once."""
        rate: str | None = settings.API_RATE
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if isinstance(request.auth, AccessToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
