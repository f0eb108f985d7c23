"""Interviewer calibration and panel agreement: how each interviewer scores against their panels.

The rules are defined here and nowhere else:

- Only submitted scorecards count; "not assessed" is never a score. Scores are compared on
  the normalised scale of hiring.scoring.normalise: 0 is the bottom of the role's scale, 1 the top.
- One interviewer counts once per loop and dimension: when they scored it in two interviews
  of the loop, their scores there are averaged first (for agreement and for leniency alike).
- Leniency of an interviewer is the mean, over the (loop, dimension) cells they scored, of
  (their normalised score - the mean normalised score of the other interviewers on that
  cell), counting only cells someone else also scored. Positive is lenient, negative is
  harsh. Its 95% interval uses Student's t: mean ± t(0.975, n−1)·sd/√n (none with n < 2),
  hiring.agreement.t_interval.
- The rating distribution counts scores per normalised bucket: the normalised score rounded
  to the nearest quarter (on 1–5 and 0–4 scales each bucket is exactly one level).
- On time: submitted no later than the interview's time + settings.SCORECARD_DUE_HOURS.
- Decision match: yes/strong yes matches hire, no/strong no matches no hire; loops decided
  'hold' (or undecided) are left out, and the count it rests on is reported with it.
- Overrides: of each loop's current decision, hire or no hire, taken when the rubric version's decision rule
  (hiring.decision_rule) had an outcome, the share that went against it, per hiring manager (who recorded it)
  and per role, with its direction: "up" (the rule said no hire, hired), "down" (the rule said hire, not hired).
- Agreement is Krippendorff's alpha (ordinal) per role and dimension (by slug, across the
  role's rubric versions, on normalised scores). Units are (loop, dimension) pairs scored by
  at least two distinct interviewers; each interviewer gives one value per unit. Alpha is
  undefined with fewer than MIN_ALPHA_LOOPS such loops or without variation, and is shown
  with its number of loops and a bootstrap 95% interval (hiring.agreement: loops resampled,
  fixed seed, a bounded number of resamples).
- A dimension is flagged as a candidate for rewording only when alpha is below
  LOW_AGREEMENT (0.667, Krippendorff's floor for tentative conclusions) on at least
  MIN_FLAG_LOOPS (10) loops. Why ten: with a handful of loops one loop moves alpha by a
  large amount and its bootstrap interval spans most of the range, so a low value says
  little about the rubric's wording; ten loops of two or more interviewers give at least
  twenty pairable scores, the least at which a low alpha is worth a look.

- Conformity: of the score changes in amendments made after seeing colleagues' scorecards, the share that
  moved toward the colleagues' mean, per interviewer and per role (hiring.conformity).

- Validity against later performance (hires' outcomes): hiring.selectors.validity, where its rules are written.

- How many independent ratings a dimension needs for the panel's reliability target: Spearman–Brown on
  its alpha, with the range from alpha's interval, none below MIN_PANEL_LOOPS loops (hiring.reliability).

The figures are kept in step as scorecards are written (hiring.services.statistics, in the
transaction of the write); every selector here reads them in a fixed number of queries, and
without a date filter in O(interviewers + dimensions) whatever the history. The bootstrap
interval of alpha is recomputed by the worker (hiring.tasks.agreement_intervals) and shown with
its age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from hiring.agreement import alpha_from_coincidences, bootstrap_interval, t_interval_from_sums
from hiring.agreement import ordinal_alpha as agreement_alpha
from hiring.conformity import share
from hiring.decision_rule import DOWN, HIRE, NO_HIRE, OVERRIDE_DIRECTIONS, UP
from hiring.models import (
    INTERVIEWER_FIGURES,
    AgreementInterval,
    DimensionFigures,
    InterviewerFigures,
    Loop,
    LoopDimensionFigures,
    LoopInterviewerFigures,
)
from hiring.reliability import PanelSize, panel_size
from hiring.selectors.validity import Validity, validity_report

LOW_AGREEMENT = 0.667  # Krippendorff's threshold for tentative conclusions
MIN_ALPHA_LOOPS = 2
MIN_FLAG_LOOPS = 10  # loops needed before a low alpha flags a dimension for rewording (see above)
BUCKETS = (0.0, 0.25, 0.5, 0.75, 1.0)
INTERVIEWERS_PER_PAGE = 50
YES = ("yes", "strong_yes")
NO = ("no", "strong_no")


@dataclass(frozen=True)
class CalibrationFilter:
    role: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Leniency:
    mean: float | None
    interval: tuple[float, float] | None
    n: int
    panel_mean: float | None


@dataclass(frozen=True)
class Conformity:
    """The moves of amendments made after seeing colleagues' scorecards, and those toward the panel
    (hiring.conformity)."""

    moves: int = 0
    toward: int = 0

    @property
    def pct(self) -> float | None:
        return _pct(share(moves=self.moves, toward=self.toward))


@dataclass(frozen=True)
class RoleConformity:
    role: str
    role_title: str
    conformity: Conformity


@dataclass(frozen=True)
class InterviewerCalibration:
    user_id: int
    username: str
    name: str
    scorecards: int
    mean: float | None
    leniency: Leniency
    distribution: tuple[int, ...]
    not_assessed: int
    ratings: int
    on_time: int
    decision_match: int
    decision_match_n: int
    conformity: Conformity

    @property
    def not_assessed_share(self) -> float | None:
        return self.not_assessed / self.ratings if self.ratings else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.scorecards if self.scorecards else None

    @property
    def decision_match_rate(self) -> float | None:
        return self.decision_match / self.decision_match_n if self.decision_match_n else None

    @property
    def not_assessed_pct(self) -> float | None:
        return _pct(self.not_assessed_share)

    @property
    def on_time_pct(self) -> float | None:
        return _pct(self.on_time_rate)

    @property
    def decision_match_pct(self) -> float | None:
        return _pct(self.decision_match_rate)


@dataclass(frozen=True)
class DimensionAgreement:
    role: str
    role_title: str
    dimension: str
    dimension_name: str
    alpha: float | None
    loops: int
    interval: tuple[float, float] | None = None
    interval_as_of: dt.datetime | None = None  # when the stored interval was computed; None: computed now
    interval_loops: int = 0  # the loops it was computed on (fewer than `loops` while the worker catches up)

    @property
    def interval_is_stale(self) -> bool:
        return self.interval_as_of is not None and self.interval_loops != self.loops

    @property
    def low_agreement(self) -> bool:
        """Flag for rewording: alpha below LOW_AGREEMENT on at least MIN_FLAG_LOOPS loops."""
        return self.alpha is not None and self.alpha < LOW_AGREEMENT and self.loops >= MIN_FLAG_LOOPS

    @property
    def too_few_loops_to_flag(self) -> bool:
        return self.alpha is not None and self.alpha < LOW_AGREEMENT and self.loops < MIN_FLAG_LOOPS

    @property
    def panel(self) -> PanelSize:
        """The independent ratings this dimension needs for settings.PANEL_RELIABILITY_TARGET (hiring.reliability)."""
        return panel_size(
            alpha=self.alpha, interval=self.interval, loops=self.loops, target=settings.PANEL_RELIABILITY_TARGET
        )


@dataclass
class OverrideRate:
    """Of a hiring manager's or a role's current decisions taken when the decision rule had an outcome (hire or no
    hire; hold left out), how many went against it: `up` hired where the rule said no hire, `down` the reverse."""

    name: str
    decided: int = 0
    up: int = 0
    down: int = 0

    @property
    def overridden(self) -> int:
        return self.up + self.down

    @property
    def rate(self) -> float | None:
        return self.overridden / self.decided if self.decided else None

    @property
    def pct(self) -> float | None:
        return _pct(self.rate)


@dataclass(frozen=True)
class Overrides:
    by_manager: list[OverrideRate]
    by_role: list[OverrideRate]


@dataclass(frozen=True)
class CalibrationReport:
    """The figures of `calibration_report`: `interviewers` is one page of them when a page was asked for."""

    filters: CalibrationFilter
    interviewers: list[InterviewerCalibration]
    agreement: list[DimensionAgreement]
    interviewer_page: Page[Any] | None = None
    conformity: list[RoleConformity] = field(default_factory=list)
    validity: list[Validity] = field(default_factory=list)
    overrides: Overrides = field(default_factory=lambda: Overrides([], []))


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


# Arithmetic -----------------------------------------------------------------------------------------------


def bucket(value: float) -> int:
    """Index in BUCKETS of a normalised score: rounded half up to the nearest quarter."""
    return int(value * 4 + 0.5)


def ordinal_alpha(units: Iterable[list[float]]) -> float | None:
    """Krippendorff's alpha (ordinal) over units of two or more values; None below MIN_ALPHA_LOOPS units."""
    units = [values for values in units if len(values) >= 2]
    if len(units) < MIN_ALPHA_LOOPS:
        return None
    return agreement_alpha(units)


def leniency_from_sums(*, n: int, total: float, squares: float, panel: float) -> Leniency:
    """Leniency from its running sums: n cells, sum and sum of squares of the deviations, sum of the panel means."""
    if n == 0:
        return NO_LENIENCY
    return Leniency(
        mean=total / n,
        interval=t_interval_from_sums(n=n, total=total, squares=squares),
        n=n,
        panel_mean=panel / n,
    )


NO_LENIENCY = Leniency(mean=None, interval=None, n=0, panel_mean=None)


# Queries: the stored figures of hiring.services.statistics ---------------------------------------------------
#
# Without a date filter the page reads the totals (InterviewerFigures, DimensionFigures,
# AgreementInterval): rows bounded by interviewers and dimensions, whatever the history. With a
# date filter it sums the per-loop figures of the loops in the window (in the database for the
# interviewers; in Python for agreement, with the interval computed on the window's units).


def calibration_loops(*, filters: CalibrationFilter) -> QuerySet[Loop]:
    loops = Loop.objects.all()
    if filters.role:
        loops = loops.filter(rubric__role__slug=filters.role)
    if filters.since:
        loops = loops.filter(created_at__date__gte=filters.since)
    if filters.until:
        loops = loops.filter(created_at__date__lte=filters.until)
    return loops


def _dated(filters: CalibrationFilter) -> bool:
    return filters.since is not None or filters.until is not None


def _figure_rows(*, filters: CalibrationFilter) -> QuerySet[Any]:
    """The stored interviewer figures the filters select: the totals, or the contributions of the window's loops."""
    rows: QuerySet[Any]
    if _dated(filters):
        rows = LoopInterviewerFigures.objects.filter(loop__in=calibration_loops(filters=filters))
    else:
        rows = InterviewerFigures.objects.all()
        if filters.role:
            rows = rows.filter(rubric__role__slug=filters.role)
    return rows


def _interviewer_figures(*, filters: CalibrationFilter) -> QuerySet[Any, Any]:
    """Per interviewer with a submitted scorecard, by username: the sums of their stored figures, one grouped query."""
    grouped: QuerySet[Any, Any] = (
        _figure_rows(filters=filters)
        .order_by()
        .values(
            user_id=F("interviewer_id"),
            username=F("interviewer__username"),
            first_name=F("interviewer__first_name"),
            last_name=F("interviewer__last_name"),
        )
        .annotate(**{name: Sum(name) for name in INTERVIEWER_FIGURES})
        .filter(scorecards__gt=0)
        .order_by("username")
    )
    return grouped


def _interviewer(figures: dict[str, Any]) -> InterviewerCalibration:
    return InterviewerCalibration(
        user_id=figures["user_id"],
        username=figures["username"],
        name=f"{figures['first_name']} {figures['last_name']}".strip() or figures["username"],
        scorecards=figures["scorecards"],
        mean=figures["score_sum"] / figures["scored"] if figures["scored"] else None,
        leniency=leniency_from_sums(
            n=figures["compared"],
            total=figures["deviation_sum"],
            squares=figures["deviation_squares"],
            panel=figures["panel_sum"],
        ),
        distribution=tuple(figures[f"bucket_{index}"] for index in range(len(BUCKETS))),
        not_assessed=figures["not_assessed"],
        ratings=figures["scored"] + figures["not_assessed"],
        on_time=figures["on_time"],
        decision_match=figures["matched"],
        decision_match_n=figures["decided"],
        conformity=Conformity(moves=figures["conformity_moves"], toward=figures["conformity_toward"]),
    )


def role_conformity(*, filters: CalibrationFilter) -> list[RoleConformity]:
    """Per role with a move after viewing, by title: the moves and those toward the panel, in one query (grouped
    by rubric version, named after the newest)."""
    rows = (
        _figure_rows(filters=filters)
        .order_by()
        .values(role=F("rubric__role__slug"), title=F("rubric__title"), number=F("rubric__number"))
        .annotate(moves=Sum("conformity_moves"), toward=Sum("conformity_toward"))
        .filter(moves__gt=0)
    )
    roles: dict[str, tuple[int, str, int, int]] = {}
    for row in rows:
        number, title, moves, toward = roles.get(row["role"], (0, "", 0, 0))
        if row["number"] > number:
            number, title = row["number"], row["title"]
        roles[row["role"]] = (number, title, moves + row["moves"], toward + row["toward"])
    return sorted(
        (
            RoleConformity(role=slug, role_title=title, conformity=Conformity(moves=moves, toward=toward))
            for slug, (_, title, moves, toward) in roles.items()
        ),
        key=lambda item: (item.role_title, item.role),
    )


@dataclass
class _Dimension:
    """One role dimension across its rubric versions, named after the newest version with a submitted rating."""

    role_title: str = ""
    name: str = ""
    position: int = 0
    rubric_number: int = 0
    units: int = 0
    coincidences: dict[str, int] = field(default_factory=dict)
    values: list[tuple[int, list[float]]] = field(default_factory=list)  # (loop, unit): with a date filter only
    interval: tuple[float, float] | None = None
    interval_as_of: dt.datetime | None = None
    interval_units: int = 0

    def add(self, row: dict[str, Any]) -> None:
        if row["rubric_number"] > self.rubric_number:
            self.role_title, self.name = row["role_title"], row["dimension_name"]
            self.position, self.rubric_number = row["dimension_position"], row["rubric_number"]
        self.units += row["units"]
        for key, pairs in row["coincidences"].items():
            self.coincidences[key] = self.coincidences.get(key, 0) + pairs


_DIMENSION_VALUES = {
    "role": F("dimension__rubric__role__slug"),
    "slug": F("dimension__slug"),
    "role_title": F("dimension__rubric__title"),
    "dimension_name": F("dimension__name"),
    "dimension_position": F("dimension__position"),
    "rubric_number": F("dimension__rubric__number"),
}


def _dimension_rows(*, filters: CalibrationFilter) -> list[dict[str, Any]]:
    """The stored per-dimension figures (one query): totals with their stored interval, or the window's loops."""
    if _dated(filters):
        window = (
            LoopDimensionFigures.objects.filter(loop__in=calibration_loops(filters=filters), ratings__gt=0)
            .order_by("loop_id")
            .values("loop_id", "units", "coincidences", "values", **_DIMENSION_VALUES)
        )
        return [dict(row) for row in window]
    rows = DimensionFigures.objects.filter(ratings__gt=0)
    if filters.role:
        rows = rows.filter(dimension__rubric__role__slug=filters.role)
    stored = AgreementInterval.objects.filter(
        role_id=OuterRef("dimension__rubric__role_id"), dimension_slug=OuterRef("dimension__slug")
    )
    totals = rows.order_by().values(
        "units",
        "coincidences",
        interval_low=Subquery(stored.values("low")[:1]),
        interval_high=Subquery(stored.values("high")[:1]),
        interval_as_of=Subquery(stored.values("computed_at")[:1]),
        interval_units=Subquery(stored.values("units")[:1]),
        **_DIMENSION_VALUES,
    )
    return [dict(row) for row in totals]


def _dimensions(*, filters: CalibrationFilter) -> dict[tuple[str, str], _Dimension]:
    dimensions: dict[tuple[str, str], _Dimension] = {}
    for row in _dimension_rows(filters=filters):
        dimension = dimensions.setdefault((row["role"], row["slug"]), _Dimension())
        dimension.add(row)
        if "loop_id" in row:
            if row["units"]:
                dimension.values.append((row["loop_id"], row["values"]))
        elif row["interval_as_of"] is not None:
            dimension.interval_as_of, dimension.interval_units = row["interval_as_of"], row["interval_units"]
            if row["interval_low"] is not None:
                dimension.interval = (row["interval_low"], row["interval_high"])
    return dimensions


def _agreement(role: str, slug: str, dimension: _Dimension, *, dated: bool) -> DimensionAgreement:
    alpha = alpha_from_coincidences(dimension.coincidences) if dimension.units >= MIN_ALPHA_LOOPS else None
    if dated:
        units = [values for _, values in sorted(dimension.values, key=lambda item: item[0])]
        interval, as_of = (bootstrap_interval(units) if alpha is not None else None), None
    else:
        interval, as_of = (dimension.interval if alpha is not None else None), dimension.interval_as_of
    return DimensionAgreement(
        role=role,
        role_title=dimension.role_title,
        dimension=slug,
        dimension_name=dimension.name,
        alpha=alpha,
        loops=dimension.units,
        interval=interval,
        interval_as_of=as_of,
        interval_loops=dimension.interval_units if as_of else dimension.units,
    )


class _CountedPaginator(Paginator[Any]):
    """A paginator told its count (by the page's own query) instead of asking the database for it."""

    def __init__(self, object_list: QuerySet[Any, Any], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _interviewer_page(grouped: QuerySet[Any, Any], page: str | int) -> Page[Any]:
    """One page of the grouped interviewer figures, their number read by the same query (a window over the groups)
    rather than by a COUNT of its own. A page number past the end or below 1 (an old link) is left to the paginator,
    which counts and answers the last page; one that is not a number is the first, as Paginator.get_page does."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        start = (number - 1) * INTERVIEWERS_PER_PAGE
        rows = list(grouped.annotate(counted=Window(Count("*")))[start : start + INTERVIEWERS_PER_PAGE])
        if rows or number == 1:
            paginator = _CountedPaginator(grouped, INTERVIEWERS_PER_PAGE, count=rows[0]["counted"] if rows else 0)
            return Page(rows, number, paginator)
    return Paginator(grouped, INTERVIEWERS_PER_PAGE).get_page(number)


def calibration_report(*, filters: CalibrationFilter, page: str | int | None = None) -> CalibrationReport:
    """Every interviewer's figures and every role dimension's agreement, from the stored figures in two queries;
    each dimension's validity against hires' later outcomes (hiring.selectors.validity) in two more.

    With `page` (the calibration page), the interviewers are one page of INTERVIEWERS_PER_PAGE, by
    username, counted by the same query: what a person reads stays bounded as the pool grows.
    """
    grouped = _interviewer_figures(filters=filters)
    paged = None if page is None else _interviewer_page(grouped, page)
    interviewers = [_interviewer(figures) for figures in (grouped if paged is None else paged.object_list)]
    dimensions = _dimensions(filters=filters)
    agreement = [
        _agreement(role, slug, dimension, dated=_dated(filters))
        for (role, slug), dimension in sorted(
            dimensions.items(), key=lambda item: (item[1].role_title, item[1].position, item[0][1])
        )
    ]
    return CalibrationReport(
        filters=filters,
        interviewers=interviewers,
        agreement=agreement,
        interviewer_page=paged,
        conformity=role_conformity(filters=filters),
        validity=validity_report(loops=calibration_loops(filters=filters)),
        overrides=override_rates(filters=filters),
    )


def _outcome_going(direction: str) -> str:
    """The decision outcome whose overrides go in `direction` (hiring.decision_rule.OVERRIDE_DIRECTIONS)."""
    return next(outcome for outcome, going in OVERRIDE_DIRECTIONS.items() if going == direction)


def override_rates(*, filters: CalibrationFilter) -> Overrides:
    """Override counts per hiring manager (who recorded the decision) and per role, over the loops' current decisions
    that the rule had an outcome for: one grouped query."""
    rows = (
        calibration_loops(filters=filters)
        .filter(decision__rule_outcome__in=[HIRE, NO_HIRE], decision__outcome__in=[HIRE, NO_HIRE])
        .values(
            "decision__by__username",
            "decision__by__first_name",
            "decision__by__last_name",
            "rubric__role__slug",
            "rubric__title",
            "rubric__number",
        )
        .annotate(
            decided=Count("pk"),
            up=Count("pk", filter=Q(decision__overridden=True, decision__outcome=_outcome_going(UP))),
            down=Count("pk", filter=Q(decision__overridden=True, decision__outcome=_outcome_going(DOWN))),
        )
        .order_by()
    )
    managers: dict[str, OverrideRate] = {}
    roles: dict[str, OverrideRate] = {}
    newest: dict[str, int] = {}  # each role is named after its newest version among the rows
    for row in rows:
        full = f"{row['decision__by__first_name']} {row['decision__by__last_name']}".strip()
        role = roles.setdefault(row["rubric__role__slug"], OverrideRate(row["rubric__title"]))
        if row["rubric__number"] > newest.get(row["rubric__role__slug"], 0):
            newest[row["rubric__role__slug"]], role.name = row["rubric__number"], row["rubric__title"]
        for rate in (
            managers.setdefault(row["decision__by__username"], OverrideRate(full or row["decision__by__username"])),
            role,
        ):
            rate.decided += row["decided"]
            rate.up += row["up"]
            rate.down += row["down"]
    return Overrides(
        by_manager=[managers[key] for key in sorted(managers)],
        by_role=sorted(roles.values(), key=lambda rate: rate.name),
    )


def panel_sizes(*, role_slug: str) -> dict[str, PanelSize]:
    """Each of the role's dimensions (by slug) with the independent ratings it needs (one query): the plan page
    sets them beside the interviews planned to assess it."""
    return {
        slug: _agreement(role, slug, dimension, dated=False).panel
        for (role, slug), dimension in _dimensions(filters=CalibrationFilter(role=role_slug)).items()
    }


LENIENCY_SUMS = ("compared", "deviation_sum", "deviation_squares", "panel_sum")  # what leniency is computed from


def _sum_elsewhere(name: str, *, loop_id: int, interviewer: str) -> Expression:
    """One of an interviewer's leniency sums over their other loops: their stored total (all roles) less this
    loop's own contribution (none when they have no figures on it)."""
    kind: Field[Any, Any] = FloatField() if name != "compared" else IntegerField()
    total = (
        InterviewerFigures.objects.filter(interviewer_id=OuterRef(interviewer))
        .order_by()
        .values("interviewer_id")
        .annotate(total=Sum(name))
        .values("total")
    )
    own = LoopInterviewerFigures.objects.filter(loop_id=loop_id, interviewer_id=OuterRef(interviewer)).values(name)
    return ExpressionWrapper(
        Coalesce(Subquery(total, output_field=kind), Value(0), output_field=kind)
        - Coalesce(Subquery(own[:1], output_field=kind), Value(0), output_field=kind),
        output_field=kind,
    )


def leniency_elsewhere_sums(*, loop: Loop, interviewer: str) -> dict[str, Expression]:
    """Annotations that give each row of a query (one interviewer a row, `interviewer` naming their id: the
    debrief's panel reads them with its interviews) the sums their leniency on their other loops is computed from,
    so that this loop's scores do not adjust themselves; `leniency_elsewhere_of` reads them."""
    return {
        f"elsewhere_{name}": _sum_elsewhere(name, loop_id=loop.pk, interviewer=interviewer) for name in LENIENCY_SUMS
    }


def leniency_elsewhere_of(row: object) -> Leniency:
    """The leniency of a row annotated with `leniency_elsewhere_sums` (a model instance or a values() dict)."""
    sums = row if isinstance(row, dict) else vars(row)
    if sums["elsewhere_compared"] < 1:
        return NO_LENIENCY
    return leniency_from_sums(
        n=sums["elsewhere_compared"],
        total=sums["elsewhere_deviation_sum"],
        squares=sums["elsewhere_deviation_squares"],
        panel=sums["elsewhere_panel_sum"],
    )


def leniency_elsewhere(*, interviewer_ids: list[int], loop: Loop) -> dict[int, Leniency]:
    """Each interviewer's leniency measured on their other loops (all roles), in one query."""
    rows = (
        User.objects.filter(pk__in=interviewer_ids)
        .values("pk")
        .annotate(**leniency_elsewhere_sums(loop=loop, interviewer="pk"))
    )
    found = {row["pk"]: leniency_elsewhere_of(row) for row in rows}
    return {pk: found.get(pk, NO_LENIENCY) for pk in interviewer_ids}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_as_dict(report: CalibrationReport) -> dict[str, Any]:
    """The report as plain JSON-ready data: what `calibration_report --json` prints."""
    return {
        "filters": {
            "role": report.filters.role or None,
            "since": report.filters.since.isoformat() if report.filters.since else None,
            "until": report.filters.until.isoformat() if report.filters.until else None,
        },
        "interviewers": [
            {
                "username": row.username,
                "scorecards": row.scorecards,
                "mean": _rounded(row.mean),
                "panel_mean": _rounded(row.leniency.panel_mean),
                "leniency": _rounded(row.leniency.mean),
                "leniency_ci": [_rounded(end) for end in row.leniency.interval] if row.leniency.interval else None,
                "leniency_n": row.leniency.n,
                "distribution": dict(zip([str(b) for b in BUCKETS], row.distribution, strict=True)),
                "not_assessed_share": _rounded(row.not_assessed_share),
                "on_time_rate": _rounded(row.on_time_rate),
                "decision_match_rate": _rounded(row.decision_match_rate),
                "decision_match_n": row.decision_match_n,
                "conformity_moves": row.conformity.moves,
                "conformity_toward": row.conformity.toward,
            }
            for row in report.interviewers
        ],
        "overrides": {
            key: [
                {"name": r.name, "decided": r.decided, "overridden": r.overridden, "up": r.up, "down": r.down}
                for r in rates
            ]
            for key, rates in (("by_manager", report.overrides.by_manager), ("by_role", report.overrides.by_role))
        },
        "agreement": [
            {
                "role": item.role,
                "dimension": item.dimension,
                "dimension_name": item.dimension_name,
                "alpha": _rounded(item.alpha),
                "alpha_ci": [_rounded(end) for end in item.interval] if item.interval else None,
                "loops": item.loops,
                "low_agreement": item.low_agreement,
            }
            for item in report.agreement
        ],
        "conformity": [
            {"role": item.role, "moves": item.conformity.moves, "toward": item.conformity.toward}
            for item in report.conformity
        ],
        "validity": [
            {
                "role": item.role,
                "dimension": item.dimension or None,  # None: the loop's normalised mean
                "dimension_name": item.dimension_name,
                "hires": item.hires,
                "r": _rounded(item.r),
                "r_ci": [_rounded(end) for end in item.interval] if item.interval else None,
                "enough_hires": not item.too_few,
            }
            for item in report.validity
        ],
    }
