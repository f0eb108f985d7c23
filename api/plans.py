"""Turns the API's plan rows (ids and usernames) into hiring's PlanRows, refusing what does not resolve."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from hiring.models import Interview, Loop
from hiring.selectors.loops import interviewers as active_interviewers
from hiring.services.loops import PlanRow
from roles.models import Dimension, Exercise, RubricVersion


def plan_rows(*, loop: Loop, rows: list[dict[str, Any]]) -> list[PlanRow]:
    """The rows of a new plan for an existing loop (they may name its interviews)."""
    interviews = {i.pk: i for i in Interview.objects.filter(loop=loop).select_related("scorecard")}
    return _resolved(rubric_id=loop.rubric_id, interviews=interviews, rows=rows)


def first_plan_rows(*, rubric: RubricVersion, rows: list[dict[str, Any]]) -> list[PlanRow]:
    """The rows of the first plan of a loop about to be created on ``rubric`` (no interview of it exists yet)."""
    if not rows:
        return []
    return _resolved(rubric_id=rubric.pk, interviews={}, rows=rows)


def _resolved(*, rubric_id: int, interviews: dict[int, Interview], rows: list[dict[str, Any]]) -> list[PlanRow]:
    exercises = {e.pk: e for e in Exercise.objects.filter(rubric=rubric_id)}
    dimensions = {d.pk: d for d in Dimension.objects.filter(rubric=rubric_id)}
    usernames = {row["interviewer"] for row in rows}
    interviewers = {u.username: u for u in active_interviewers().filter(username__in=usernames)}
    errors: dict[str, list[str]] = {}
    plan = []
    for index, row in enumerate(rows):
        problems = []
        if row["exercise"] is None and exercises:
            problems.append("choose one of this role's exercises")
        elif row["exercise"] is not None and row["exercise"] not in exercises:
            problems.append(f"exercise {row['exercise']} is not one of this role's exercises")
        if row["interviewer"] not in interviewers:
            problems.append(f"{row['interviewer']!r} is not an active member of the Interviewers group")
        strays = [pk for pk in row["focus"] if pk not in dimensions]
        if strays:
            problems.append(f"dimensions {strays} are not part of this role's rubric")
        if row["interview"] is not None and row["interview"] not in interviews:
            problems.append(f"interview {row['interview']} is not an interview of this loop")
        if problems:
            errors[f"interviews.{index}"] = [f"Interview {index + 1}: " + "; ".join(problems) + "."]
            continue
        plan.append(
            PlanRow(
                exercise=exercises[row["exercise"]] if row["exercise"] is not None else None,
                title=row["title"],
                interviewer=interviewers[row["interviewer"]],
                scheduled_at=row["scheduled_at"],
                focus=[dimensions[pk] for pk in dict.fromkeys(row["focus"])],
                interview=interviews.get(row["interview"]) if row["interview"] is not None else None,
            )
        )
    if errors:
        raise ValidationError(errors)
    return plan


def interviews_removed(*, loop: Loop, rows: list[dict[str, Any]]) -> list[Interview]:
    """The loop's interviews that the new plan does not list."""
    kept = {row["interview"] for row in rows if row["interview"] is not None}
    return list(Interview.objects.filter(loop=loop).exclude(pk__in=kept).select_related("exercise"))
