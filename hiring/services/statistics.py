"""The running statistics of calibration and agreement, kept in step with every write (issue 16).

Each loop's contribution is computed from its submitted scorecards and stored
(LoopInterviewerFigures, LoopDimensionFigures); the totals (InterviewerFigures, DimensionFigures)
are the sums of the loops' contributions. `loop_statistics_refresh` runs in the transaction of
every write that can change a loop's figures (it is called by loop_status_refresh, where every
submit, amendment, draft, plan change and decision ends): it locks the loop, subtracts what the
loop added before, adds what it adds now, and asks the worker to recompute the bootstrap
intervals of the role. `statistics_rebuild` recomputes everything from scratch (for existing
databases, bulk-generated data, or after SCORECARD_DUE_HOURS changes).

The figures follow the definitions of hiring.selectors.calibration exactly. Each loop also keeps
its count of red flags (`Loop.red_flags`, for the pipeline's red-flag filter and sort), set by
loop_status_refresh from `loop_red_flags_count`, and whether its decision is changed since decided
(`Loop.decision_changed`); `statistics_rebuild` recomputes both (`loop_flags_rebuild`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from config.progress import Tracker, silent
from hiring.agreement import unit_coincidences
from hiring.models import (
    INTERVIEWER_FIGURES,
    Amendment,
    Decision,
    DimensionFigures,
    DimensionSpread,
    InterviewerFigures,
    Loop,
    LoopDimensionFigures,
    LoopInterviewerFigures,
    ObservedSignal,
    Rating,
    Scorecard,
    SpreadTotal,
)
from hiring.scoring import normalise
from hiring.selectors.calibration import NO, YES, bucket
from hiring.selectors.decisions import moved_basis
from hiring.services.agreement_intervals import agreement_intervals_refresh
from hiring.services.health_columns import health_columns_rebuild
from hiring.tasks import agreement_intervals, agreement_intervals_waiting
from roles.models import SignalKind

DIMENSION_FIELDS = ("ratings", "units", "coincidences")
CHUNK = 2000  # loops per pass of statistics_rebuild

Figures = dict[str, Any]


@dataclass
class Contribution:
    """One loop's figures: per interviewer (with the loop's rubric) and per dimension (with its unit's values)."""

    rubric_id: int = 0
    interviewers: dict[int, Figures] = field(default_factory=dict)
    dimensions: dict[int, Figures] = field(default_factory=dict)
    values: dict[int, list[float]] = field(default_factory=dict)


def _zero_interviewer() -> Figures:
    return dict.fromkeys(INTERVIEWER_FIGURES, 0)


def _zero_dimension() -> Figures:
    return {"ratings": 0, "units": 0, "coincidences": {}}


def contributions(loop_ids: list[int]) -> dict[int, Contribution]:
    """Every loop's contribution, from two queries over its submitted scorecards and their ratings."""
    found: dict[int, Contribution] = defaultdict(Contribution)
    due = dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
    conformity = (
        Amendment.objects.filter(scorecard=OuterRef("pk"), after_viewing=True)
        .order_by()
        .values("scorecard")
        .annotate(moves=Sum("moves"), toward=Sum("moves_toward"))
    )
    cards = (
        Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED, interview__loop_id__in=loop_ids)
        .order_by()
        .values_list(
            "interview__loop_id",
            "interview__loop__rubric_id",
            "interview__interviewer_id",
            "submitted_at",
            "interview__scheduled_at",
            "recommendation",
            "interview__loop__decision__outcome",
            Coalesce(Subquery(conformity.values("moves")), 0),
            Coalesce(Subquery(conformity.values("toward")), 0),
        )
    )
    for loop_id, rubric_id, interviewer, submitted_at, scheduled_at, recommendation, outcome, moves, toward in cards:
        loop = found[loop_id]
        loop.rubric_id = rubric_id
        figures = loop.interviewers.setdefault(interviewer, _zero_interviewer())
        figures["scorecards"] += 1
        figures["conformity_moves"] += moves
        figures["conformity_toward"] += toward
        figures["on_time"] += submitted_at is not None and submitted_at <= scheduled_at + due
        if outcome in (Decision.Outcome.HIRE, Decision.Outcome.NO_HIRE):
            figures["decided"] += 1
            figures["matched"] += (recommendation in YES and outcome == Decision.Outcome.HIRE) or (
                recommendation in NO and outcome == Decision.Outcome.NO_HIRE
            )
    ratings = (
        Rating.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED, scorecard__interview__loop_id__in=loop_ids)
        .order_by(
            "scorecard__interview__loop_id",
            "dimension__position",
            "scorecard__interview__scheduled_at",
            "scorecard_id",
        )
        .values_list(
            "scorecard__interview__loop_id",
            "scorecard__interview__interviewer_id",
            "dimension_id",
            "score",
            "not_assessed",
            "scorecard__interview__loop__rubric__scale_min",
            "scorecard__interview__loop__rubric__scale_max",
        )
    )
    cells: dict[int, dict[int, dict[int, list[float]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for loop_id, interviewer, dimension, score, not_assessed, scale_min, scale_max in ratings:
        loop = found[loop_id]
        loop.dimensions.setdefault(dimension, _zero_dimension())["ratings"] += 1
        figures = loop.interviewers.setdefault(interviewer, _zero_interviewer())
        if not_assessed:
            figures["not_assessed"] += 1
        elif score is not None:
            value = normalise(score, scale_min=scale_min, scale_max=scale_max)
            figures["scored"] += 1
            figures["score_sum"] += value
            figures[f"bucket_{bucket(value)}"] += 1
            cells[loop_id][dimension][interviewer].append(value)
    for loop_id, dimensions in cells.items():
        loop = found[loop_id]
        for dimension, scores in dimensions.items():
            means = {interviewer: statistics.fmean(values) for interviewer, values in scores.items()}
            for interviewer, value in means.items():
                others = [other for who, other in means.items() if who != interviewer]
                if others:
                    panel = statistics.fmean(others)
                    figures = loop.interviewers[interviewer]
                    figures["compared"] += 1
                    figures["deviation_sum"] += value - panel
                    figures["deviation_squares"] += (value - panel) ** 2
                    figures["panel_sum"] += panel
            if len(means) >= 2:
                unit = list(means.values())
                loop.values[dimension] = unit
                loop.dimensions[dimension]["units"] = 1
                loop.dimensions[dimension]["coincidences"] = unit_coincidences(unit)
    return dict(found)


def _stored(loop_id: int) -> Contribution:
    stored = Contribution()
    for row in LoopInterviewerFigures.objects.filter(loop_id=loop_id):
        stored.rubric_id = row.rubric_id
        stored.interviewers[row.interviewer_id] = {name: getattr(row, name) for name in INTERVIEWER_FIGURES}
    for dimension_row in LoopDimensionFigures.objects.filter(loop_id=loop_id):
        stored.dimensions[dimension_row.dimension_id] = {
            name: getattr(dimension_row, name) for name in DIMENSION_FIELDS
        }
        if dimension_row.units:
            stored.values[dimension_row.dimension_id] = list(dimension_row.values)
    return stored


def _add(into: Figures, figures: Figures, sign: int) -> None:
    for name, value in figures.items():
        if isinstance(value, dict):
            counts = into.setdefault(name, {})
            for key, count in value.items():
                counts[key] = counts.get(key, 0) + sign * count
                if counts[key] == 0:
                    del counts[key]
        else:
            into[name] = into.get(name, 0) + sign * value


def _difference(new: dict[Any, Figures], old: dict[Any, Figures]) -> dict[Any, Figures]:
    deltas: dict[Any, Figures] = {}
    for key in {*new, *old}:
        delta: Figures = {}
        _add(delta, new.get(key, {}), 1)
        _add(delta, old.get(key, {}), -1)
        if any(delta.values()):
            deltas[key] = delta
    return deltas


def _settle(row: Model) -> None:
    """Sums of nothing are exactly zero (no float residue once a count returns to zero); squares never negative."""
    if getattr(row, "scored", 1) == 0:
        row.score_sum = 0.0  # type: ignore[attr-defined]
    if getattr(row, "compared", 1) == 0:
        row.deviation_sum = row.deviation_squares = row.panel_sum = 0.0  # type: ignore[attr-defined]
    if getattr(row, "loops", 1) == 0:
        row.total = row.squares = 0.0  # type: ignore[attr-defined]
    for name in ("deviation_squares", "squares", "total"):
        if hasattr(row, name) and getattr(row, name) < 0:
            setattr(row, name, 0.0)


def _apply[M: Model](model: type[M], keys: tuple[str, ...], deltas: dict[tuple[int | str, ...], Figures]) -> None:
    """Add the deltas to the total rows of `model` (keyed by `keys`), locking them in primary-key order."""
    if not deltas:
        return
    manager = model._default_manager
    manager.bulk_create([model(**dict(zip(keys, key, strict=True))) for key in deltas], ignore_conflicts=True)
    filters = {f"{name}__in": sorted({key[i] for key in deltas}) for i, name in enumerate(keys)}
    rows = []
    for row in manager.select_for_update().filter(**filters).order_by("pk"):
        key = tuple(getattr(row, name) for name in keys)
        if key not in deltas:
            continue
        for name, value in deltas[key].items():
            if isinstance(value, dict):
                holder: Figures = {name: dict(getattr(row, name))}
                _add(holder, {name: value}, 1)
                setattr(row, name, holder[name])
            else:
                setattr(row, name, getattr(row, name) + value)
        _settle(row)
        rows.append(row)
    fields = sorted({name for delta in deltas.values() for name in delta})
    manager.bulk_update(rows, fields, batch_size=500)


def _loop_rows(
    loop_id: int, contribution: Contribution
) -> tuple[list[LoopInterviewerFigures], list[LoopDimensionFigures]]:
    interviewers = [
        LoopInterviewerFigures(loop_id=loop_id, interviewer_id=pk, rubric_id=contribution.rubric_id, **figures)
        for pk, figures in contribution.interviewers.items()
    ]
    dimensions = [
        LoopDimensionFigures(loop_id=loop_id, dimension_id=pk, values=contribution.values.get(pk, []), **figures)
        for pk, figures in contribution.dimensions.items()
    ]
    return interviewers, dimensions


def red_flags_observed() -> QuerySet[ObservedSignal]:
    """Red flags that count on a loop: observed on a submitted scorecard (a draft's are not yet said)."""
    return ObservedSignal.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED, signal__kind=SignalKind.RED_FLAG)


def loop_red_flags_count(*, loop_id: int) -> int:
    return red_flags_observed().filter(scorecard__interview__loop_id=loop_id).count()


def loop_flags_rebuild() -> None:
    """Recompute every loop's stored red flags and "changed since decided" flag (two statements)."""
    per_loop = (
        red_flags_observed()
        .filter(scorecard__interview__loop=OuterRef("pk"))
        .order_by()
        .values("scorecard__interview__loop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Loop.objects.update(red_flags=Coalesce(Subquery(per_loop, output_field=IntegerField()), Value(0)))
    Loop.objects.update(decision_changed=Exists(moved_basis().filter(decision_id=OuterRef("decision_id"))))


def loop_statistics_refresh(*, loop: Loop) -> bool:
    """Bring the stored figures of this loop, and the totals, in step with its scorecards; True if anything changed.

    Runs inside the caller's transaction; the loop's row is locked first so that two writes on one
    loop apply their differences one after the other.
    """
    with transaction.atomic():
        role_id = (
            Loop.objects.select_for_update(of=("self",))
            .filter(pk=loop.pk)
            .values_list("rubric__role_id", flat=True)
            .get()
        )
        new = contributions([loop.pk]).get(loop.pk, Contribution())
        old = _stored(loop.pk)
        if new.interviewers == old.interviewers and new.dimensions == old.dimensions and new.values == old.values:
            return False
        rubric_id = new.rubric_id or old.rubric_id
        _apply(
            InterviewerFigures,
            ("interviewer_id", "rubric_id"),
            {(pk, rubric_id): delta for pk, delta in _difference(new.interviewers, old.interviewers).items()},
        )
        _apply(
            DimensionFigures,
            ("dimension_id",),
            {(pk,): delta for pk, delta in _difference(new.dimensions, old.dimensions).items()},
        )
        LoopInterviewerFigures.objects.filter(loop_id=loop.pk).delete()
        LoopDimensionFigures.objects.filter(loop_id=loop.pk).delete()
        interviewers, dimensions = _loop_rows(loop.pk, new)
        LoopInterviewerFigures.objects.bulk_create(interviewers)
        LoopDimensionFigures.objects.bulk_create(dimensions)
        if new.values != old.values:
            agreement_intervals_schedule(role_id=role_id)
        return True


def agreement_intervals_schedule(*, role_id: int) -> None:
    """Ask the worker to recompute the role's bootstrap intervals, unless a run for it is already waiting."""
    if not agreement_intervals_waiting(role_id=role_id):
        agreement_intervals.enqueue(role_id=role_id)


def spread_totals_apply(*, old: Iterable[tuple[int, str, float]], new: Iterable[tuple[int, str, float]]) -> None:
    """Move the per-(role, dimension) spread totals from the old spreads of some loops to their new ones."""
    deltas: dict[tuple[int | str, ...], Figures] = {}
    for sign, spreads in ((-1, old), (1, new)):
        for role_id, slug, spread in spreads:
            delta = deltas.setdefault((role_id, slug), {"loops": 0, "total": 0.0, "squares": 0.0})
            delta["loops"] += sign
            delta["total"] += sign * spread
            delta["squares"] += sign * spread * spread
    _apply(SpreadTotal, ("role_id", "dimension_slug"), {key: d for key, d in deltas.items() if any(d.values())})


@transaction.atomic
def _rebuild_chunk(
    loop_ids: list[int], interviewers: dict[tuple[int, int], Figures], dimensions: dict[int, Figures]
) -> None:
    """Store these loops' contributions, and add them to the running totals."""
    found = contributions(loop_ids)
    loop_interviewers: list[LoopInterviewerFigures] = []
    loop_dimensions: list[LoopDimensionFigures] = []
    for loop_id in sorted(found):
        contribution = found[loop_id]
        rows = _loop_rows(loop_id, contribution)
        loop_interviewers += rows[0]
        loop_dimensions += rows[1]
        for pk, figures in contribution.interviewers.items():
            _add(interviewers[(pk, contribution.rubric_id)], figures, 1)
        for pk, figures in contribution.dimensions.items():
            _add(dimensions[pk], figures, 1)
    LoopInterviewerFigures.objects.bulk_create(loop_interviewers, batch_size=1000)
    LoopDimensionFigures.objects.bulk_create(loop_dimensions, batch_size=1000)


def statistics_rebuild(*, intervals: bool = False, progress: Tracker = silent) -> dict[str, int]:
    """Recompute every stored statistic from the scorecards (and spread totals from the stored spreads).

    The bootstrap intervals are recomputed here when `intervals`, else by the worker (one run per role).
    `progress` is told of each chunk of loops done.
    """
    for model in (LoopInterviewerFigures, LoopDimensionFigures, InterviewerFigures, DimensionFigures, SpreadTotal):
        model._default_manager.all().delete()
    interviewers: dict[tuple[int, int], Figures] = defaultdict(dict)
    dimensions: dict[int, Figures] = defaultdict(dict)
    loop_ids = list(Loop.objects.order_by("pk").values_list("pk", flat=True))
    with progress("Statistics", total=len(loop_ids), unit="loops") as advance:
        for start in range(0, len(loop_ids), CHUNK):
            _rebuild_chunk(loop_ids[start : start + CHUNK], interviewers, dimensions)
            advance(len(loop_ids[start : start + CHUNK]))
    InterviewerFigures.objects.bulk_create(
        [
            InterviewerFigures(interviewer_id=pk, rubric_id=rubric, **figures)
            for (pk, rubric), figures in interviewers.items()
        ],
        batch_size=1000,
    )
    DimensionFigures.objects.bulk_create(
        [DimensionFigures(dimension_id=pk, **figures) for pk, figures in dimensions.items()], batch_size=1000
    )
    spreads = (
        DimensionSpread.objects.order_by()
        .values("role_id", "dimension_slug")
        .annotate(loops=Count("pk"), total=Sum("spread"), squares=Sum(F("spread") * F("spread")))
    )
    SpreadTotal.objects.bulk_create([SpreadTotal(**row) for row in spreads])
    loop_flags_rebuild()
    health_columns_rebuild()
    roles = sorted(set(Loop.objects.values_list("rubric__role_id", flat=True)))
    for role_id in roles:
        if intervals:
            agreement_intervals_refresh(role_id=role_id)
        else:
            agreement_intervals_schedule(role_id=role_id)
    return {"loops": len(loop_ids), "interviewer_figures": len(interviewers), "dimension_figures": len(dimensions)}
