"""Emailing interviewers their interview's calendar invite when a plan gives them one or moves it."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage

from hiring.invites import interview_invite, invite_filename
from hiring.models import Interview, Loop
from hiring.services.emails import email_time, scorecard_link


def invite_email(interview: Interview, *, now: dt.datetime) -> EmailMessage:
    """The interviewer's email: when (in their zone), the scorecard's link, the .ics attached."""
    loop = interview.loop
    email = EmailMessage(
        subject=f"Interview: {loop.candidate.name} – {interview.name}",
        body=(
            f"You interview {loop.candidate.name} for {loop.rubric.title}: {interview.name}, "
            f"{email_time(interview.scheduled_at, reader=interview.interviewer)}.\n\n"
            f"The invite is attached for your calendar. Your scorecard, to write right after the interview: "
            f"{scorecard_link(interview.scorecard.pk)}\n"
        ),
        to=[interview.interviewer.email],
    )
    email.attach(invite_filename(interview), interview_invite(interview, now=now), "text/calendar; method=PUBLISH")
    return email


def interview_invites_send(*, interview_ids: list[int], now: dt.datetime) -> int:
    """Email each interview's invite to its interviewer; an interview removed, decided, past or without an
    address meanwhile is skipped. Returns how many were sent."""
    interviews = (
        Interview.objects.filter(pk__in=interview_ids, scheduled_at__gt=now)
        .exclude(loop__status=Loop.Status.DECIDED)
        .exclude(interviewer__email="")
        .select_related(
            "loop__candidate",
            "loop__rubric__role",
            "loop__recruiter",
            "exercise",
            "interviewer__profile",
            "scorecard",
        )
        .prefetch_related("focus_dimensions")
        .order_by("pk")
    )
    sent = 0
    for interview in interviews:
        invite_email(interview, now=now).send()
        sent += 1
    return sent
