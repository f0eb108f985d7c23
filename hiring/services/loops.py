"""Creating loops and planning their interviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hiring import policy
from hiring.models import (
    Candidate,
    Interview,
    Loop,
    Scorecard,
)
from hiring.services.loop_status import loop_status_refresh
from hiring.services.refusals import InputRefused, Problem
from hiring.tasks import interview_invites
from roles.models import Dimension, Exercise, RubricVersion
from roles.services import rubric_lock


@transaction.atomic
def loop_create(
    *,
    candidate_name: str,
    candidate_email: str,
    candidate_notes: str,
    rubric: RubricVersion,
    hiring_manager: User,
    by: User,
    plan: Sequence[PlanRow] = (),
) -> Loop:
    """A candidate and their loop on the rubric, run by ``by``, with its first plan when one is given
    (``loop_plan_save``), in one transaction: a plan refused leaves no candidate or loop behind. The rubric is
    locked from now on. The one way a loop is created: the web plans it on the next page (no plan), the API
    may send both at once.

    Raises ``InputRefused`` when the hiring manager is not in the Hiring managers group."""
    if not policy.can_plan_loops(by):
        raise PermissionDenied("Only recruiters can create loops.")
    if not policy.is_hiring_manager(hiring_manager):
        raise InputRefused([Problem("hiring_manager", "Choose someone in the Hiring managers group.")])
    candidate = Candidate(
        name=candidate_name.strip(), email=candidate_email.strip(), notes=candidate_notes, created_by=by
    )
    candidate.full_clean()
    candidate.save()
    loop = Loop(candidate=candidate, rubric=rubric, hiring_manager=hiring_manager, recruiter=by)
    loop.full_clean()
    loop.save()
    rubric_lock(rubric=rubric)
    if plan:
        loop_plan_save(loop=loop, rows=plan, by=by)
    return loop


@dataclass(frozen=True)
class PlanRow:
    """One interview of the plan: of one of the rubric's exercises, or (a rubric without exercises) with a title."""

    exercise: Exercise | None
    interviewer: User
    scheduled_at: dt.datetime
    focus: list[Dimension]
    interview: Interview | None = None
    title: str = ""

    @property
    def name(self) -> str:
        return self.exercise.title if self.exercise is not None else self.title


@transaction.atomic
def loop_plan_save(
    *, loop: Loop, rows: Iterable[PlanRow], by: User, removed: Iterable[Interview] = ()
) -> list[Interview]:
    """Create, update or remove the loop's interviews; each new interview gets its draft scorecard, and each
    new or moved one its calendar invite by email.

    An interview whose scorecard has been written to keeps its interviewer and cannot be
    removed, so nobody's draft moves to someone else or disappears.
    """
    if not policy.can_plan(by, loop):
        raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
    if not policy.can_change_plan(by, loop):  # they plan it (checked above), so: it is decided
        raise ValidationError("This loop is decided; its plan can no longer change.")
    for interview in removed:
        scorecard = Scorecard.objects.get(interview=interview)
        if interview.loop_id != loop.pk or scorecard.is_started:
            raise ValidationError(f"“{interview.name}” has a scorecard in progress and cannot be removed.")
        interview.delete()
    interviews = []
    invited: list[int] = []
    for row in rows:
        if (row.exercise is not None and row.exercise.rubric_id != loop.rubric_id) or any(
            d.rubric_id != loop.rubric_id for d in row.focus
        ):
            raise ValidationError("That exercise or dimension belongs to another role's rubric.")
        if row.exercise is None and not row.title.strip():
            raise ValidationError("Give each interview a title: this role's rubric has no exercises to name it.")
        if not row.focus:
            raise ValidationError(f"Choose at least one focus dimension for “{row.name}”.")
        interview = row.interview if row.interview is not None else Interview(loop=loop, exercise=row.exercise)
        if row.exercise is None:
            interview.title = row.title.strip()
        if interview.loop_id != loop.pk:
            raise ValidationError("That interview belongs to another loop.")
        if interview.interviewer_id != row.interviewer.pk and not policy.can_be_planned_as_interviewer(
            row.interviewer, loop
        ):
            raise ValidationError(
                f"{row.interviewer.get_full_name() or row.interviewer.username} cannot interview: choose someone "
                "in the Interviewers group, or the loop's hiring manager."
            )
        if interview.pk and interview.scorecard.is_started and interview.interviewer_id != row.interviewer.pk:
            raise ValidationError(f"“{row.name}” already has a scorecard in progress; its interviewer cannot change.")
        moved = (interview.interviewer_id, interview.scheduled_at) != (row.interviewer.pk, row.scheduled_at)
        interview.interviewer = row.interviewer
        interview.scheduled_at = row.scheduled_at
        interview.full_clean()
        interview.save()
        interview.focus_dimensions.set(row.focus)
        Scorecard.objects.get_or_create(interview=interview)
        interviews.append(interview)
        invited += [interview.pk] if moved else []
    loop_status_refresh(loop)
    _invites_send_on_commit(interview_ids=invited)
    return interviews


def _invites_send_on_commit(*, interview_ids: list[int]) -> None:
    """New interviews, and those given another interviewer or time, get their calendar invite by email: sent by
    the worker once the plan is committed (hiring.services.invites skips past and decided ones)."""
    if interview_ids:
        transaction.on_commit(partial(interview_invites.enqueue, interview_ids=interview_ids))
