"""The idle timeout, without a session write on every request.

A signed-in session ends ``SESSION_COOKIE_AGE`` seconds after it was last renewed, and a request
renews it only when its last renewal is at least ``SESSION_RENEW_SECONDS`` old: a page that only
reads writes nothing, and someone active is never signed out. The timeout is therefore exact to
within ``SESSION_RENEW_SECONDS`` (renewed at most that long before the last request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

RENEWED_AT = "_renewed_at"
"""When the session's expiry was last moved forward (seconds since the epoch), kept in the session."""


def session_is_stale(renewed_at: object, *, now: float) -> bool:
    """Whether a session last renewed at ``renewed_at`` is due a renewal (never renewed: it is)."""
    if not isinstance(renewed_at, int | float):
        return True
    return bool(now - renewed_at >= settings.SESSION_RENEW_SECONDS)


class SessionRenewalMiddleware:
    """Moves a signed-in session's expiry forward once it is stale; Django's SessionMiddleware then saves it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session:  # signed in (after the view: a sign-out has emptied it)
            now = timezone.now().timestamp()
            if session_is_stale(session.get(RENEWED_AT), now=now):
                session[RENEWED_AT] = now
        return response
