"""Email reminders for scorecards still unsubmitted a day after the interview (send_scorecard_reminders)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hiring.models import Loop, Scorecard
from hiring.services.reminders import scorecard_reminders_send
from tests.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def _interview(hours_ago: float, **kwargs):
    return InterviewFactory(scheduled_at=timezone.now() - dt.timedelta(hours=hours_ago), **kwargs)


def _run(hours: int = 24) -> str:
    out = StringIO()
    call_command("send_scorecard_reminders", hours=hours, stdout=out)
    return out.getvalue()


def _submit(scorecard: Scorecard) -> None:
    Scorecard.objects.filter(pk=scorecard.pk).update(
        status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
    )


def test_the_interviewer_of_a_draft_more_than_a_day_old_is_emailed(mailoutbox, settings):
    interview = _interview(25, loop__candidate__name="Grace Hopper")

    output = _run()

    assert output.strip() == "Sent 1 reminder."
    [mail] = mailoutbox
    assert mail.to == [interview.interviewer.email]
    assert mail.subject == f"Scorecard due: Grace Hopper – {interview.exercise.title}"
    assert f"{settings.SITE_URL}/scorecards/{interview.scorecard.pk}/" in mail.body
    assert Scorecard.objects.get(pk=interview.scorecard.pk).reminded_at is not None


def test_a_recent_interview_is_not_reminded_yet(mailoutbox):
    _interview(23)
    _interview(-2)  # not even held yet

    assert _run().strip() == "Sent 0 reminders."
    assert mailoutbox == []


def test_a_submitted_scorecard_is_not_reminded(mailoutbox):
    _submit(_interview(48).scorecard)

    _run()

    assert mailoutbox == []


def test_a_decided_loop_is_not_reminded(mailoutbox):
    interview = _interview(48)
    Loop.objects.filter(pk=interview.loop_id).update(status=Loop.Status.DECIDED)

    _run()

    assert mailoutbox == []


def test_an_interviewer_without_an_email_address_is_skipped(mailoutbox):
    _interview(48, interviewer__email="")
    reminded = _interview(48)

    assert _run().strip() == "Sent 1 reminder."
    assert [mail.to for mail in mailoutbox] == [[reminded.interviewer.email]]


def test_each_overdue_draft_gets_its_own_reminder(mailoutbox):
    first, second = _interview(30), _interview(50)
    _interview(2)

    _run()

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([first.interviewer.email, second.interviewer.email])


def test_the_hours_option_sets_how_long_after_the_interview_to_remind(mailoutbox):
    _interview(5)

    assert _run(hours=24).strip() == "Sent 0 reminders."
    assert _run(hours=4).strip() == "Sent 1 reminder."
    assert len(mailoutbox) == 1


def test_a_second_run_the_same_day_sends_nothing(mailoutbox):
    _interview(30)
    _run()

    assert _run().strip() == "Sent 0 reminders."
    assert len(mailoutbox) == 1


def test_a_run_more_than_a_day_later_reminds_again(mailoutbox):
    interview = _interview(30)
    now = timezone.now()
    assert scorecard_reminders_send(now=now, after_hours=24) == 1

    assert scorecard_reminders_send(now=now + dt.timedelta(hours=23), after_hours=24) == 0
    assert scorecard_reminders_send(now=now + dt.timedelta(hours=25), after_hours=24) == 1

    assert [mail.to for mail in mailoutbox] == [[interview.interviewer.email]] * 2
    assert Scorecard.objects.get(pk=interview.scorecard.pk).reminded_at == now + dt.timedelta(hours=25)
