"""Reads for loops and scorecards. Each selector issues a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hiring import policy
from hiring.models import Interview, Loop, ObservedSignal, Rating, Scorecard
from roles.models import RubricVersion
from roles.selectors import current_rubrics, level_rows_attach, rubric_with_content, signal_groups


@dataclass
class HomeSections:
    upcoming: list[Interview] = field(default_factory=list)
    to_write: list[Interview] = field(default_factory=list)
    overdue: list[Interview] = field(default_factory=list)
    submitted: list[Interview] = field(default_factory=list)
    submitted_total: int = 0
    loops: list[Loop] = field(default_factory=list)


def scorecard_due_at(interview: Interview) -> dt.datetime:
    return interview.scheduled_at + dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)


HOME_SUBMITTED = 10  # the latest submitted scorecards shown on the home page; the rest are on their own page


def _interviews_of(user: AbstractBaseUser) -> QuerySet[Interview]:
    return Interview.objects.filter(interviewer=user).select_related(
        "loop__candidate", "loop__rubric__role", "exercise", "scorecard"
    )


def interviewer_home(*, user: AbstractBaseUser, now: dt.datetime) -> HomeSections:
    """The user's open interviews split into upcoming, to write and overdue, their latest submitted
    scorecards, and the loops they run. Fixed queries, and bounded however long the user's history."""
    sections = HomeSections()
    pending = (
        _interviews_of(user)
        .exclude(scorecard__status=Scorecard.Status.SUBMITTED)
        .exclude(loop__status=Loop.Status.DECIDED)
        .order_by("scheduled_at", "pk")
    )
    for interview in pending:
        interview.due_at = scorecard_due_at(interview)
        if interview.scheduled_at > now:
            sections.upcoming.append(interview)
        elif interview.due_at < now:
            sections.overdue.append(interview)
        else:
            sections.to_write.append(interview)
    submitted = submitted_interviews(user=user)
    sections.submitted = list(submitted[:HOME_SUBMITTED])
    sections.submitted_total = submitted.count()
    sections.loops = list(
        policy.loops_managed_by(user)
        .exclude(status=Loop.Status.DECIDED)
        .select_related("candidate", "rubric__role")
        .annotate(
            interview_count=Count("interviews", distinct=True),
            submitted_count=Count("interviews", filter=Q(interviews__scorecard__status="submitted"), distinct=True),
        )
        .order_by("-created_at")[:20]
    )
    return sections


def submitted_interviews(*, user: AbstractBaseUser) -> QuerySet[Interview]:
    """The user's interviews with a submitted scorecard, the latest submission first."""
    return (
        _interviews_of(user)
        .filter(scorecard__status=Scorecard.Status.SUBMITTED)
        .order_by("-scorecard__submitted_at", "-pk")
    )


def rubrics_for_new_loop() -> QuerySet[RubricVersion]:
    return current_rubrics()


def hiring_managers() -> QuerySet[User]:
    return User.objects.filter(groups__name=policy.HIRING_MANAGERS, is_active=True).order_by("username")


def interviewers() -> QuerySet[User]:
    return User.objects.filter(groups__name=policy.INTERVIEWERS, is_active=True).order_by("username")


def loop_get(*, user: AbstractBaseUser, loop_id: int) -> Loop:
    return get_object_or_404(
        policy.loops_visible_to(user).select_related("candidate", "rubric__role", "hiring_manager", "recruiter"),
        pk=loop_id,
    )


def loop_for_planning(*, user: AbstractBaseUser, loop_id: int) -> Loop:
    loop = get_object_or_404(rubric_with_content_for_loop(policy.loops_visible_to(user)), pk=loop_id)
    return loop


def rubric_with_content_for_loop(loops: QuerySet[Loop]) -> QuerySet[Loop]:
    return loops.select_related("candidate", "hiring_manager", "recruiter").prefetch_related(
        Prefetch("rubric", queryset=rubric_with_content(RubricVersion.objects.all())),
        Prefetch(
            "interviews",
            queryset=Interview.objects.select_related("interviewer", "exercise", "scorecard").prefetch_related(
                "focus_dimensions"
            ),
        ),
    )


def loop_interviews_for(*, user: AbstractBaseUser, loop: Loop) -> list[Interview]:
    """The loop's interviews, each marked with whether the user may open its scorecard."""
    visible = set(policy.scorecards_visible_to(user).filter(interview__loop=loop).values_list("pk", flat=True))
    interviews = list(
        loop.interviews.select_related("interviewer", "exercise", "scorecard").prefetch_related("focus_dimensions")
    )
    for interview in interviews:
        interview.scorecard_visible = interview.scorecard.pk in visible
        interview.due_at = scorecard_due_at(interview)
    return interviews


@dataclass
class ScorecardPage:
    scorecard: Scorecard
    interview: Interview
    loop: Loop
    rubric: RubricVersion
    focus_ids: set[int]
    ratings: dict[int, Rating]
    observed: dict[int, ObservedSignal]
    signal_groups: list
    amendments: list

    @property
    def rating_rows(self) -> list[tuple]:
        """(dimension, rating or None, is focus) for every dimension, in rubric order."""
        return [(d, self.ratings.get(d.pk), d.pk in self.focus_ids) for d in self.rubric.dimensions.all()]

    @property
    def observed_rows(self) -> list[tuple]:
        """(kind title, [(signal, observation)]) for the signals the interviewer saw, red flags first."""
        order = {"red_flag": 0, "strong": 1, "weak": 2}
        groups = sorted(self.signal_groups, key=lambda g: order[g.kind])
        return [
            (g.kind, g.title, [(s, self.observed[s.pk]) for s in g.signals if s.pk in self.observed]) for g in groups
        ]


def scorecard_page(*, user: AbstractBaseUser, scorecard_id: int) -> ScorecardPage:
    """A scorecard the user may see, with its rubric, anchors, ratings, signals and history."""
    scorecard = get_object_or_404(
        policy.scorecards_visible_to(user).select_related(
            "interview__loop__candidate",
            "interview__loop__rubric__role",
            "interview__loop__hiring_manager",
            "interview__interviewer",
            "interview__exercise",
        ),
        pk=scorecard_id,
    )
    return scorecard_page_for(scorecard)


def scorecard_page_for(scorecard: Scorecard) -> ScorecardPage:
    interview = scorecard.interview
    rubric = rubric_with_content(RubricVersion.objects.filter(pk=interview.loop.rubric_id)).get()
    level_rows_attach(rubric=rubric)
    return ScorecardPage(
        scorecard=scorecard,
        interview=interview,
        loop=interview.loop,
        rubric=rubric,
        focus_ids=set(interview.focus_dimensions.values_list("pk", flat=True)),
        ratings={rating.dimension_id: rating for rating in scorecard.ratings.all()},
        observed={o.signal_id: o for o in scorecard.observed_signals.all()},
        signal_groups=signal_groups(rubric=rubric),
        amendments=list(scorecard.amendments.select_related("by")),
    )


def scorecard_for_writing(*, user: AbstractBaseUser, scorecard_id: int) -> Scorecard:
    return get_object_or_404(policy.scorecards_visible_to(user).select_related("interview"), pk=scorecard_id)


def scorecard_hidden_reason(*, user: AbstractBaseUser, scorecard_id: int) -> str | None:
    """Why an interviewer on the same loop cannot open a colleague's scorecard yet, if that is the case."""
    scorecard = Scorecard.objects.filter(pk=scorecard_id).select_related("interview").first()
    if scorecard and policy.is_on_panel(user, scorecard.interview.loop):
        return (
            "Scores are hidden until your own scorecard for this loop is submitted, "
            "so that nobody anchors on a colleague's scores."
        )
    return None


def plan_default_start(*, now: dt.datetime) -> dt.datetime:
    """The next working day at 10:00 local time: where a new plan's first interview starts."""
    day = timezone.localtime(now).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def dimensions_uncovered(*, rubric: RubricVersion, rows) -> list:
    """Dimensions that none of the plan's included rows focuses on, as the form currently stands."""
    covered: set[str] = set()
    for row in rows:
        include = row["include"].value() or row.locked
        if include:
            covered.update(str(pk) for pk in row["focus"].value() or [])
    return [d for d in rubric.dimensions.all() if str(d.pk) not in covered]
