"""The adverse-impact report: per role and period, how each self-identified group passes each stage, and how
its dimension scores differ (figures in hiring.impact, what they mean in docs/COMPLIANCE.md).

Self-identification is read only through ``policy.self_identifications_readable_by`` (the Compliance group;
nobody else gets a single value), and the one caller, ``hiring.services.compliance.adverse_impact_read``,
records each read in the audit log. Three queries whatever the data size: the loops with their stage counts
and their candidates' self-identification, and their dimension means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from hiring import impact, policy
from hiring.models import (
    DECLINED,
    Decision,
    Interview,
    Loop,
    Scorecard,
    self_identification_categories,
)
from hiring.scoring import normalised_score_sql, scored_ratings
from hiring.selectors.health import day_start

DEFAULT_DAYS = 365  # the period covered when none is chosen: the last year, today included
NOT_RECORDED = "Not recorded"
"""The group of candidates with no self-identification recorded (never compared, like "Declined to answer")."""
CHARACTERISTICS = (("sex", "Sex"), ("race_ethnicity", "Race/ethnicity"))
POSITIVE = (Scorecard.Recommendation.YES, Scorecard.Recommendation.STRONG_YES)


@dataclass(frozen=True)
class ImpactFilter:
    role: str
    since: dt.date
    until: dt.date

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "since": self.since.isoformat(), "until": self.until.isoformat()}


@dataclass(frozen=True)
class LoopOutcome:
    """What one loop reached, and its candidate's groups."""

    groups: dict[str, str]
    planned: bool
    all_in: bool
    positive: int
    recommending: int
    hired: bool
    dimension_means: dict[str, float] = field(default_factory=dict)


def panel_recommends(loop: LoopOutcome) -> bool:
    """The "recommended" stage, the one place it is decided: more than half of the submitted scorecards that
    recommend anything recommend yes or strong yes. (Switch this function to apply a decision rule instead.)"""
    return loop.recommending > 0 and 2 * loop.positive > loop.recommending


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    of: str
    reached: Callable[[LoopOutcome], bool]
    before: Callable[[LoopOutcome], bool]


def _any(loop: LoopOutcome) -> bool:
    return True


def _all_in(loop: LoopOutcome) -> bool:
    return loop.planned and loop.all_in


def _recommended(loop: LoopOutcome) -> bool:
    return _all_in(loop) and panel_recommends(loop)


STAGES = (
    Stage("planned", "Planned", "of their loops", lambda loop: loop.planned, _any),
    Stage("all_in", "All scorecards in", "of those planned", _all_in, lambda loop: loop.planned),
    Stage("recommended", "Recommended by the panel", "of those with every scorecard in", _recommended, _all_in),
    Stage("hired", "Hired", "of those recommended", lambda loop: _recommended(loop) and loop.hired, _recommended),
    Stage("selected", "Hired, whatever the path", "of their loops", lambda loop: loop.hired, _any),
)
"""Each stage counts, out of the loops that passed the one before, those that pass it; the last is the overall
selection rate (every hire, recommended or not, out of every loop)."""


@dataclass(frozen=True)
class GroupRate:
    group: str
    of: int
    passed: int
    rate: float | None
    ratio: float | None = None
    below_four_fifths: bool | None = None
    p_value: float | None = None
    note: str = ""


@dataclass(frozen=True)
class StageImpact:
    key: str
    label: str
    of: str
    reference: str | None
    rows: list[GroupRate]


@dataclass(frozen=True)
class GroupDifference:
    group: str
    scored: int
    mean: float | None
    difference: impact.Difference | None = None
    note: str = ""


@dataclass(frozen=True)
class DimensionImpact:
    slug: str
    name: str
    reference: str | None
    rows: list[GroupDifference]


@dataclass(frozen=True)
class CharacteristicImpact:
    key: str
    label: str
    groups: list[tuple[str, int]]
    stages: list[StageImpact]
    dimensions: list[DimensionImpact]


@dataclass(frozen=True)
class ImpactReport:
    filters: ImpactFilter
    loops: int
    min_group: int
    characteristics: list[CharacteristicImpact]

    @property
    def is_empty(self) -> bool:
        return self.loops == 0


TOO_FEW = "too few to compare"
NOT_COMPARED = "not compared"
REFERENCE = "highest rate"


def comparable(group: str) -> bool:
    """Whether a group is compared with others: not "Declined to answer", not "Not recorded"."""
    return group not in (DECLINED, NOT_RECORDED)


def _ordered_groups(characteristic: str, seen: Iterable[str]) -> list[str]:
    """The configured categories in their order, then any recorded under a category since removed, then the
    uncompared ones."""
    configured = [name for name in self_identification_categories(characteristic) if name != DECLINED]
    extra = sorted(set(seen) - {*configured, DECLINED, NOT_RECORDED})
    return [*configured, *extra, DECLINED, NOT_RECORDED]


def stage_impact(stage: Stage, by_group: dict[str, list[LoopOutcome]], *, min_group: int) -> StageImpact:
    counts = {
        group: (len(before), sum(1 for loop in before if stage.reached(loop)))
        for group, loops in by_group.items()
        for before in [[loop for loop in loops if stage.before(loop)]]
    }
    eligible = {group: (of, passed) for group, (of, passed) in counts.items() if comparable(group) and of >= min_group}
    order = list(counts)
    reference = (
        max(eligible, key=lambda group: (eligible[group][1] / eligible[group][0], -order.index(group)))
        if len(eligible) >= 2
        else None
    )
    rows = []
    for group, (of, passed) in counts.items():
        rate = passed / of if of else None
        if not comparable(group):
            rows.append(GroupRate(group, of, passed, rate, note=NOT_COMPARED))
        elif group not in eligible:
            rows.append(GroupRate(group, of, passed, rate, note=TOO_FEW))
        elif reference is None:
            rows.append(GroupRate(group, of, passed, rate, note="no other group to compare with"))
        elif group == reference and passed == 0:  # nobody in any compared group passed: no ratio to speak of
            rows.append(GroupRate(group, of, passed, rate, note="nobody passed"))
        elif group == reference:
            rows.append(GroupRate(group, of, passed, rate, ratio=1.0, below_four_fifths=False, note=REFERENCE))
        else:
            top_of, top_passed = eligible[reference]
            ratio = impact.impact_ratio(passed / of, top_passed / top_of)
            p_value = impact.fisher_exact_p(passed, of - passed, top_passed, top_of - top_passed)
            note = "nobody in the highest group passed" if ratio is None else ""
            rows.append(GroupRate(group, of, passed, rate, ratio, impact.below_four_fifths(ratio), p_value, note))
    return StageImpact(stage.key, stage.label, stage.of, reference, rows)


def dimension_impact(
    slug: str, name: str, by_group: dict[str, list[LoopOutcome]], *, min_group: int
) -> DimensionImpact:
    """Each group's mean normalised score on the dimension (a loop's mean over its interviewers: one score per
    candidate), and Cohen's d of each group against the largest compared group."""
    scores = {
        group: [loop.dimension_means[slug] for loop in loops if slug in loop.dimension_means]
        for group, loops in by_group.items()
    }
    eligible = [group for group, values in scores.items() if comparable(group) and len(values) >= min_group]
    reference = max(eligible, key=lambda group: len(scores[group])) if len(eligible) >= 2 else None
    rows = []
    for group, values in scores.items():
        mean = sum(values) / len(values) if values else None
        if not comparable(group):
            rows.append(GroupDifference(group, len(values), mean, note=NOT_COMPARED))
        elif group not in eligible:
            rows.append(GroupDifference(group, len(values), mean, note=TOO_FEW))
        elif reference is None:
            rows.append(GroupDifference(group, len(values), mean, note="no other group to compare with"))
        elif group == reference:
            rows.append(GroupDifference(group, len(values), mean, note="reference (largest group)"))
        else:
            difference = impact.cohens_d(values, scores[reference])
            note = "" if difference is not None else "no spread in the scores"
            rows.append(GroupDifference(group, len(values), mean, difference, note))
    return DimensionImpact(slug, name, reference, rows)


def impact_loops(*, filters: ImpactFilter) -> QuerySet[Loop]:
    """The loops the report covers: every loop of the role created in the period (local days, both included),
    whoever runs it; only who may read the groups is the policy's (``_outcomes``)."""
    return Loop.objects.filter(
        rubric__role__slug=filters.role,
        created_at__gte=day_start(filters.since),
        created_at__lt=day_start(filters.until + dt.timedelta(days=1)),
    )


def _outcomes(*, user: policy.Viewer, filters: ImpactFilter) -> tuple[list[LoopOutcome], dict[str, str]]:
    loops = impact_loops(filters=filters)
    readable = policy.self_identifications_readable_by(user).filter(candidate=OuterRef("candidate_id"))
    submitted = Q(interviews__scorecard__status=Scorecard.Status.SUBMITTED)
    recommends = submitted & ~Q(interviews__scorecard__recommendation="")
    rows = (
        loops.order_by()
        .annotate(
            outcome=F("decision__outcome"),
            sex=Subquery(readable.values("sex")[:1]),
            race_ethnicity=Subquery(readable.values("race_ethnicity")[:1]),
            has_interview=Exists(Interview.objects.filter(loop=OuterRef("pk"))),
            has_open=Exists(
                Interview.objects.filter(loop=OuterRef("pk")).exclude(scorecard__status=Scorecard.Status.SUBMITTED)
            ),
            positive=Count(
                "interviews__scorecard", filter=submitted & Q(interviews__scorecard__recommendation__in=POSITIVE)
            ),
            recommending=Count("interviews__scorecard", filter=recommends),
        )
        .values("pk", "sex", "race_ethnicity", "has_interview", "has_open", "positive", "recommending", "outcome")
    )
    means: dict[int, dict[str, float]] = {}
    names: dict[str, str] = {}
    for mean in (
        scored_ratings()
        .filter(scorecard__interview__loop__in=loops.values("pk"))
        .values("scorecard__interview__loop_id", "dimension__slug", "dimension__name")
        .annotate(mean=Avg(normalised_score_sql()))
        .order_by()
    ):
        means.setdefault(mean["scorecard__interview__loop_id"], {})[mean["dimension__slug"]] = mean["mean"]
        names.setdefault(mean["dimension__slug"], mean["dimension__name"])
    outcomes = [
        LoopOutcome(
            groups={"sex": row["sex"] or NOT_RECORDED, "race_ethnicity": row["race_ethnicity"] or NOT_RECORDED},
            planned=row["has_interview"],
            all_in=row["has_interview"] and not row["has_open"],
            positive=row["positive"],
            recommending=row["recommending"],
            hired=row["outcome"] == Decision.Outcome.HIRE,
            dimension_means=means.get(row["pk"], {}),
        )
        for row in rows
    ]
    return outcomes, names


def adverse_impact(*, user: policy.Viewer, filters: ImpactFilter) -> ImpactReport:
    """The report over the role's loops created in the period; for anyone but the Compliance group every
    candidate is "Not recorded" (the policy gives them no self-identification), so nothing is compared."""
    min_group = settings.ADVERSE_IMPACT_MIN_GROUP
    outcomes, names = _outcomes(user=user, filters=filters)
    characteristics = []
    for key, label in CHARACTERISTICS:
        by_group: dict[str, list[LoopOutcome]] = {
            group: [] for group in _ordered_groups(key, (loop.groups[key] for loop in outcomes))
        }
        for loop in outcomes:
            by_group[loop.groups[key]].append(loop)
        characteristics.append(
            CharacteristicImpact(
                key=key,
                label=label,
                groups=[(group, len(loops)) for group, loops in by_group.items()],
                stages=[stage_impact(stage, by_group, min_group=min_group) for stage in STAGES],
                dimensions=[
                    dimension_impact(slug, names[slug], by_group, min_group=min_group) for slug in sorted(names)
                ],
            )
        )
    return ImpactReport(filters=filters, loops=len(outcomes), min_group=min_group, characteristics=characteristics)
