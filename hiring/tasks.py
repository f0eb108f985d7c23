"""Background work of hiring, run by the task worker (`manage.py run_worker`, django.tasks with django-tasks-db).

Scorecard reminders (every REMINDER_INTERVAL) and retention (daily) schedule themselves: each run does what is
due, then enqueues the next one. `reminders_start()` and `retention_start()` (called by every worker as it
starts) enqueue the first run unless one is already waiting, so no cron entry is needed and starting N workers does not
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
from hiring.services.retention import retention_run

REMINDER_INTERVAL = dt.timedelta(minutes=15)
RETENTION_INTERVAL = dt.timedelta(days=1)


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


def _waiting_retention_runs() -> int:
    return DBTaskResult.objects.filter(task_path=retention.module_path, status="READY").count()


@task()
def retention() -> int:
    """Anonymise the candidates past the retention period (hiring.services.retention), then schedule the next run a
    day later. Returns how many were anonymised."""
    run = retention_run(now=timezone.now())
    if _waiting_retention_runs() == 0:
        retention.using(run_after=timezone.now() + RETENTION_INTERVAL).enqueue()
    return len(run.forgotten)


def retention_start() -> bool:
    """Enqueue a retention run now unless one is already waiting (like ``reminders_start``)."""
    if _waiting_retention_runs():
        return False
    retention.enqueue()
    return True
