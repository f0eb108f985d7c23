"""Background work of hiring, run by the task worker (`manage.py run_worker`, django.tasks with django-tasks-db).

Scorecard reminders schedule themselves: each run sends what is due, then enqueues the next run
REMINDER_INTERVAL later. `reminders_start()` (called by every worker as it starts) enqueues the
first run unless one is already waiting, so no cron entry is needed and starting N workers does not
start N schedules. `manage.py send_scorecard_reminders` still sends once, for a one-off run.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hiring.services.agreement_intervals import agreement_intervals_refresh
from hiring.services.invites import interview_invites_send
from hiring.services.reminders import scorecard_reminders_send

REMINDER_INTERVAL = dt.timedelta(minutes=15)


def _waiting_reminder_runs() -> int:
    return DBTaskResult.objects.filter(task_path=scorecard_reminders.module_path, status="READY").count()


@task()
def scorecard_reminders() -> int:
    """Email the interviewers whose scorecards are due (once a day at most each), then schedule the next run."""
    sent = scorecard_reminders_send(now=timezone.now(), after_hours=settings.SCORECARD_DUE_HOURS)
    if _waiting_reminder_runs() == 0:
        scorecard_reminders.using(run_after=timezone.now() + REMINDER_INTERVAL).enqueue()
    return sent


def reminders_start() -> bool:
    """Enqueue a reminder run now unless one is already waiting; True if this call started the schedule."""
    if _waiting_reminder_runs():
        return False
    scorecard_reminders.enqueue()
    return True


@task()
def agreement_intervals(*, role_id: int) -> int:
    """Recompute a role's bootstrap intervals of alpha (the one figure not kept exactly as scorecards change)."""
    return agreement_intervals_refresh(role_id=role_id)


def agreement_intervals_waiting(*, role_id: int) -> bool:
    return DBTaskResult.objects.filter(
        task_path=agreement_intervals.module_path, status="READY", args_kwargs__kwargs__role_id=role_id
    ).exists()


@task()
def interview_invites(*, interview_ids: list[int]) -> int:
    """Email the planned interviews' calendar invites to their interviewers (hiring.services.invites)."""
    return interview_invites_send(interview_ids=interview_ids, now=timezone.now())
