"""What a person's home page lists: their interviews by state and the loops they run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from hiring import policy
from hiring.models import Interview, Loop, Scorecard
from hiring.selectors.decisions import changed_since_decided
from hiring.selectors.scorecards import scorecard_due_at


@dataclass
class HomeSections:
    upcoming: list[Interview] = field(default_factory=list)
    to_write: list[Interview] = field(default_factory=list)
    overdue: list[Interview] = field(default_factory=list)
    submitted: list[Interview] = field(default_factory=list)
    submitted_total: int = 0
    loops: list[Loop] = field(default_factory=list)
    changed_decisions: list[Loop] = field(default_factory=list)


HOME_SUBMITTED = 10  # the latest submitted scorecards shown on the home page; the rest are on their own page
HOME_CHANGED = 20  # decisions changed since decided shown to their hiring manager; the pipeline filter lists all


def _interviews_of(user: User) -> QuerySet[Interview]:
    return Interview.objects.filter(interviewer=user).select_related(
        "loop__candidate", "loop__rubric__role", "exercise", "scorecard"
    )


def interviewer_home(*, user: User, now: dt.datetime) -> HomeSections:
    """The user's open interviews split into upcoming, to write and overdue, their latest submitted
    scorecards, the loops they run, and the decisions they made that changed since (scorecards amended
    after the decision). Fixed queries, and bounded however long the user's history."""
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
    sections.changed_decisions = list(
        Loop.objects.filter(hiring_manager=user, status=Loop.Status.DECIDED)
        .filter(changed_since_decided())
        .select_related("candidate", "rubric__role", "decision")
        .order_by("-decision__at")[:HOME_CHANGED]
    )
    return sections


def submitted_interviews(*, user: User) -> QuerySet[Interview]:
    """The user's interviews with a submitted scorecard, the latest submission first."""
    return (
        _interviews_of(user)
        .filter(scorecard__status=Scorecard.Status.SUBMITTED)
        .order_by("-scorecard__submitted_at", "-pk")
    )
