"""The recruiter pipeline: visible loops, filtered, with their per-loop figures computed in the database.

`pipeline_loops` is shared by the pipeline page and every export, so both always
agree. Every figure is a correlated subquery on the loop row: the page is one query
(plus the paginator's count) whatever its size, and exports stream it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hiring import policy
from hiring.models import Interview, Loop, ObservedSignal, Scorecard
from hiring.scoring import dimension_normalised_mean_sql, loop_normalised_mean_sql
from hiring.selectors.decisions import changed_since_decided
from roles.models import Dimension, RubricVersion
from roles.selectors import newest_rubrics

SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "candidate": ("candidate__name", "pk"),
    "role": ("rubric__title", "-created_at"),
    "status": ("status", "-created_at"),
    "red_flags": ("-red_flags", "-created_at"),
}
RECOMMENDATIONS = [value for value, _ in Scorecard.Recommendation.choices]
SIGNAL_KINDS = ("strong", "weak", "red_flag")


@dataclass(frozen=True)
class PipelineFilter:
    role: str = ""
    status: str = ""
    hiring_manager: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    red_flag: bool = False
    changed: bool = False
    sort: str = "newest"

    def as_dict(self) -> dict:
        return {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in self.__dict__.items()
            if value not in ("", None, False)
        }


@dataclass(frozen=True)
class DimensionColumn:
    slug: str
    name: str

    @property
    def annotation(self) -> str:
        return f"dim_{self.slug.replace('-', '_')}"


def _count(queryset: QuerySet, loop_path: str) -> Coalesce:
    """Count rows of `queryset` belonging to the outer loop, as a correlated subquery."""
    per_loop = (
        queryset.filter(**{loop_path: OuterRef("pk")})
        .order_by()
        .values(loop_path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(per_loop, output_field=IntegerField()), Value(0))


def dimension_columns(role_slug: str) -> list[DimensionColumn]:
    """The role's dimensions (newest rubric's names and order) as export/page columns, by slug."""
    newest = Dimension.objects.filter(rubric__role__slug=role_slug).order_by("-rubric__number", "position")
    columns: dict[str, DimensionColumn] = {}
    for slug, name in newest.values_list("slug", "name"):
        columns.setdefault(slug, DimensionColumn(slug, name))
    return list(columns.values())


def pipeline_loops(*, user: policy.Viewer, filters: PipelineFilter, now: dt.datetime | None = None) -> QuerySet[Loop]:
    """Loops the user may see through the pipeline, filtered, sorted and annotated with their figures."""
    now = now or timezone.now()
    observed = ObservedSignal.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED)
    submitted_cards = Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED)
    overdue = Interview.objects.filter(
        scorecard__status=Scorecard.Status.DRAFT,
        scheduled_at__lt=now - dt.timedelta(hours=settings.SCORECARD_DUE_HOURS),
    )
    annotations = {
        "expected": _count(Interview.objects.all(), "loop"),
        "submitted": _count(submitted_cards, "interview__loop"),
        "overdue": _count(overdue, "loop"),
        "normalised_mean": loop_normalised_mean_sql(),
        "decision_changed": changed_since_decided(),
        **{
            f"signals_{kind}": _count(observed.filter(signal__kind=kind), "scorecard__interview__loop")
            for kind in SIGNAL_KINDS
        },
        **{
            f"rec_{value}": _count(submitted_cards.filter(recommendation=value), "interview__loop")
            for value in RECOMMENDATIONS
        },
    }
    if filters.role:
        for column in dimension_columns(filters.role):
            annotations[column.annotation] = dimension_normalised_mean_sql(slug=column.slug)
    loops = (
        policy.loops_managed_by(user)
        .select_related("candidate", "rubric__role", "hiring_manager", "recruiter", "decision")
        .annotate(**annotations)
        .annotate(red_flags=F("signals_red_flag"))
    )
    if filters.role:
        loops = loops.filter(rubric__role__slug=filters.role)
    if filters.status:
        loops = loops.filter(status=filters.status)
    if filters.hiring_manager:
        loops = loops.filter(hiring_manager_id=filters.hiring_manager)
    if filters.since:
        loops = loops.filter(created_at__date__gte=filters.since)
    if filters.until:
        loops = loops.filter(created_at__date__lte=filters.until)
    if filters.red_flag:
        loops = loops.filter(
            Exists(observed.filter(signal__kind="red_flag", scorecard__interview__loop=OuterRef("pk")))
        )
    if filters.changed:
        loops = loops.filter(decision_changed=True)
    return loops.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


@dataclass
class PipelineRow:
    """A pipeline loop with its figures: normalised means on 0–1 (hiring.scoring), computed in the database."""

    loop: Loop
    normalised_mean: float | None
    dimension_means: list[float | None] = field(default_factory=list)

    @property
    def recommendations(self) -> list[tuple[str, int]]:
        return [(label, getattr(self.loop, f"rec_{value}")) for value, label in Scorecard.Recommendation.choices]


def pipeline_row(loop: Loop, columns: list[DimensionColumn]) -> PipelineRow:
    return PipelineRow(
        loop=loop,
        normalised_mean=loop.normalised_mean,
        dimension_means=[getattr(loop, column.annotation) for column in columns],
    )


def pipeline_roles() -> QuerySet[RubricVersion]:
    """Every role as its newest rubric version names it, for the role filter."""
    return newest_rubrics().select_related("role").order_by("title", "role__slug")
