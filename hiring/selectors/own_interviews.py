"""An interviewer's own lists, a page at a time: their open interviews and their submitted scorecards.

Which interviews, in which order, is `hiring.selectors.home`'s (`open_interviews`, `submitted_interviews`);
here a page of them becomes the rows the pages show: what each row says, and its links, built with one
`reverse()` per kind of link for the whole page (`config.links`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from config.links import Link
from hiring.models import Interview
from hiring.selectors.scorecards import scorecard_due_at


@dataclass(frozen=True)
class OwnInterview:
    """An interview on its interviewer's list: the candidate, the role, when, when its scorecard is due, how far
    the scorecard is, and the links to its calendar file, its kit and its scorecard."""

    candidate_name: str
    role_title: str
    name: str
    scheduled_at: dt.datetime
    due_at: dt.datetime
    submitted: bool
    draft_written: bool  # a draft saved at least once
    invite_url: str
    kit_url: str
    scorecard_url: str


def own_interviews_listed(interviews: QuerySet[Interview]) -> QuerySet[Interview]:
    """`interviews` reading only what `own_interview_rows` shows of each."""
    return interviews.only(
        "scheduled_at",
        "title",
        "loop__candidate__name",
        "loop__rubric__title",
        "loop__rubric__number",
        "loop__rubric__role__slug",
        "exercise__title",
        "exercise__slug",
        "scorecard__status",
        "scorecard__revision",
    )


def own_interview_rows(interviews: Iterable[Interview]) -> list[OwnInterview]:
    """The rows of a page of the interviewer's interviews (read through `own_interviews_listed`)."""
    invite, kit, scorecard = Link("interview_invite"), Link("roles:kit"), Link("scorecard")
    rows = []
    for interview in interviews:
        rubric, exercise = interview.loop.rubric, interview.exercise
        kit_url = f"{kit(rubric.role.slug)}?version={rubric.number}"
        rows.append(
            OwnInterview(
                candidate_name=interview.loop.candidate.name,
                role_title=rubric.title,
                name=interview.name,
                scheduled_at=interview.scheduled_at,
                due_at=scorecard_due_at(interview),
                submitted=interview.scorecard.is_submitted,
                draft_written=interview.scorecard.revision > 1,
                invite_url=invite(interview.pk),
                kit_url=kit_url + (f"#exercise-{exercise.slug}" if exercise is not None else ""),
                scorecard_url=scorecard(interview.scorecard.pk),
            )
        )
    return rows
