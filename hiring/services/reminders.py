"""Reminding interviewers of scorecards still due."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hiring.models import (
    Loop,
    Scorecard,
)


def scorecard_reminders_send(*, now: dt.datetime, after_hours: int) -> int:
    """Email each interviewer whose scorecard is unsubmitted `after_hours` after the interview; once a day at most."""
    due = (
        Scorecard.objects.filter(
            status=Scorecard.Status.DRAFT,
            interview__scheduled_at__lte=now - dt.timedelta(hours=after_hours),
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - dt.timedelta(days=1)))
        .exclude(interview__loop__status=Loop.Status.DECIDED)
        .select_related("interview__interviewer", "interview__exercise", "interview__loop__candidate")
    )
    sent = 0
    for scorecard in due:
        interview = scorecard.interview
        if not interview.interviewer.email:
            continue
        url = f"{settings.SITE_URL}{reverse('scorecard', args=[scorecard.pk])}"
        send_mail(
            subject=f"Scorecard due: {interview.loop.candidate.name} – {interview.name}",
            message=(
                f"Your scorecard for {interview.loop.candidate.name} ({interview.name}, "
                f"{timezone.localtime(interview.scheduled_at):%d %b %H:%M}) is not submitted yet.\n\n"
                f"Fill it in while it is fresh: {url}\n"
            ),
            from_email=None,
            recipient_list=[interview.interviewer.email],
        )
        Scorecard.objects.filter(pk=scorecard.pk).update(reminded_at=now)
        sent += 1
    return sent
