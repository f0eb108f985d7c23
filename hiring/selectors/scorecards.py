"""A scorecard as its page shows it, and when a scorecard is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404

from hiring import policy
from hiring.models import Interview, Loop, ObservedSignal, Rating, Scorecard
from roles.models import RubricVersion
from roles.selectors import level_rows_attach, rubric_with_content, signal_groups


def scorecard_due_at(interview: Interview) -> dt.datetime:
    """When the scorecard counts as overdue. Interview times are bounded (``validate_interview_time``),
    but a row from before the bound existed may sit near the end of time: it is then due "never"."""
    try:
        return interview.scheduled_at + dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
    except OverflowError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)


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


def scorecard_page(*, user: User, scorecard_id: int) -> ScorecardPage:
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


def scorecard_hidden_reason(*, user: User, scorecard_id: int) -> str | None:
    """Why someone with a part in the loop cannot open this scorecard yet (None: they have no part in it, a 404)."""
    scorecard = (
        Scorecard.objects.filter(pk=scorecard_id, interview__loop__in=policy.loops_visible_to(user))
        .select_related("interview__loop")
        .first()
    )
    if scorecard is None:
        return None
    if policy.is_on_panel(user, scorecard.interview.loop) and not policy.can_view_debrief(
        user, scorecard.interview.loop
    ):
        return (
            "Scores are hidden until your own scorecard for this loop is submitted, "
            "so that nobody anchors on a colleague's scores."
        )
    if not scorecard.is_submitted:
        return "This scorecard is still a draft: it stays private to its interviewer until they submit it."
    return None


def scorecard_exists(*, scorecard_id: int) -> bool:
    """Whether the id names a scorecard at all (no visibility implied): ids beyond a database key name none."""
    return scorecard_id < 2**63 and Scorecard.objects.filter(pk=scorecard_id).exists()
