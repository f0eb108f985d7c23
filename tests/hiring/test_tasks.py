"""Reminders on the task queue: scheduled by the app itself and delivered by the worker, with no command run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hiring.models import Scorecard
from hiring.tasks import REMINDER_INTERVAL, reminders_start, scorecard_reminders
from tests.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def _waiting():
    return DBTaskResult.objects.filter(task_path=scorecard_reminders.module_path, status="READY")


def test_the_worker_delivers_a_due_reminder_and_schedules_the_next_run(mailoutbox, work):
    interview = InterviewFactory(scheduled_at=timezone.now() - dt.timedelta(hours=30))

    work()

    [mail] = mailoutbox
    assert mail.to == [interview.interviewer.email]
    assert Scorecard.objects.get(pk=interview.scorecard.pk).reminded_at is not None
    [following] = _waiting()
    assert following.run_after > timezone.now() + REMINDER_INTERVAL - dt.timedelta(minutes=1)


def test_starting_many_workers_starts_one_schedule():
    assert reminders_start() is True
    assert reminders_start() is False
    assert _waiting().count() == 1


def test_two_runs_due_at_once_leave_one_schedule(mailoutbox, work):
    scorecard_reminders.enqueue()
    scorecard_reminders.enqueue()

    work()

    assert _waiting().count() == 1
