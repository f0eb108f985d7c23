"""Failed-login limits: a lock per username and address, and a back-off per username across addresses.

django-axes locks a (username, address) pair after ``AXES_FAILURE_LIMIT`` failures for
``AXES_COOLOFF_TIME``: one guesser is stopped, and nobody else is. That alone lets a guesser
spread over many addresses try a password without end, so the username as a whole is also
capped, but with a back-off instead of a lock: once ``LOGIN_USERNAME_FAILURE_LIMIT`` failures
from any addresses fall within the cool-off window, each further attempt for that username must
wait ``2 ** (failures - limit)`` seconds after the latest failure, at most
``LOGIN_BACKOFF_MAX_SECONDS``. A guesser then gets about one try per back-off, and the account's
owner, on an address with no failures of its own, waits at most that long: nobody can lock a
user out for everyone. Refused attempts are not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
is off), so hammering during the wait does not extend it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def username_backoff_seconds(*, username: str | None, now: dt.datetime, since: dt.datetime) -> int:
    """How long attempts for ``username`` must still wait, from every address's failures since ``since``."""
    if not username:
        return 0
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), latest=Max("attempt_time")
    )
    failures = recent["failures"] or 0
    if failures < settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return 0
    excess = min(failures - settings.LOGIN_USERNAME_FAILURE_LIMIT, 32)
    wait: int = min(2**excess, settings.LOGIN_BACKOFF_MAX_SECONDS)
    latest: dt.datetime = recent["latest"]
    remaining = latest + dt.timedelta(seconds=wait) - now
    return max(0, math.ceil(remaining.total_seconds()))


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no type hints
    """Axes' database handler, plus the per-username back-off described in this module."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = username_backoff_seconds(
            username=get_client_username(request, credentials),
            now=timezone.now(),
            since=get_cool_off_threshold(request),
        )
        request.login_backoff_seconds = wait  # type: ignore[attr-defined]
        return wait > 0


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The page for a refused login: 'wait N seconds' for the back-off, 'paused for a few minutes' for a lock."""
    wait = getattr(request, "login_backoff_seconds", 0)
    response = render(
        request,
        "registration/locked_out.html",
        {"backoff_seconds": wait},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
    retry_after = wait or int(settings.AXES_COOLOFF_TIME.total_seconds())
    response["Retry-After"] = str(retry_after)
    return response
