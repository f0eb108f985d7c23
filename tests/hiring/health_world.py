"""Loops with known times for the hiring health tests (tests/hiring/test_health.py, tests/api/test_health.py).


The viewer's zone is America/New_York (EST, UTC-5, until 8 March 2026; EDT, UTC-4, after). The period is
2–15 March 2026: two weeks, Monday to Sunday, local. Scorecard latencies (hours) of the interviews in it:

    loop A (alpha, manager M1): a1 X 4, a2 Y 30, a3 Z 10     (week of 2 March)   decided, hire
    loop B (alpha, manager M2): b1 X 8, b2 Y 6               (week of 9 March)   complete
        b2 took place on Sunday 15 March at 23:30 local, which is Monday 16 March 03:30 UTC
    loop C (beta,  manager M1): c1 Y missing, c2 X 48        (week of 9 March)   in progress, stalled
    loop D (beta,  manager M2): no interviews, created 14 March                  planned
    loop E (alpha, manager M1): e1 Z 60 on Sunday 1 March at 23:30 local (2 March UTC): outside the period;
        created 20 February, decided 9 March (no hire)
    loop F (alpha, manager M3): no interviews, created 3 March                   planned

All six submitted in the period, sorted: 4, 6, 8, 10, 30, 48 → median 9, 75th 25, 90th 39 (percentile_cont:
position p·(n−1), interpolated); 4 of 6 within 24 hours; 1 missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from hiring.models import Decision, Interview, Loop, Scorecard
from hiring.services.health_columns import health_columns_rebuild
from tests.factories import (
    DecisionFactory,
    HiringManagerFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RecruiterFactory,
    RubricVersionFactory,
    UserFactory,
)

NEW_YORK = ZoneInfo("America/New_York")
SINCE, UNTIL = dt.date(2026, 3, 2), dt.date(2026, 3, 15)
HOUR = dt.timedelta(hours=1)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


class World:
    def __init__(self) -> None:
        self.staff = UserFactory(username="health-staff", is_staff=True)
        self.m1 = HiringManagerFactory(username="m1")
        self.m2 = HiringManagerFactory(username="m2")
        self.m3 = HiringManagerFactory(username="m3")
        self.recruiter = RecruiterFactory(username="health-recruiter")
        self.x = InterviewerFactory(username="x", first_name="Xena", last_name="Ortiz")
        self.y = InterviewerFactory(username="y", first_name="=HYPERLINK(1)", last_name="")
        self.z = InterviewerFactory(username="z")
        self.alpha = RubricVersionFactory(role__slug="alpha", title="Alpha", dimensions=1, locked_at=timezone.now())
        self.beta = RubricVersionFactory(role__slug="beta", title="Beta", dimensions=1, locked_at=timezone.now())
        self.a = self.loop(self.alpha, self.m1, local(2, 9), Loop.Status.COMPLETE)
        self.card(self.a, self.x, local(3, 10), 4)
        self.card(self.a, self.y, local(4, 10), 30)
        self.card(self.a, self.z, local(5, 10), 10)
        self.decide(self.a, local(6, 10), Decision.Outcome.HIRE)
        Loop.objects.filter(pk=self.a.pk).update(decision_changed=True)
        self.b = self.loop(self.alpha, self.m2, local(9, 9), Loop.Status.COMPLETE)
        self.card(self.b, self.x, local(10, 9), 8)
        self.card(self.b, self.y, local(15, 23, 30), 6)
        self.c = self.loop(self.beta, self.m1, local(10, 12), Loop.Status.IN_PROGRESS)
        self.card(self.c, self.y, local(11, 10), None)
        self.card(self.c, self.x, local(12, 10), 48)
        self.d = self.loop(self.beta, self.m2, local(14, 12), Loop.Status.PLANNED)
        self.e = self.loop(self.alpha, self.m1, local(20, 12, month=2), Loop.Status.COMPLETE)
        self.card(self.e, self.z, local(1, 23, 30), 60)
        self.decide(self.e, local(9, 12), Decision.Outcome.NO_HIRE)
        self.f = self.loop(self.alpha, self.m3, local(3, 12), Loop.Status.PLANNED)

    def loop(self, rubric, manager: User, created: dt.datetime, status: str) -> Loop:
        loop = LoopFactory(rubric=rubric, hiring_manager=manager, recruiter=self.recruiter, status=status)
        Loop.objects.filter(pk=loop.pk).update(created_at=created)
        return loop

    def card(self, loop: Loop, who: User, at: dt.datetime, hours: float | None) -> Interview:
        interview = InterviewFactory(loop=loop, interviewer=who, scheduled_at=at)
        if hours is not None:
            Scorecard.objects.filter(interview=interview).update(
                status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=at + hours * HOUR
            )
        # Written around the services, as the generator does: the stored health columns are rebuilt, as there.
        health_columns_rebuild()
        return interview

    def decide(self, loop: Loop, at: dt.datetime, outcome: str) -> None:
        decision = DecisionFactory(loop=loop, outcome=outcome)
        Decision.objects.filter(pk=decision.pk).update(at=at)
        health_columns_rebuild()


def built_world(django_db_blocker) -> Iterator[World]:
    """The World, built once for a module's fixture in a transaction rolled back at its end (each test's own
    writes are undone before the next)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
