"""Reminding interviewers of scorecards still due: by the scheduled run, or by a recruiter's click.

Either way an interviewer hears about one scorecard once a day at most (``reminder_allowed``), by an
email that links straight to it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.timesince import timesince

from hiring import policy
from hiring.models import AuditEvent, Loop, Scorecard
from hiring.selectors.scorecards import not_reminded_since, reminder_allowed
from hiring.services.audit import audit_record
from hiring.services.emails import email_time, scorecard_link
from hiring.services.refusals import InputRefused, Problem

_RELATED = ("interview__interviewer__profile", "interview__exercise", "interview__loop__candidate")


def reminder_email(scorecard: Scorecard) -> EmailMessage:
    interview = scorecard.interview
    candidate = interview.loop.candidate.name
    return EmailMessage(
        subject=f"Scorecard due: {candidate} – {interview.name}",
        body=(
            f"Your scorecard for {candidate} ({interview.name}, "
            f"{email_time(interview.scheduled_at, reader=interview.interviewer)}) is not submitted yet.\n\n"
            f"Fill it in while it is fresh: {scorecard_link(scorecard.pk)}\n"
        ),
        to=[interview.interviewer.email],
    )


def scorecard_reminders_send(*, now: dt.datetime, after_hours: int) -> int:
    """Email each interviewer whose scorecard is unsubmitted `after_hours` after the interview; once a day at most."""
    due = (
        Scorecard.objects.filter(
            status=Scorecard.Status.DRAFT,
            interview__scheduled_at__lte=now - dt.timedelta(hours=after_hours),
        )
        .filter(not_reminded_since(now))
        .exclude(interview__loop__status=Loop.Status.DECIDED)
        .select_related(*_RELATED)
    )
    sent = 0
    for scorecard in due:
        if not scorecard.interview.interviewer.email:
            continue
        reminder_email(scorecard).send()
        Scorecard.objects.filter(pk=scorecard.pk).update(reminded_at=now)
        sent += 1
    return sent


@transaction.atomic
def scorecard_remind(*, scorecard_id: int, by: User, now: dt.datetime) -> Scorecard:
    """Email the interviewer of an unsubmitted scorecard now, at the request of someone who runs its loop.

    The scorecard's row is locked, so two clicks at once send one email; the reminder is recorded on the
    scorecard (``reminded_at``, which the scheduled run honours too) and in the audit log. Raises
    ``InputRefused`` when there is nothing to remind of, or a reminder went out less than a day ago.
    """
    scorecard = Scorecard.objects.select_for_update(of=("self",)).select_related(*_RELATED).get(pk=scorecard_id)
    interview = scorecard.interview
    if not policy.can_remind(by, interview.loop):
        raise PermissionDenied("Only the people who run this loop can remind its interviewers.")
    who = interview.interviewer.get_full_name() or interview.interviewer.username
    if scorecard.is_submitted or interview.loop.status == Loop.Status.DECIDED:
        raise InputRefused([Problem("input", f"{who}'s scorecard is no longer open: there is nothing to remind.")])
    if interview.scheduled_at > now:
        raise InputRefused([Problem("input", "The interview has not taken place yet.")])
    if not interview.interviewer.email:
        raise InputRefused([Problem("input", f"{who} has no email address to send a reminder to.")])
    if not reminder_allowed(reminded_at=scorecard.reminded_at, now=now):
        assert scorecard.reminded_at is not None
        ago = timesince(scorecard.reminded_at, now, depth=1)
        raise InputRefused([Problem("input", f"{who} was reminded {ago} ago; reminders go out once a day at most.")])
    reminder_email(scorecard).send()
    Scorecard.objects.filter(pk=scorecard.pk).update(reminded_at=now)
    scorecard.reminded_at = now
    audit_record(
        actor=by,
        action=AuditEvent.Action.REMIND,
        loop=interview.loop,
        summary=f"Reminded {who} of their scorecard ({interview.name}) for {interview.loop.candidate.name}",
    )
    return scorecard
