"""Creating, viewing and planning loops."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiring import policy
from hiring.forms import LoopCreateForm, PlanRowForm
from hiring.models import Interview, Loop
from hiring.selectors.loops import (
    hiring_managers,
    interviewers,
    loop_for_planning,
    loop_get,
    loop_interviews_for,
    plan_default_start,
    uncovered_dimensions,
    usual_interviewers,
)
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.views import signed_in_user
from roles.selectors import current_rubrics


def _visible_loop(request: HttpRequest, loop_id: int, *, planning: bool = False) -> Loop:
    """The loop, if the user may see it; 404 otherwise."""
    try:
        if planning:
            return loop_for_planning(user=request.user, loop_id=loop_id)
        return loop_get(user=request.user, loop_id=loop_id)
    except Loop.DoesNotExist:
        raise Http404("No such loop.") from None


@login_required
def loop_new(request: HttpRequest) -> HttpResponse:
    if not policy.can_plan_loops(request.user):
        raise PermissionDenied("Only recruiters can create loops.")
    form = LoopCreateForm(request.POST or None, rubrics=current_rubrics(), hiring_managers=hiring_managers())
    if request.method == "POST" and form.is_valid():
        try:
            loop = loop_create(**form.cleaned_data, by=signed_in_user(request))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Loop created for {loop.candidate.name}. Now plan the interviews.")
            return redirect("loop_plan", loop.pk)
    return render(request, "hiring/loop_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def loop_detail(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _visible_loop(request, loop_id)
    return render(
        request,
        "hiring/loop_detail.html",
        {
            "loop": loop,
            "interviews": loop_interviews_for(user=request.user, loop=loop),
            "can_plan": policy.can_plan(request.user, loop),
            "can_view_debrief": policy.can_view_debrief(request.user, loop),
            "uncovered": uncovered_dimensions(loop=loop),
        },
    )


@login_required
def loop_plan(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _visible_loop(request, loop_id, planning=True)
    if not policy.can_plan(request.user, loop):
        raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
    rows = _plan_rows(request, loop)
    decided = loop.status == Loop.Status.DECIDED
    if request.method == "POST" and decided:
        messages.error(request, "This loop is decided: its plan is kept as it was and can no longer change.")
        return render(
            request,
            "hiring/loop_plan.html",
            {
                "loop": loop,
                "rows": _plan_rows(request, loop, bound=False),
                "uncovered": [],
                "decided": True,
                "time_zone": timezone.get_current_timezone_name(),
            },
            status=409,
        )
    if request.method == "POST" and all(row.is_valid() for row in rows):
        plan = [
            PlanRow(
                exercise=row.exercise,
                interviewer=row.cleaned_data["interviewer"],
                scheduled_at=row.cleaned_data["scheduled_at"],
                focus=list(row.cleaned_data["focus"]),
                interview=row.interview,
                title=row.cleaned_data.get("title", ""),
            )
            for row in rows
            if row.cleaned_data.get("include") or row.locked
        ]
        removed = [
            row.interview for row in rows if row.interview and not row.locked and not row.cleaned_data["include"]
        ]
        try:
            loop_plan_save(loop=loop, rows=plan, removed=removed, by=signed_in_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            uncovered = uncovered_dimensions(loop=loop)
            if uncovered:
                messages.warning(
                    request, "Plan saved, but no interview covers: " + ", ".join(d.name for d in uncovered) + "."
                )
            else:
                messages.success(request, "Plan saved. Every rubric dimension is covered by an interview.")
            return redirect("loop_detail", loop.pk)
    uncovered = uncovered_dimensions(loop=loop, plan=rows)
    return render(
        request,
        "hiring/loop_plan.html",
        {
            "loop": loop,
            "rows": rows,
            "uncovered": uncovered,
            "decided": decided,
            "time_zone": timezone.get_current_timezone_name(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _plan_rows(request: HttpRequest, loop: Loop, *, bound: bool = True) -> list[PlanRowForm]:
    """A row per existing interview and one per exercise that has none yet.

    The first interview of an exercise keeps the exercise's prefix, so a form opened before the
    plan was first saved still posts to the same rows; a repeated exercise's rows are keyed by interview.
    """
    interviews: dict[int | None, list[Interview]] = {}
    for existing in sorted(loop.interviews.all(), key=lambda i: i.pk):
        interviews.setdefault(existing.exercise_id, []).append(existing)
    dimensions = loop.rubric.dimensions.all()
    panel = interviewers(loop=loop)
    people = [user for user in panel if user.pk != loop.hiring_manager_id]
    usual = usual_interviewers(loop=loop, panel=people)
    default_time = plan_default_start(now=timezone.now())
    if not loop.rubric.exercises.all():
        return _titled_rows(request, loop, bound=bound, panel=panel, people=people, start=default_time)
    rows = []
    for index, exercise in enumerate(loop.rubric.exercises.all()):
        planned: list[Interview | None] = list(interviews.get(exercise.pk, [])) or [None]
        for position, interview in enumerate(planned):
            initial: dict[str, object]
            if interview:
                initial = {
                    "include": True,
                    "interviewer": interview.interviewer_id,
                    "scheduled_at": timezone.localtime(interview.scheduled_at),
                    "focus": [d.pk for d in interview.focus_dimensions.all()],
                }
            else:
                # Who ran this exercise last for the role, else the interviewers in turn: a start to adjust.
                fallback = people[index % len(people)].pk if people else None
                initial = {
                    "include": not exercise.optional and not interviews,
                    "interviewer": usual.get(exercise.slug, fallback),
                    "scheduled_at": default_time + dt.timedelta(hours=index),
                    "focus": [d.pk for d in exercise.dimensions.all()],
                }
            rows.append(
                PlanRowForm(
                    request.POST if bound and request.method == "POST" else None,
                    prefix=f"exercise-{exercise.pk}"
                    if position == 0 or interview is None
                    else f"interview-{interview.pk}",
                    initial=initial,
                    exercise=exercise,
                    interview=interview,
                    interviewers=panel,
                    dimensions=dimensions,
                )
            )
    return rows


NEW_TITLED_ROWS = 3  # blank interviews offered for a rubric without exercises (the first one included)


def _titled_rows(
    request: HttpRequest, loop: Loop, *, bound: bool, panel: QuerySet[User], people: list[User], start: dt.datetime
) -> list[PlanRowForm]:
    """A rubric without exercises: a row per interview planned, each named by its title, and blank ones to add.

    The first blank row starts included, focused on every dimension, so a one-interview plan is one click."""
    dimensions = loop.rubric.dimensions.all()
    data = request.POST if bound and request.method == "POST" else None
    existing = sorted(loop.interviews.all(), key=lambda i: i.pk)
    rows = [
        PlanRowForm(
            data,
            prefix=f"interview-{interview.pk}",
            initial={
                "include": True,
                "title": interview.title,
                "interviewer": interview.interviewer_id,
                "scheduled_at": timezone.localtime(interview.scheduled_at),
                "focus": [d.pk for d in interview.focus_dimensions.all()],
            },
            exercise=None,
            interview=interview,
            interviewers=panel,
            dimensions=dimensions,
        )
        for interview in existing
    ]
    for index in range(NEW_TITLED_ROWS):
        first = index == 0 and not existing
        rows.append(
            PlanRowForm(
                data,
                prefix=f"new-{index}",
                initial={
                    "include": first,
                    "title": "Interview" if first else "",
                    "interviewer": people[index % len(people)].pk if people else None,
                    "scheduled_at": start + dt.timedelta(hours=index),
                    "focus": [d.pk for d in dimensions] if first else [],
                },
                exercise=None,
                interview=None,
                interviewers=panel,
                dimensions=dimensions,
            )
        )
    return rows
