"""Hiring health's stored columns follow every write, and their rebuild (and backfill) gives the live figures.

One loop, created Monday 2 March 2026 at 09:00 UTC (T), two interviews: X's at T+24 h and Y's at T+26 h.
The clock is set by each step, so every latency below is exact and computed by hand.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.utils import timezone

from devtools.generator import seed_loops
from hiring.models import Interview, Loop, Scorecard
from hiring.policy import SYSTEM
from hiring.selectors import health
from hiring.services.decisions import loop_decide, loop_decision_revisit
from hiring.services.health_columns import health_columns_rebuild
from hiring.services.loops import PlanRow, loop_plan_save
from hiring.services.privacy import candidate_forget
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_amend, scorecard_submit
from roles.models import Dimension
from tests.factories import CandidateFactory, ExerciseFactory, RubricVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
PERIOD = health.HealthFilter(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 8))


class Clock:
    def __init__(self) -> None:
        self.now = T

    def at(self, hours: float) -> dt.datetime:
        self.now = T + hours * HOUR
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    moment = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moment.now):
        yield moment


class Story:
    """The loop, its people, and the writes of the story, each through the services."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.staff = UserFactory(is_staff=True)
        self.manager = UserFactory(groups=("Hiring managers",))
        self.recruiter = UserFactory(groups=("Recruiters",))
        self.x = UserFactory(groups=("Interviewers",))
        self.y = UserFactory(groups=("Interviewers",))
        self.rubric = RubricVersionFactory(dimensions=2, locked_at=T)
        self.exercise = ExerciseFactory(rubric=self.rubric)
        self.focus = list(Dimension.objects.filter(rubric=self.rubric))
        self.loop = Loop.objects.create(
            candidate=CandidateFactory(), rubric=self.rubric, hiring_manager=self.manager, recruiter=self.recruiter
        )
        self.plan({self.x: 24, self.y: 26})

    def interview(self, who: User) -> Interview:
        return Interview.objects.select_related("scorecard", "loop").get(loop=self.loop, interviewer=who)

    def plan(self, hours: dict[User, float]) -> None:
        rows = []
        for who, at in hours.items():
            existing = Interview.objects.filter(loop=self.loop, interviewer=who).first()
            rows.append(
                PlanRow(
                    exercise=self.exercise,
                    interviewer=who,
                    scheduled_at=T + at * HOUR,
                    focus=self.focus,
                    interview=existing,
                )
            )
        loop_plan_save(loop=Loop.objects.get(pk=self.loop.pk), rows=rows, by=self.recruiter)

    def card_input(self, evidence: str = "Said so.") -> ScorecardInput:
        ratings = {d.pk: RatingInput(score=3, evidence=evidence) for d in self.focus}
        return ScorecardInput(ratings=ratings, recommendation="yes")

    def submit(self, who: User, *, at: float) -> None:
        self.clock.at(at)
        card = self.interview(who).scorecard
        scorecard_submit(scorecard=card, by=who, revision=card.revision, data=self.card_input())

    def amend(self, who: User, *, at: float) -> None:
        self.clock.at(at)
        card = self.interview(who).scorecard
        data = self.card_input("Said so, and more.")
        scorecard_amend(scorecard=card, by=who, revision=card.revision, data=data, reason="Clearer.")

    def report(self, *, at: float) -> health.HealthReport:
        with timezone.override(dt.UTC):
            return health.hiring_health(user=self.staff, filters=PERIOD, now=T + at * HOUR)

    def stored(self) -> tuple[Any, ...]:
        loop = Loop.objects.get(pk=self.loop.pk)
        return (
            self.interview(self.x).scorecard_submitted_at,
            self.interview(self.y).scorecard_submitted_at,
            loop.last_interview_at,
            loop.scorecards_missing,
            loop.last_scorecard_at,
        )


@pytest.fixture
def story(clock: Clock) -> Story:
    with mock.patch("hiring.services.loops._invites_send_on_commit"):
        return Story(clock)


def hours(spread: health.Spread) -> tuple[float | None, ...]:
    return tuple(None if h is None else round(h, 4) for h in spread.hours.values())


def test_a_plan_stores_the_last_interview_and_every_scorecard_missing(story: Story) -> None:
    assert story.stored() == (None, None, T + 26 * HOUR, 2, None)
    assert story.report(at=10).funnel.stages[1].count == 1  # planned


def test_a_submission_is_stored_on_its_interview_and_is_the_latency_shown(story: Story) -> None:
    story.submit(story.x, at=34)  # 10 h after X's interview
    assert story.stored() == (T + 34 * HOUR, None, T + 26 * HOUR, 1, T + 34 * HOUR)
    latency = story.report(at=34).latency
    assert (latency.submitted, hours(latency.spread), latency.within_due) == (1, (10.0, 10.0, 10.0), 1)


def test_an_amendment_keeps_the_submission_time_and_the_latency(story: Story) -> None:
    story.submit(story.x, at=34)
    story.amend(story.x, at=80)
    assert story.stored() == (T + 34 * HOUR, None, T + 26 * HOUR, 1, T + 34 * HOUR)
    assert hours(story.report(at=80).latency.spread) == (10.0, 10.0, 10.0)


def test_a_reschedule_moves_the_latency_and_the_stalled_list_with_the_interview(story: Story) -> None:
    story.submit(story.x, at=34)
    # Y's scorecard is missing and every interview is past its 24 h: stalled since Y's interview, T+26 h
    stalled = story.report(at=60).waiting
    assert [(item.loop.pk, item.since, item.missing) for item in stalled.items] == [(story.loop.pk, T + 26 * HOUR, 1)]
    with mock.patch("hiring.services.loops._invites_send_on_commit"):
        story.plan({story.x: 4, story.y: 50})  # X's interview moved earlier (latency 30 h), Y's later
    assert story.stored() == (T + 34 * HOUR, None, T + 50 * HOUR, 1, T + 34 * HOUR)
    report = story.report(at=60)
    assert (hours(report.latency.spread), report.latency.within_due) == ((30.0, 30.0, 30.0), 0)
    assert (report.waiting.total, report.waiting.items) == (0, [])  # Y's interview is not past its due time


def test_a_decision_is_timed_from_the_stored_last_scorecard_and_leaves_the_columns(story: Story) -> None:
    story.submit(story.x, at=34)
    story.submit(story.y, at=41)  # latency 15 h
    before = story.stored()
    assert before == (T + 34 * HOUR, T + 41 * HOUR, T + 26 * HOUR, 0, T + 41 * HOUR)
    story.clock.at(65)
    loop_decide(
        loop=Loop.objects.get(pk=story.loop.pk),
        by=story.manager,
        outcome="hire",
        rationale="Strong.",
        override_reason="Hired against the rule: not what this test is about.",
    )
    assert story.stored() == before
    decisions = story.report(at=70).decisions
    # from the last scorecard (T+41 h) to the decision (T+65 h): 24 h = 1 day; from creation (T): 65 h
    assert hours(decisions.from_last_scorecard) == (24.0, 24.0, 24.0)
    assert hours(decisions.from_creation) == (65.0, 65.0, 65.0)
    latency = story.report(at=70).latency
    assert (latency.submitted, hours(latency.spread)) == (2, (12.5, 13.75, 14.5))  # 10 and 15 h
    loop = Loop.objects.select_related("decision").get(pk=story.loop.pk)
    assert (loop.first_decided_at, loop.decision_outcome) == (T + 65 * HOUR, "hire")
    assert [(o.key, o.count) for o in story.report(at=70).funnel.outcomes] == [("hire", 1), ("no_hire", 0), ("hold", 0)]
    story.clock.at(90)  # revisited with a new outcome: the funnel follows it, the decision's time stays the first
    assert loop.decision is not None
    loop_decision_revisit(loop=loop, by=story.manager, supersedes=loop.decision, outcome="no_hire", rationale="No.")
    loop.refresh_from_db()
    assert (loop.first_decided_at, loop.decision_outcome) == (T + 65 * HOUR, "no_hire")
    report = story.report(at=95)
    assert [(o.key, o.count) for o in report.funnel.outcomes] == [("hire", 0), ("no_hire", 1), ("hold", 0)]
    assert hours(report.decisions.from_last_scorecard) == (24.0, 24.0, 24.0)


def figures(report: health.HealthReport) -> tuple[Any, ...]:
    """Every figure of the report (not the loop objects listed, which a forgetting renames)."""
    return (
        report.latency,
        report.weeks,
        report.interviewers,
        report.decisions,
        report.funnel,
        [(item.loop.pk, item.since, item.missing) for item in report.waiting.items],
        report.waiting.total,
        [(item.loop.pk, item.since) for item in report.changed.items],
        report.changed.total,
    )


def test_forgetting_the_candidate_changes_no_stored_column_nor_figure(story: Story) -> None:
    story.submit(story.x, at=34)
    before, shown = story.stored(), figures(story.report(at=60))
    candidate_forget(candidate=story.loop.candidate, by=SYSTEM)
    assert story.stored() == before
    assert figures(story.report(at=60)) == shown


# The rebuild and the migration's backfill, against a computation from the scorecards ----------------------------


def percentile(values: list[float], fraction: float) -> float:
    """percentile_cont: linear interpolation at position fraction·(n−1) of the sorted values."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_the_rebuild_and_the_migration_backfill_give_the_figures_computed_from_the_scorecards(settings) -> None:
    settings.SCORECARD_DUE_HOURS = 24
    now = timezone.now()
    seed_loops(loops=40, seed=5, now=now)
    staff = UserFactory(is_staff=True)
    period = health.HealthFilter(*health.default_period(today=timezone.localdate(now)))
    start = health.day_start(period.since)
    # From the scorecards themselves: the period's interviews, their latency in hours, the missing past due
    cards = Scorecard.objects.filter(interview__scheduled_at__gte=start, interview__scheduled_at__lt=now)
    latencies = [
        (card.submitted_at - card.interview.scheduled_at).total_seconds() / 3600
        for card in cards.select_related("interview")
        if card.is_submitted and card.submitted_at is not None
    ]
    due = dt.timedelta(hours=24)
    missing = cards.filter(status=Scorecard.Status.DRAFT, interview__scheduled_at__lt=now - due).count()
    stalled = [
        loop
        for loop in Loop.objects.filter(status__in=health.UNDECIDED).prefetch_related("interviews__scorecard")
        if loop.interviews.exists()
        and max(i.scheduled_at for i in loop.interviews.all()) < now - due
        and any(not i.scorecard.is_submitted for i in loop.interviews.all())
    ]
    assert latencies  # the seeded data holds both
    assert stalled

    def check() -> None:
        report = health.hiring_health(user=staff, filters=period, now=now)
        assert report.latency.submitted == len(latencies)
        assert report.latency.missing == missing
        for name, fraction in health.PERCENTILES.items():
            assert health.in_hours(getattr(report.latency.spread, name)) == pytest.approx(
                percentile(latencies, fraction), abs=1e-6
            )
        assert report.waiting.total == len(stalled)

    check()  # as seeded (seed_loops ends in statistics_rebuild)
    wiped: dict[str, Any] = {"last_interview_at": None, "scorecards_missing": 0, "last_scorecard_at": None}
    Interview.objects.update(scorecard_submitted_at=None)
    Loop.objects.update(**wiped)
    health_columns_rebuild(batch=7)  # several batches, ids in ranges
    check()
    Interview.objects.update(scorecard_submitted_at=None)
    Loop.objects.update(**wiped)
    migration = importlib.import_module("hiring.migrations.0021_health_columns")
    migration.backfill(apps, None)
    check()
