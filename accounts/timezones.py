"""Which time zone a request's times are entered and shown in: the profile's, else the browser's, else the site's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import Profile, known_time_zones

# static/js/timezone.js writes the browser's zone (Intl.DateTimeFormat().resolvedOptions().timeZone) here,
# URL-encoded as cookie values must be ("Europe%2FBerlin"): read it with browser_zone_name.
BROWSER_ZONE_COOKIE = "browser_tz"


def zone_named(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone of a known IANA name; None for a blank, unknown or hostile value (a cookie is user input)."""
    if not name or len(name) > 64 or name not in known_time_zones():
        return None
    return zoneinfo.ZoneInfo(name)


LOADED_ZONE = "profile_time_zone"
"""The annotation ``with_profile_zone`` adds: the profile's zone name (None without a profile)."""


def with_profile_zone(users: QuerySet[User]) -> QuerySet[User]:
    """The users with their profile's zone read in the same query (every request's user is loaded so, by
    accounts.backends): a change of zone counts from the next request on, and costs no query of its own."""
    return users.annotate(**{LOADED_ZONE: F("profile__time_zone")})


def request_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The profile's zone, else the browser's (its cookie, read on every request, so a browser that moves is
    followed), else None."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if hasattr(user, LOADED_ZONE):
            chosen = getattr(user, LOADED_ZONE)
        else:
            chosen = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
        zone = zone_named(chosen)
        if zone is not None:
            return zone
    return zone_named(browser_zone_name(request))


def browser_zone_name(request: HttpRequest) -> str:
    """The zone name the browser's script wrote, decoded (its slash arrives as %2F)."""
    return unquote(request.COOKIES.get(BROWSER_ZONE_COOKIE, ""))


class TimeZoneMiddleware:
    """Activates the request's zone (after authentication); settings.TIME_ZONE when none is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = request_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
