"""Debrief aggregation: a loop's submitted scorecards summarised per dimension, signal and recommendation.

The rules the debrief applies are defined here and nowhere else:

- Only submitted scorecards count. "Not assessed" is never a score: it is left out of
  every count, mean, median and spread.
- Scores are compared across roles on the normalised scale of hiring.scoring: (score - min) / (max - min),
  so 0 is the bottom of the role's scale and 1 the top, whether the role scores 1–5 or 0–4.
- A dimension is classified, in this order:
    uncovered  nobody rated it;
    split      the panel's spread (highest - lowest score) is half the scale or more;
    strong     normalised mean >= STRONG_AT (0.75: 4 of 1–5, 3 of 0–4);
    weak       normalised mean <  WEAK_BELOW (0.5: under 3 of 1–5, under 2 of 0–4);
    meets      anything else (around the bar).
- The rule's outcome (never the decision) is the rubric version's decision rule applied to these figures
  (hiring.decision_rule: one rule, shown before the discussion).
- The agenda offers an order for the discussion: red flags, then dimensions whose scores differ (widest
  normalised spread first), then the rest; while scorecards are pending it asks for them first (`agenda`).
- A dimension shows an unusual disagreement when this loop's normalised spread
  ((highest - lowest) / span) exceeds the dimension's usual spread by more than
  UNUSUAL_MARGIN. The usual spread is the mean normalised spread over the role's other
  complete or decided loops where two or more interviewers scored that dimension (matched
  by slug across rubric versions); with fewer than UNUSUAL_MIN_LOOPS such loops there is
  nothing to compare with and nothing is marked.
- The leniency-adjusted view (Debrief.adjusted, computed only when asked for) shifts each
  interviewer's scores by minus their leniency (hiring.calibration) measured on their other
  loops, in raw points (leniency x span). It is shown beside the raw scores, never instead.

The module issues a fixed number of queries whatever the size of the panel or rubric (the adjusted
view's leniencies come with the panel's interviews: no query more), and does its arithmetic in one
pass over one query's rows.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery, Value

from hiring.decision_rule import RuleResult, rule_evaluate, rule_of
from hiring.models import (
    Decision,
    DimensionSpread,
    Interview,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
    SpreadTotal,
)
from hiring.scoring import counted_score, loop_normalised_mean, normalise
from hiring.selectors.calibration import leniency_elsewhere_of, leniency_elsewhere_sums
from hiring.selectors.decisions import DecisionState, decision_state
from hiring.selectors.scorecards import seen_by
from roles.models import SIGNAL_GROUP_TITLES, SIGNAL_KINDS_RED_FLAGS_FIRST, Dimension, RubricVersion, Signal, SignalKind
from roles.selectors import LevelRow, dimension_levels, rubric_content


class _Seen(TypedDict):
    seen: bool  # by the viewer loop_debrief was asked for, before this request


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    type PanelInterview = WithAnnotations[Interview, _Seen]  # an interview of the panel, as ``_panel`` reads it

STRONG_AT = 0.75
WEAK_BELOW = 0.5
SPLIT_SPREAD = 0.5  # of the scale's span
UNUSUAL_MARGIN = 0.25  # of the scale's span, above the dimension's usual spread
UNUSUAL_MIN_LOOPS = 5  # other loops needed before a spread can be called unusual

CLASSIFICATIONS = {
    "strong": "Strong",
    "meets": "At the bar",
    "weak": "Weak",
    "split": "Split",
    "uncovered": "Uncovered",
}


@dataclass(frozen=True)
class DimensionStats:
    count: int
    mean: float | None
    median: float | None
    low: int | None
    high: int | None
    normalised: float | None
    classification: str

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low


def dimension_stats(scores: list[int], *, scale_min: int, scale_max: int) -> DimensionStats:
    """Statistics and classification for one dimension's scores (not-assessed already left out)."""
    if not scores:
        return DimensionStats(0, None, None, None, None, None, "uncovered")
    mean = statistics.fmean(scores)
    low, high = min(scores), max(scores)
    normalised = normalise(mean, scale_min=scale_min, scale_max=scale_max)
    if high - low >= SPLIT_SPREAD * (scale_max - scale_min):
        classification = "split"
    elif normalised >= STRONG_AT:
        classification = "strong"
    elif normalised < WEAK_BELOW:
        classification = "weak"
    else:
        classification = "meets"
    return DimensionStats(len(scores), mean, statistics.median(scores), low, high, normalised, classification)


@dataclass(frozen=True)
class Cell:
    dimension: Dimension
    rating: Rating | None
    normalised: float | None = None  # the rating's score on the normalised scale; None when it has none
    level: LevelRow | None = None  # the scored level: its label and the anchor covering it (a band's), if written

    @property
    def anchor_id(self) -> str:
        return f"evidence-{self.rating.scorecard_id}-{self.dimension.pk}" if self.rating else ""


@dataclass
class PanelRow:
    interview: Interview
    scorecard: Scorecard
    cells: list[Cell]
    amended: bool = False
    amended_after_decision: bool = False
    changed_since_decision: bool = False
    amended_after_viewing: bool = False
    seen: bool = True  # by the viewer loop_debrief was asked for, before this request


@dataclass
class DimensionSummary:
    dimension: Dimension
    stats: DimensionStats
    unusual_disagreement: bool = False
    usual_spread: float | None = None  # normalised, over the role's other loops; None when too few to compare
    normalised_spread: float | None = None  # this loop's (high - low) / span; None under two scores

    @property
    def label(self) -> str:
        return CLASSIFICATIONS[self.stats.classification]


@dataclass(frozen=True)
class EvidenceItem:
    row: PanelRow
    cell: Cell


@dataclass(frozen=True)
class DimensionEvidence:
    summary: DimensionSummary
    items: list[EvidenceItem]


@dataclass
class Observation:
    signal: Signal
    interview: Interview
    note: str


@dataclass(frozen=True)
class AdjustedCell:
    rating: Rating | None
    adjusted: float | None


@dataclass(frozen=True)
class AdjustedRow:
    row: PanelRow
    leniency: float | None  # normalised; None when the interviewer has no other loop to measure it on
    compared: int
    shift: float  # raw points subtracted from each score
    cells: list[AdjustedCell]


@dataclass(frozen=True)
class Adjusted:
    rows: list[AdjustedRow]
    means: list[float | None]


@dataclass(frozen=True)
class Agenda:
    """The order the debrief offers for the discussion (issue 28): every red flag first, then the dimensions
    the panel disagrees on, widest spread first, then the rest in the rubric's order, uncovered ones last.
    `waiting` counts the scorecards not in yet: until it is 0, the page asks for them before any discussion."""

    red_flags: list[Observation]
    disagreements: list[DimensionSummary]
    rest: list[DimensionSummary]
    waiting: int


def agenda(*, dimensions: Sequence[DimensionSummary], red_flags: Sequence[Observation], waiting: int) -> Agenda:
    """A dimension is in disagreement when two or more scores of it differ; wider (normalised) spreads come first,
    the rubric's order breaking ties."""
    split = sorted(
        (s for s in dimensions if s.normalised_spread), key=lambda s: -(s.normalised_spread or 0.0)
    )  # sorted() is stable: equal spreads keep the rubric's order
    agreed = [s for s in dimensions if not s.normalised_spread and s.stats.count]
    uncovered = [s for s in dimensions if not s.stats.count]
    return Agenda(red_flags=list(red_flags), disagreements=split, rest=agreed + uncovered, waiting=waiting)


@dataclass
class Debrief:
    loop: Loop
    rubric: RubricVersion
    dimensions: list[DimensionSummary]
    rows: list[PanelRow]
    pending: list[Interview]
    observations: dict[str, list[Observation]]
    recommendation_tally: list[tuple[str, str, int]]
    rule: RuleResult  # the version's decision rule applied to these figures (hiring.decision_rule)
    decisions: DecisionState
    normalised_mean: float | None  # the loop's, as defined in hiring.scoring
    adjusted: Adjusted | None = None  # the leniency-adjusted scores, when `loop_debrief` was asked for them

    @property
    def decision(self) -> Decision | None:
        return self.decisions.current

    @property
    def expected(self) -> int:
        return len(self.rows) + len(self.pending)

    @property
    def submitted(self) -> int:
        return len(self.rows)

    @property
    def signal_counts(self) -> dict[str, int]:
        return {kind: len(items) for kind, items in self.observations.items()}

    @property
    def evidence_by_dimension(self) -> list[DimensionEvidence]:
        """Per dimension (rubric order), each interviewer's rating and evidence, side by side; unrated left out."""
        columns = [
            DimensionEvidence(summary, [EvidenceItem(row, row.cells[i]) for row in self.rows if row.cells[i].rating])
            for i, summary in enumerate(self.dimensions)
        ]
        return [column for column in columns if column.items]

    @property
    def signal_sections(self) -> list[tuple[str, str, list[Observation]]]:
        """Red flags first, then strong and weak signals."""
        return [(kind, SIGNAL_GROUP_TITLES[kind], self.observations[kind]) for kind in SIGNAL_KINDS_RED_FLAGS_FIRST]

    @property
    def unusual_rule(self) -> tuple[float, int]:
        """(UNUSUAL_MARGIN, UNUSUAL_MIN_LOOPS), for the page's explanation."""
        return UNUSUAL_MARGIN, UNUSUAL_MIN_LOOPS

    @property
    def agenda(self) -> Agenda:
        return agenda(
            dimensions=self.dimensions, red_flags=self.observations[SignalKind.RED_FLAG], waiting=len(self.pending)
        )


def leniency_adjusted(*, rubric: RubricVersion, rows: list[PanelRow], columns: int) -> Adjusted:
    """Each scorecard's scores shifted by minus its interviewer's leniency on other loops, in raw points (the
    panel's interviews were read with `leniency_elsewhere_sums`)."""
    span = rubric.scale_max - rubric.scale_min
    adjusted_rows = []
    for row in rows:
        leniency = leniency_elsewhere_of(row.interview)
        shift = leniency.mean * span if leniency.mean is not None else 0.0
        cells = [AdjustedCell(cell.rating, _shifted(cell.rating, shift)) for cell in row.cells]
        adjusted_rows.append(AdjustedRow(row, leniency.mean, leniency.n, shift, cells))
    means = [_mean([row.cells[i].adjusted for row in adjusted_rows]) for i in range(columns)]
    return Adjusted(rows=adjusted_rows, means=means)


def _mean(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.fmean(present) if present else None


def _shifted(rating: Rating | None, shift: float) -> float | None:
    score = _score(rating)
    return None if score is None else score - shift


def _score(rating: Rating | None) -> int | None:
    return counted_score(rating)


def usual_spreads(*, loop: Loop, role_id: int, slugs: list[str]) -> dict[str, tuple[float | None, int]]:
    """(mean normalised spread, loops) per dimension slug over the role's other complete or decided loops.

    Reads the role's stored spread totals (count and sum, kept in step with the stored spreads by
    hiring.services.loop_status.dimension_spreads_rebuild) less this loop's own spread: one query over
    one row per dimension, whatever the history.
    """
    own = DimensionSpread.objects.filter(loop_id=loop.pk, dimension_slug=OuterRef("dimension_slug"))
    rows = SpreadTotal.objects.filter(role_id=role_id, dimension_slug__in=slugs).values_list(
        "dimension_slug", "loops", "total", Subquery(own.values("spread")[:1])
    )
    figures: dict[str, tuple[float | None, int]] = {}
    for slug, loops, total, mine in rows:
        others = loops - (mine is not None)
        if others > 0:
            figures[slug] = (round((total - (mine or 0.0)) / others, 12), others)
    return {slug: figures.get(slug, (None, 0)) for slug in slugs}


def mark_unusual(summary: DimensionSummary, *, usual: tuple[float | None, int], span: int) -> None:
    """Mark the summary when its spread exceeds the usual spread by more than UNUSUAL_MARGIN (see above)."""
    mean, loops = usual
    spread = summary.stats.spread
    if summary.stats.count >= 2 and spread is not None:
        summary.normalised_spread = spread / span
    if loops < UNUSUAL_MIN_LOOPS or mean is None:
        return
    summary.usual_spread = mean
    if summary.normalised_spread is not None and summary.normalised_spread > mean + UNUSUAL_MARGIN:
        summary.unusual_disagreement = True


def loop_debrief(*, loop: Loop, viewer: User | None = None, adjusted: bool = False) -> Debrief:
    """Everything the debrief page shows for a loop, in a fixed number of queries; each row says whether ``viewer``
    (when given) opened its scorecard before. With ``adjusted``, the leniency-adjusted scores too (their
    interviewers' leniency read with the panel: no query more)."""
    rubric = rubric_content(loop.rubric)
    dimensions = list(rubric.dimensions.all())
    interviews = _panel(loop=loop, viewer=viewer, adjusted=adjusted)
    submitted = [i for i in interviews if i.scorecard.status == Scorecard.Status.SUBMITTED]
    ratings = _ratings(submitted)
    decisions = decision_state(loop=loop)
    summaries = _dimension_summaries(loop=loop, rubric=rubric, dimensions=dimensions, ratings=ratings.values())
    observations = _observations(submitted)
    tally_counts = Counter(i.scorecard.recommendation for i in submitted)
    pending: list[Interview] = [i for i in interviews if i.scorecard.status != Scorecard.Status.SUBMITTED]
    normalised_mean = loop_normalised_mean(s.stats.normalised for s in summaries)
    rows = _panel_rows(submitted, rubric=rubric, dimensions=dimensions, ratings=ratings, decisions=decisions)
    return Debrief(
        loop=loop,
        rubric=rubric,
        dimensions=summaries,
        rows=rows,
        pending=pending,
        observations=observations,
        recommendation_tally=[
            (value, label, tally_counts.get(value, 0)) for value, label in Scorecard.Recommendation.choices
        ],
        rule=rule_evaluate(
            rule_of(rubric=rubric, dimensions=dimensions),
            normalised_mean=normalised_mean,
            red_flags=len(observations[SignalKind.RED_FLAG]),
            dimension_means={s.dimension.pk: s.stats.mean for s in summaries},
            submitted=len(submitted),
            pending=len(pending),
        ),
        decisions=decisions,
        normalised_mean=normalised_mean,
        adjusted=leniency_adjusted(rubric=rubric, rows=rows, columns=len(summaries)) if adjusted else None,
    )


def _panel(*, loop: Loop, viewer: User | None, adjusted: bool = False) -> list[PanelInterview]:
    """The loop's interviews in time order with their scorecards, each marked ``seen`` by the viewer and, when
    ``adjusted``, with its interviewer's leniency sums on their other loops (one query)."""
    interviews = (
        Interview.objects.filter(loop=loop)
        .select_related("interviewer", "exercise", "scorecard")
        .annotate(seen=Value(True) if viewer is None else seen_by(viewer, scorecard="scorecard"))
        .order_by("scheduled_at", "pk")
    )
    if adjusted:
        interviews = interviews.annotate(**leniency_elsewhere_sums(loop=loop, interviewer="interviewer_id"))
    return list(interviews)


def _ratings(submitted: Sequence[Interview]) -> dict[tuple[int, int], Rating]:
    """Every rating of the submitted scorecards (not-assessed ones too), by (scorecard, dimension): one query."""
    ids = [i.scorecard.pk for i in submitted]
    return {(r.scorecard_id, r.dimension_id): r for r in Rating.objects.filter(scorecard_id__in=ids)}


def _dimension_summaries(
    *, loop: Loop, rubric: RubricVersion, dimensions: list[Dimension], ratings: Iterable[Rating]
) -> list[DimensionSummary]:
    """Each dimension's statistics over the scores that count, marked where its spread is unusual (one query)."""
    scores: dict[int, list[int]] = {d.pk: [] for d in dimensions}
    for rating in ratings:
        score = counted_score(rating)
        if score is not None and rating.dimension_id in scores:
            scores[rating.dimension_id].append(score)
    summaries = [
        DimensionSummary(d, dimension_stats(scores[d.pk], scale_min=rubric.scale_min, scale_max=rubric.scale_max))
        for d in dimensions
    ]
    usual = usual_spreads(loop=loop, role_id=rubric.role_id, slugs=[d.slug for d in dimensions])
    for summary in summaries:
        mark_unusual(summary, usual=usual[summary.dimension.slug], span=rubric.scale_max - rubric.scale_min)
    return summaries


def _panel_rows(
    submitted: list[PanelInterview],
    *,
    rubric: RubricVersion,
    dimensions: list[Dimension],
    ratings: dict[tuple[int, int], Rating],
    decisions: DecisionState,
) -> list[PanelRow]:
    """A row per submitted scorecard: a cell per dimension, and what its amendments say about it."""
    amendments = [a for a in decisions.amendments if a.scorecard_id in {i.scorecard.pk for i in submitted}]
    amended = {a.scorecard_id for a in amendments}
    amended_late = {a.scorecard_id for a in amendments if a.after_decision}
    changed = {a.scorecard_id for a in decisions.changes}
    amended_after_viewing = {a.scorecard_id for a in amendments if a.after_viewing}
    levels = {pk: {row.value: row for row in rows} for pk, rows in dimension_levels(rubric=rubric).items()}
    return [
        PanelRow(
            interview=i,
            scorecard=i.scorecard,
            cells=[
                _cell(d, ratings.get((i.scorecard.pk, d.pk)), rubric=rubric, levels=levels[d.pk]) for d in dimensions
            ],
            amended=i.scorecard.pk in amended,
            amended_after_decision=i.scorecard.pk in amended_late,
            changed_since_decision=i.scorecard.pk in changed,
            amended_after_viewing=i.scorecard.pk in amended_after_viewing,
            seen=i.seen,
        )
        for i in submitted
    ]


def _cell(dimension: Dimension, rating: Rating | None, *, rubric: RubricVersion, levels: dict[int, LevelRow]) -> Cell:
    """A rating's cell, with the level it scored as the rubric version the loop was planned on words it."""
    score = None if rating is None else rating.score
    normalised = None if score is None else normalise(score, scale_min=rubric.scale_min, scale_max=rubric.scale_max)
    return Cell(dimension, rating, normalised, None if score is None else levels.get(score))


def _observations(submitted: Sequence[Interview]) -> dict[str, list[Observation]]:
    """The signals observed on the submitted scorecards, by kind, red flags first (one query)."""
    by_scorecard = {i.scorecard.pk: i for i in submitted}
    observations: dict[str, list[Observation]] = {kind: [] for kind in SIGNAL_KINDS_RED_FLAGS_FIRST}
    for observed in (
        ObservedSignal.objects.filter(scorecard_id__in=list(by_scorecard))
        .select_related("signal")
        .order_by("signal__position", "pk")
    ):
        observations[observed.signal.kind].append(
            Observation(observed.signal, by_scorecard[observed.scorecard_id], observed.note)
        )
    return observations
