"""A scorecard as its page shows it, and when a scorecard is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, Value

from hiring import policy
from hiring.models import Amendment, Interview, Loop, ObservedSignal, Rating, Scorecard, ScorecardView
from hiring.policy import AnyUser
from roles.models import Dimension, Exercise, RubricVersion, Signal
from roles.selectors import LevelRow, SignalGroup, dimension_levels, red_flags_first, rubric_content, signal_groups


class ScorecardHidden(Exception):
    """The scorecard exists and the user has a part in its loop, but may not open it yet; says why."""


def scorecard_due_at(interview: Interview) -> dt.datetime:
    """When the scorecard counts as overdue. Interview times are bounded (``validate_interview_time``),
    but a row from before the bound existed may sit near the end of time: it is then due "never"."""
    try:
        return interview.scheduled_at + dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
    except OverflowError:
        return dt.datetime.max.replace(tzinfo=dt.UTC)


REMINDER_GAP = dt.timedelta(days=1)
"""A scorecard's interviewer is reminded once a day at most, by the scheduled run or by a recruiter."""


def reminder_allowed(*, reminded_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the scorecard's interviewer may be reminded now (``REMINDER_GAP`` since the last reminder)."""
    return reminded_at is None or reminded_at <= now - REMINDER_GAP


def not_reminded_since(now: dt.datetime) -> Q:
    """``reminder_allowed`` as a filter on scorecards."""
    return Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMINDER_GAP)


def seen_by(viewer: User, *, scorecard: str = "pk") -> Exists:
    """Whether ``viewer`` opened the scorecard before (its ``ScorecardView`` exists), for the query that fetches it:
    a page opened again then records nothing, and asks nothing more."""
    return Exists(ScorecardView.objects.filter(scorecard=OuterRef(scorecard), viewer=viewer))


@dataclass(frozen=True)
class DimensionView:
    """A rubric dimension with its levels, lowest first, and whether this interview focuses on it."""

    dimension: Dimension
    levels: list[LevelRow]
    is_focus: bool


@dataclass(frozen=True)
class RatingRow:
    dimension: Dimension
    rating: Rating | None
    is_focus: bool


@dataclass(frozen=True)
class ObservedGroup:
    kind: str
    title: str
    rows: list[tuple[Signal, ObservedSignal]]


@dataclass
class ScorecardPage:
    scorecard: Scorecard
    interview: Interview
    loop: Loop
    rubric: RubricVersion
    exercise: Exercise | None  # None: an interview of a rubric without exercises, named by its title
    dimensions: list[DimensionView]
    ratings: dict[int, Rating]
    observed: dict[int, ObservedSignal]
    signal_groups: list[SignalGroup]
    amendments: list[Amendment]
    seen: bool = True  # by the user the page was asked for, before this request

    @property
    def focus_ids(self) -> set[int]:
        return {view.dimension.pk for view in self.dimensions if view.is_focus}

    @property
    def focus_dimensions(self) -> list[DimensionView]:
        return [view for view in self.dimensions if view.is_focus]

    @property
    def rating_rows(self) -> list[RatingRow]:
        """Every dimension with its rating (or None) and whether it is a focus, in rubric order."""
        return [RatingRow(v.dimension, self.ratings.get(v.dimension.pk), v.is_focus) for v in self.dimensions]

    @property
    def observed_rows(self) -> list[ObservedGroup]:
        """The signals the interviewer saw, by kind, red flags first."""
        return [
            ObservedGroup(g.kind, g.title, [(s, self.observed[s.pk]) for s in g.signals if s.pk in self.observed])
            for g in red_flags_first(self.signal_groups)
        ]


def scorecard_page(*, user: AnyUser, scorecard_id: int) -> ScorecardPage:
    """A scorecard the user may see, with its rubric, anchors, ratings, signals and history.

    Raises ``Scorecard.DoesNotExist`` when the user may not see it (``scorecard_hidden_reason`` tells why)."""
    viewer = user if isinstance(user, User) else None
    scorecard = (
        policy.scorecards_visible_to(user)
        .annotate(seen=Value(True) if viewer is None else seen_by(viewer))
        .select_related(
            "interview__loop__candidate",
            "interview__loop__rubric__role",
            "interview__loop__hiring_manager",
            "interview__interviewer",
            "interview__exercise",
        )
        .get(pk=scorecard_id)
    )
    page = scorecard_page_for(scorecard)
    page.seen = scorecard.seen
    return page


def scorecard_page_for(scorecard: Scorecard) -> ScorecardPage:
    interview = scorecard.interview
    rubric = rubric_content(interview.loop.rubric)
    focus_ids = set(interview.focus_dimensions.values_list("pk", flat=True))
    levels = dimension_levels(rubric=rubric, highest_first=False)
    return ScorecardPage(
        scorecard=scorecard,
        interview=interview,
        loop=interview.loop,
        rubric=rubric,
        exercise=next((e for e in rubric.exercises.all() if e.pk == interview.exercise_id), None),
        dimensions=[DimensionView(d, levels[d.pk], d.pk in focus_ids) for d in rubric.dimensions.all()],
        ratings={rating.dimension_id: rating for rating in scorecard.ratings.all()},
        observed={o.signal_id: o for o in scorecard.observed_signals.all()},
        signal_groups=signal_groups(rubric=rubric),
        amendments=list(scorecard.amendments.select_related("by")),
    )


def scorecard_visible_page(*, user: AnyUser, scorecard_id: int) -> ScorecardPage:
    """``scorecard_page``, or ``ScorecardHidden`` with the reason when the user has a part in the loop
    but may not open this scorecard yet; ``Scorecard.DoesNotExist`` when they have none."""
    try:
        return scorecard_page(user=user, scorecard_id=scorecard_id)
    except Scorecard.DoesNotExist:
        reason = scorecard_hidden_reason(user=user, scorecard_id=scorecard_id)
        if reason:
            raise ScorecardHidden(reason) from None
        raise


def scorecard_hidden_reason(*, user: AnyUser, scorecard_id: int) -> str | None:
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
