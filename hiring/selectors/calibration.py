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

Every selector issues a fixed number of queries and does its arithmetic in one pass over
one query's rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Subquery

from hiring.agreement import bootstrap_interval, t_interval
from hiring.agreement import ordinal_alpha as agreement_alpha
from hiring.models import Decision, Interview, Loop, Rating, Scorecard
from hiring.scoring import normalise

LOW_AGREEMENT = 0.667  # Krippendorff's threshold for tentative conclusions
MIN_ALPHA_LOOPS = 2
MIN_FLAG_LOOPS = 10  # loops needed before a low alpha flags a dimension for rewording (see above)
BUCKETS = (0.0, 0.25, 0.5, 0.75, 1.0)
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

    @property
    def low_agreement(self) -> bool:
        """Flag for rewording: alpha below LOW_AGREEMENT on at least MIN_FLAG_LOOPS loops."""
        return self.alpha is not None and self.alpha < LOW_AGREEMENT and self.loops >= MIN_FLAG_LOOPS

    @property
    def too_few_loops_to_flag(self) -> bool:
        return self.alpha is not None and self.alpha < LOW_AGREEMENT and self.loops < MIN_FLAG_LOOPS


@dataclass(frozen=True)
class CalibrationReport:
    filters: CalibrationFilter
    interviewers: list[InterviewerCalibration]
    agreement: list[DimensionAgreement]


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


# Arithmetic -----------------------------------------------------------------------------------------------


def interval(values: list[float]) -> tuple[float, float] | None:
    """The leniency interval: Student's t, hiring.agreement.t_interval."""
    return t_interval(values)


def bucket(value: float) -> int:
    """Index in BUCKETS of a normalised score: rounded half up to the nearest quarter."""
    return int(value * 4 + 0.5)


def ordinal_alpha(units: Iterable[list[float]]) -> float | None:
    """Krippendorff's alpha (ordinal) over units of two or more values; None below MIN_ALPHA_LOOPS units."""
    units = [values for values in units if len(values) >= 2]
    if len(units) < MIN_ALPHA_LOOPS:
        return None
    return agreement_alpha(units)


def per_interviewer(scores: Iterable[tuple[int, float]]) -> dict[int, float]:
    """One value per interviewer: the mean of their scores (one interviewer's two interviews count once)."""
    values: dict[int, list[float]] = defaultdict(list)
    for interviewer, value in scores:
        values[interviewer].append(value)
    return {interviewer: statistics.fmean(items) for interviewer, items in values.items()}


@dataclass(frozen=True)
class RatingRow:
    """One rating of a submitted scorecard; `value` is normalised, None when not assessed or unscored."""

    loop: int
    dimension: int
    interviewer: int
    value: float | None
    not_assessed: bool


def leniencies(rows: Iterable[RatingRow]) -> dict[int, Leniency]:
    """Leniency per interviewer id, comparing each score with the other interviewers' on its loop and dimension."""
    cells: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for row in rows:
        if row.value is not None:
            cells[(row.loop, row.dimension)].append((row.interviewer, row.value))
    deviations: dict[int, list[float]] = defaultdict(list)
    panel: dict[int, list[float]] = defaultdict(list)
    for cell in cells.values():
        scores = per_interviewer(cell)
        for interviewer, value in scores.items():
            others = [other for who, other in scores.items() if who != interviewer]
            if others:
                deviations[interviewer].append(value - statistics.fmean(others))
                panel[interviewer].append(statistics.fmean(others))
    return {
        interviewer: Leniency(
            mean=statistics.fmean(values),
            interval=interval(values),
            n=len(values),
            panel_mean=statistics.fmean(panel[interviewer]),
        )
        for interviewer, values in deviations.items()
    }


NO_LENIENCY = Leniency(mean=None, interval=None, n=0, panel_mean=None)


# Queries --------------------------------------------------------------------------------------------------


def calibration_loops(*, filters: CalibrationFilter) -> QuerySet[Loop]:
    loops = Loop.objects.all()
    if filters.role:
        loops = loops.filter(rubric__role__slug=filters.role)
    if filters.since:
        loops = loops.filter(created_at__date__gte=filters.since)
    if filters.until:
        loops = loops.filter(created_at__date__lte=filters.until)
    return loops


def _rating_values(ratings: QuerySet[Rating]) -> QuerySet:
    return (
        ratings.filter(scorecard__status=Scorecard.Status.SUBMITTED)
        .order_by(
            "scorecard__interview__loop__rubric__role__slug",
            "scorecard__interview__loop_id",
            "dimension__position",
            "scorecard__interview__scheduled_at",
            "scorecard_id",
        )
        .values(
            "score",
            "not_assessed",
            "dimension_id",
            loop=F("scorecard__interview__loop_id"),
            interviewer=F("scorecard__interview__interviewer_id"),
            scale_min=F("scorecard__interview__loop__rubric__scale_min"),
            scale_max=F("scorecard__interview__loop__rubric__scale_max"),
            rubric_number=F("scorecard__interview__loop__rubric__number"),
            role=F("scorecard__interview__loop__rubric__role__slug"),
            role_title=F("scorecard__interview__loop__rubric__title"),
            dimension_slug=F("dimension__slug"),
            dimension_name=F("dimension__name"),
            dimension_position=F("dimension__position"),
        )
    )


def _rating_row(values: dict) -> RatingRow:
    scored = values["score"] is not None and not values["not_assessed"]
    return RatingRow(
        loop=values["loop"],
        dimension=values["dimension_id"],
        interviewer=values["interviewer"],
        value=normalise(values["score"], scale_min=values["scale_min"], scale_max=values["scale_max"])
        if scored
        else None,
        not_assessed=values["not_assessed"],
    )


def _scorecard_figures(loops: QuerySet[Loop]) -> QuerySet:
    """Per interviewer: submitted scorecards, how many on time, and decision matches, counted in the database."""
    due = dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
    outcome = "interview__loop__decision__outcome"
    matched = Q(recommendation__in=YES, **{outcome: Decision.Outcome.HIRE}) | Q(
        recommendation__in=NO, **{outcome: Decision.Outcome.NO_HIRE}
    )
    return (
        Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED, interview__loop__in=loops)
        .order_by()
        .values(
            user_id=F("interview__interviewer_id"),
            username=F("interview__interviewer__username"),
            first_name=F("interview__interviewer__first_name"),
            last_name=F("interview__interviewer__last_name"),
        )
        .annotate(
            scorecards=Count("pk"),
            on_time=Count("pk", filter=Q(submitted_at__lte=F("interview__scheduled_at") + due)),
            decided=Count("pk", filter=Q(**{f"{outcome}__in": [Decision.Outcome.HIRE, Decision.Outcome.NO_HIRE]})),
            matched=Count("pk", filter=matched),
        )
        .order_by("username")
    )


@dataclass
class _Tally:
    """One interviewer's ratings, counted in the single pass of calibration_report."""

    scores: list[float] = field(default_factory=list)
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    not_assessed: int = 0

    def add(self, row: RatingRow) -> None:
        if row.not_assessed:
            self.not_assessed += 1
        elif row.value is not None:
            self.scores.append(row.value)
            self.buckets[bucket(row.value)] += 1


@dataclass
class _Dimension:
    """One role dimension's scores per loop, named (role and dimension) after its newest rubric version."""

    role_title: str
    name: str
    position: int
    rubric_number: int
    per_loop: dict[int, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, values: dict, row: RatingRow) -> None:
        if values["rubric_number"] > self.rubric_number:
            self.role_title = values["role_title"]
            self.name, self.position = values["dimension_name"], values["dimension_position"]
            self.rubric_number = values["rubric_number"]
        if row.value is not None:
            self.per_loop[row.loop].append((row.interviewer, row.value))

    def units(self) -> list[list[float]]:
        """One unit per loop scored by two or more distinct interviewers, one value per interviewer."""
        units = [list(per_interviewer(scores).values()) for scores in self.per_loop.values()]
        return [unit for unit in units if len(unit) >= 2]


def calibration_report(*, filters: CalibrationFilter) -> CalibrationReport:
    """Every interviewer's figures and every role dimension's agreement, in two queries."""
    loops = calibration_loops(filters=filters)
    rows: list[RatingRow] = []
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    dimensions: dict[tuple[str, str], _Dimension] = {}
    for values in _rating_values(Rating.objects.filter(scorecard__interview__loop__in=loops)):
        row = _rating_row(values)
        rows.append(row)
        tallies[row.interviewer].add(row)
        key = (values["role"], values["dimension_slug"])
        dimensions.setdefault(
            key,
            _Dimension(
                values["role_title"], values["dimension_name"], values["dimension_position"], values["rubric_number"]
            ),
        ).add(values, row)
    by_interviewer = leniencies(rows)
    interviewers = [
        _interviewer(figures, tallies[figures["user_id"]], by_interviewer.get(figures["user_id"], NO_LENIENCY))
        for figures in _scorecard_figures(loops)
    ]
    agreement = [
        _agreement(role, slug, dimension)
        for (role, slug), dimension in sorted(
            dimensions.items(), key=lambda item: (item[1].role_title, item[1].position, item[0][1])
        )
    ]
    return CalibrationReport(filters=filters, interviewers=interviewers, agreement=agreement)


def _agreement(role: str, slug: str, dimension: _Dimension) -> DimensionAgreement:
    units = dimension.units()
    alpha = ordinal_alpha(units)
    return DimensionAgreement(
        role=role,
        role_title=dimension.role_title,
        dimension=slug,
        dimension_name=dimension.name,
        alpha=alpha,
        loops=len(units),
        interval=bootstrap_interval(units) if alpha is not None else None,
    )


def _interviewer(figures: dict, tally: _Tally, leniency: Leniency) -> InterviewerCalibration:
    return InterviewerCalibration(
        user_id=figures["user_id"],
        username=figures["username"],
        name=f"{figures['first_name']} {figures['last_name']}".strip() or figures["username"],
        scorecards=figures["scorecards"],
        mean=statistics.fmean(tally.scores) if tally.scores else None,
        leniency=leniency,
        distribution=tuple(tally.buckets),
        not_assessed=tally.not_assessed,
        ratings=len(tally.scores) + tally.not_assessed,
        on_time=figures["on_time"],
        decision_match=figures["matched"],
        decision_match_n=figures["decided"],
    )


def leniency_elsewhere(*, interviewer_ids: list[int], loop: Loop) -> dict[int, Leniency]:
    """Each interviewer's leniency measured on their other loops (all roles), in one query.

    The loop itself is left out so that its own scores do not adjust themselves.
    """
    their_loops = (
        Interview.objects.filter(interviewer_id__in=interviewer_ids, scorecard__status=Scorecard.Status.SUBMITTED)
        .exclude(loop_id=loop.pk)
        .values("loop_id")
    )
    ratings = Rating.objects.filter(scorecard__interview__loop_id__in=Subquery(their_loops))
    found = leniencies(_rating_row(values) for values in _rating_values(ratings))
    return {pk: found.get(pk, NO_LENIENCY) for pk in interviewer_ids}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_as_dict(report: CalibrationReport) -> dict:
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
            }
            for row in report.interviewers
        ],
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
    }
