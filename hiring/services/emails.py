"""What the app's emails share: times written in the reader's zone, and links back into the app."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format


def reader_zone(user: User) -> zoneinfo.ZoneInfo:
    """The zone an email shows its times in: the reader's chosen zone (accounts' Profile), else the site's.

    A browser's zone is unknown away from the browser. Callers select ``…interviewer__profile`` to spare a query.
    """
    profile = getattr(user, "profile", None)  # None when the person never saved their settings
    name = getattr(profile, "time_zone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def email_time(when: dt.datetime, *, reader: User) -> str:
    """E.g. "Tue 3 Mar 2031, 10:00 (Europe/Paris)": the time in the reader's zone, the zone named."""
    zone = reader_zone(reader)
    return f"{date_format(timezone.localtime(when, zone), 'D j M Y, H:i')} ({zone.key})"


def scorecard_link(scorecard_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('scorecard', args=[scorecard_id])}"
