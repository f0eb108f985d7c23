"""Loops, their interviews and what planning them needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from hiring import policy
from hiring.decision_rule import Rule, rule_of
from hiring.models import Interview, Loop
from hiring.policy import AnyUser
from hiring.reliability import PanelSize
from hiring.selectors.calibration import panel_sizes
from hiring.selectors.scorecards import scorecard_due_at
from roles.models import Dimension, Exercise
from roles.selectors import rubric_content


class PlanRowState(Protocol):
    """A plan row as the form currently stands (hiring.forms.PlanRowForm)."""

    @property
    def included(self) -> bool: ...

    @property
    def focus_values(self) -> set[str]: ...


def hiring_managers() -> QuerySet[User]:
    return User.objects.filter(groups__name=policy.HIRING_MANAGERS, is_active=True).order_by("username")


def interviewers(*, loop: Loop | None = None) -> QuerySet[User]:
    """Who can be planned as an interviewer: the Interviewers group, and the loop's hiring manager when given."""
    panel = Q(groups__name=policy.INTERVIEWERS)
    if loop is not None:
        panel |= Q(pk=loop.hiring_manager_id)
    return User.objects.filter(panel, is_active=True).distinct().order_by("username")


def loop_get(*, user: AnyUser, loop_id: int) -> Loop:
    """A loop the user may see, with its candidate, role, people and current decision, and whether they may open
    its debrief.

    Raises ``Loop.DoesNotExist`` when there is none they may see."""
    loops = policy.loops_visible_to(user).select_related(
        "candidate", "rubric__role", "hiring_manager", "recruiter", "decision__by"
    )
    return policy.with_debrief_access(loops, user).get(pk=loop_id)


def loop_for_planning(*, user: AnyUser, loop_id: int) -> Loop:
    """A loop the user may see, with its interviews and its rubric's content, for planning: the content is the
    rubric version's as ``rubric_content`` keeps it (read once per process: a loop's version is locked), so a
    plan of any size costs the loop's own queries.

    Raises ``Loop.DoesNotExist`` when there is none they may see."""
    loop = (
        policy.loops_visible_to(user)
        .select_related("candidate", "hiring_manager", "recruiter", "rubric")
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.select_related("interviewer", "exercise", "scorecard").prefetch_related(
                    "focus_dimensions"
                ),
            ),
        )
        .get(pk=loop_id)
    )
    loop.rubric = rubric_content(loop.rubric)
    return loop


@dataclass(frozen=True)
class InterviewRow:
    """An interview of a loop, whether the user may open its scorecard, and when that is due."""

    interview: Interview
    scorecard_visible: bool
    due_at: dt.datetime

    @property
    def due_relative(self) -> str:
        """ "in 2 days" or "3 hours ago", from now."""
        now = timezone.now()
        if self.due_at >= now:
            return f"in {timeuntil(self.due_at, now, depth=1)}"
        return f"{timesince(self.due_at, now, depth=1)} ago"


def loop_interviews_for(*, user: AnyUser, loop: Loop) -> list[InterviewRow]:
    """The loop's interviews, each with whether the user may open its scorecard."""
    visible = set(policy.scorecards_visible_to(user).filter(interview__loop=loop).values_list("pk", flat=True))
    interviews = loop.interviews.select_related("interviewer", "exercise", "scorecard").prefetch_related(
        "focus_dimensions"
    )
    return [InterviewRow(i, i.scorecard.pk in visible, scorecard_due_at(i)) for i in interviews]


def usual_interviewers(*, loop: Loop, panel: Sequence[User]) -> dict[str, int]:
    """Who ran each exercise of the loop's role most recently (by exercise slug, any rubric version),
    among the people who can be planned: the default a recruiter starts from."""
    allowed = {user.pk for user in panel}
    recent = (
        Interview.objects.filter(loop__rubric__role_id=loop.rubric.role_id, interviewer_id__in=allowed)
        .exclude(loop=loop)
        .order_by("exercise__slug", "-scheduled_at")
        .values_list("exercise__slug", "interviewer_id")
    )
    usual: dict[str, int] = {}
    for slug, interviewer_id in recent:
        usual.setdefault(slug, interviewer_id)
    return usual


@dataclass(frozen=True)
class PlanPanelRow:
    """A dimension of the plan: how many of its interviews assess it, and how many independent ratings its
    measured agreement says it needs (hiring.reliability; `size.needed` None: nothing to recommend yet)."""

    dimension: Dimension
    planned: int
    size: PanelSize | None

    @property
    def short(self) -> bool:
        return self.size is not None and self.size.needed is not None and self.planned < self.size.needed


def plan_panel(*, loop: Loop, counts: dict[str, int]) -> list[PlanPanelRow]:
    """The loop's dimensions in rubric order with the interviews `counts` plans for each (by dimension id) beside
    what the role's agreement asks for (one query, for the stored agreement figures)."""
    sizes = panel_sizes(role_slug=loop.rubric.role.slug)
    return [
        PlanPanelRow(dimension=d, planned=counts.get(str(d.pk), 0), size=sizes.get(d.slug))
        for d in loop.rubric.dimensions.all()
    ]


def plan_rule(*, loop: Loop) -> Rule:
    """The decision rule the loop will be decided by (its rubric version's, or the default), for the plan page:
    read from the rubric and dimensions already fetched with the loop (no query)."""
    return rule_of(rubric=loop.rubric, dimensions=list(loop.rubric.dimensions.all()))


def uncovered_dimensions(*, loop: Loop, plan: Iterable[PlanRowState] | None = None) -> list[Dimension]:
    """Rubric dimensions that no interview of the loop has as a focus, in rubric order: as the plan is saved
    or, given ``plan``, as its form currently stands (its included rows' ticked focus; the loop's rubric
    dimensions read as fetched, prefetched by ``loop_for_planning``)."""
    if plan is not None:
        covered = {value for row in plan if row.included for value in row.focus_values}
        return [d for d in loop.rubric.dimensions.all() if str(d.pk) not in covered]
    return list(
        Dimension.objects.filter(rubric=loop.rubric_id)
        .exclude(pk__in=Interview.focus_dimensions.through.objects.filter(interview__loop=loop).values("dimension_id"))
        .order_by("position")
    )


def plan_default_start(*, now: dt.datetime) -> dt.datetime:
    """The next working day at 10:00 local time: where a new plan's first interview starts."""
    day = timezone.localtime(now).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


NEW_TITLED_ROWS = 3  # blank interviews offered for a rubric without exercises (the first one included)


@dataclass(frozen=True)
class ProposedInterview:
    """A row of the plan as the page opens it: an interview already planned, or one proposed to start from."""

    key: str  # stable across posts: "exercise-<id>" (an exercise's first), "interview-<id>", "new-<n>"
    exercise: Exercise | None  # None: a rubric without exercises, the interview named by its title
    interview: Interview | None  # None: not planned yet
    include: bool
    title: str
    interviewer_id: int | None
    scheduled_at: dt.datetime
    focus: list[int]


@dataclass(frozen=True)
class PlanProposal:
    """The plan as the page opens it, and who and what its rows may choose from."""

    rows: list[ProposedInterview]
    interviewers: list[User]  # who can be planned (``interviewers``), read once for every row
    dimensions: list[Dimension]  # the rubric's, as prefetched by ``loop_for_planning``


def plan_proposal(*, loop: Loop, now: dt.datetime) -> PlanProposal:
    """A row per interview planned and one per exercise that has none yet (a rubric without exercises: its
    interviews by title, and blank ones to add). A new row's interviewer is who ran the exercise last for the
    role (``usual_interviewers``), else the interviewers in turn; its time the next working morning, an hour
    apart; its focus the exercise's dimensions.

    The first interview of an exercise keeps the exercise's key, so a form opened before the plan was first
    saved still posts to the same rows; a repeated exercise's rows are keyed by interview. ``loop`` comes from
    ``loop_for_planning``."""
    panel = list(interviewers(loop=loop))
    people = [user for user in panel if user.pk != loop.hiring_manager_id]
    start = plan_default_start(now=now)
    planned = sorted(loop.interviews.all(), key=lambda i: i.pk)
    if loop.rubric.exercises.all():
        rows = _exercise_rows(loop, planned=planned, people=people, start=start)
    else:
        rows = _titled_rows(planned=planned, people=people, start=start, dimensions=loop.rubric.dimensions.all())
    return PlanProposal(rows=rows, interviewers=panel, dimensions=list(loop.rubric.dimensions.all()))


def _planned_row(key: str, interview: Interview, exercise: Exercise | None) -> ProposedInterview:
    return ProposedInterview(
        key=key,
        exercise=exercise,
        interview=interview,
        include=True,
        title=interview.title,
        interviewer_id=interview.interviewer_id,
        scheduled_at=timezone.localtime(interview.scheduled_at),
        focus=[d.pk for d in interview.focus_dimensions.all()],
    )


def _exercise_rows(
    loop: Loop, *, planned: list[Interview], people: list[User], start: dt.datetime
) -> list[ProposedInterview]:
    by_exercise: dict[int | None, list[Interview]] = {}
    for interview in planned:
        by_exercise.setdefault(interview.exercise_id, []).append(interview)
    usual = usual_interviewers(loop=loop, panel=people)
    rows = []
    for index, exercise in enumerate(loop.rubric.exercises.all()):
        interviews = by_exercise.get(exercise.pk, [])
        rows += [
            _planned_row(
                f"exercise-{exercise.pk}" if position == 0 else f"interview-{interview.pk}", interview, exercise
            )
            for position, interview in enumerate(interviews)
        ]
        if not interviews:
            fallback = people[index % len(people)].pk if people else None
            rows.append(
                ProposedInterview(
                    key=f"exercise-{exercise.pk}",
                    exercise=exercise,
                    interview=None,
                    include=not exercise.optional and not by_exercise,
                    title="",
                    interviewer_id=usual.get(exercise.slug, fallback),
                    scheduled_at=start + dt.timedelta(hours=index),
                    focus=[d.pk for d in exercise.dimensions.all()],
                )
            )
    return rows


def _titled_rows(
    *, planned: list[Interview], people: list[User], start: dt.datetime, dimensions: Iterable[Dimension]
) -> list[ProposedInterview]:
    """A rubric without exercises: its interviews by title, then blank ones to add; the first blank row starts
    included, focused on every dimension, so a one-interview plan is one click."""
    rows = [_planned_row(f"interview-{interview.pk}", interview, None) for interview in planned]
    for index in range(NEW_TITLED_ROWS):
        first = index == 0 and not planned
        rows.append(
            ProposedInterview(
                key=f"new-{index}",
                exercise=None,
                interview=None,
                include=first,
                title="Interview" if first else "",
                interviewer_id=people[index % len(people)].pk if people else None,
                scheduled_at=start + dt.timedelta(hours=index),
                focus=[d.pk for d in dimensions] if first else [],
            )
        )
    return rows


def interview_for_invite(*, user: AnyUser, interview_id: int) -> Interview:
    """An interview the user may see (``policy.interviews_visible_to``), with what its calendar invite names.

    Raises ``Interview.DoesNotExist`` when there is none they may see."""
    return (
        policy.interviews_visible_to(user)
        .select_related(
            "loop__candidate", "loop__rubric__role", "loop__recruiter", "exercise", "interviewer", "scorecard"
        )
        .prefetch_related("focus_dimensions")
        .get(pk=interview_id)
    )
