"""A planned interview as an iCalendar invite (RFC 5545, written by the icalendar library: CRLF lines,
folding and escaping are its job).

The time is given in UTC (``DTSTART:20310302T233000Z``): every calendar shows it in its reader's own zone.
The invite is a published event (``METHOD:PUBLISH``), not a meeting request: nobody's reply comes back
to the app. Its UID is the interview's, and its SEQUENCE grows with the time it was written, so the file
of a rescheduled interview replaces the earlier one in a calendar that imported it.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse

from hiring.models import Interview

DEFAULT_LENGTH = dt.timedelta(hours=1)
# An exercise's length is free text ("45 minutes (suggested)", "60–90 minutes", "2–4 hours take-home"):
# its first stated length, the longer end of a range.
_LENGTH = re.compile(r"(\d{1,3})(?:\s*[–-]\s*(\d{1,3}))?\s*(minutes?|mins?|hours?|hrs?|h)\b", re.IGNORECASE)
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def interview_length(duration: str) -> dt.timedelta:
    """How long the calendar entry lasts: the exercise's stated length, else an hour (at most a day)."""
    match = _LENGTH.search(duration)
    if match is None:
        return DEFAULT_LENGTH
    amount = int(match.group(2) or match.group(1))
    length = dt.timedelta(hours=amount) if match.group(3).lower().startswith("h") else dt.timedelta(minutes=amount)
    return min(length, dt.timedelta(days=1)) or DEFAULT_LENGTH


def _person(user_email: str, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{user_email}")
    address.params["cn"] = icalendar.vText(name)
    return address


def interview_invite(interview: Interview, *, now: dt.datetime) -> bytes:
    """The .ics file of one interview. ``interview`` comes with its loop's candidate, rubric and recruiter,
    its exercise, interviewer and focus dimensions (see ``hiring.selectors.loops.interview_for_invite``)."""
    loop = interview.loop
    interviewer = interview.interviewer
    scorecard_url = f"{settings.SITE_URL}{reverse('scorecard', args=[interview.scorecard.pk])}"
    kit_url = f"{settings.SITE_URL}{reverse('roles:kit', args=[loop.rubric.role.slug])}?version={loop.rubric.number}"
    focus = "; ".join(dimension.name for dimension in interview.focus_dimensions.all())
    event = icalendar.Event()
    event.add("uid", f"interview-{interview.pk}@{urlsplit(settings.SITE_URL).hostname or 'scorecards'}")
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("sequence", int((now - _EPOCH).total_seconds()) // 60)
    event.add("dtstart", interview.scheduled_at.astimezone(dt.UTC))
    duration = interview.exercise.duration if interview.exercise is not None else ""
    event.add("dtend", (interview.scheduled_at + interview_length(duration)).astimezone(dt.UTC))
    event.add("summary", f"Interview: {loop.candidate.name} – {interview.name}")
    event.add(
        "description",
        f"{loop.candidate.name}, {loop.rubric.title} (rubric v{loop.rubric.number}).\n"
        f"Exercise: {interview.name}{f' ({duration})' if duration else ''}.\n"
        f"Focus: {focus}.\n"
        f"Interviewer: {interviewer.get_full_name() or interviewer.username}.\n\n"
        f"Your scorecard: {scorecard_url}\n"
        f"Interview kit: {kit_url}\n",
    )
    event.add("url", scorecard_url)
    recruiter = loop.recruiter
    if recruiter.email:
        event.add("organizer", _person(recruiter.email, recruiter.get_full_name() or recruiter.username))
    if interviewer.email:
        attendee = _person(interviewer.email, interviewer.get_full_name() or interviewer.username)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Scorecards//Interview invite//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content


def invite_filename(interview: Interview) -> str:
    """E.g. interview-1234-20310302.ics (its UTC date): ASCII only, nothing a person typed."""
    return f"interview-{interview.pk}-{interview.scheduled_at.astimezone(dt.UTC):%Y%m%d}.ics"
