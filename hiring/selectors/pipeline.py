"""The recruiter pipeline: visible loops, filtered and sorted, and their per-loop figures.

`pipeline_loops` is shared by the pipeline page and every export, so both always agree on which
loops, in which order. The figures (interviews planned and submitted, overdue scorecards,
recommendations, signals, normalised means as defined in hiring.scoring) come from three grouped
passes (scorecards, observed signals, ratings) joined to the loops by id, never from a correlated
subquery per column: `loop_figures` for the 50 loops of a page (one query), `figures_select` for
an export of every visible loop (one streamed statement; see hiring.exports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from config.links import Link
from hiring import policy
from hiring.models import Decision, Interview, Loop, ObservedSignal, Scorecard
from hiring.scoring import dimension_means_sql
from hiring.search import search_key
from roles.models import Dimension, RubricVersion, Signal, SignalKind
from roles.selectors import newest_rubrics

SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "candidate": ("candidate__name", "pk"),
    "role": ("rubric__title", "-created_at"),
    "status": ("status", "-created_at"),
    "red_flags": ("-red_flags", "-created_at", "-pk"),
}
RECOMMENDATIONS = [value for value, _ in Scorecard.Recommendation.choices]
SIGNAL_KINDS = tuple(SignalKind.values)  # strong, weak, red_flag: the export's column order


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
    q: str = ""  # a candidate's name or email, or part of either (hiring.search)

    def as_dict(self) -> dict[str, object]:
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


def dimension_columns(role_slug: str) -> list[DimensionColumn]:
    """The role's dimensions (newest rubric's names and order) as export/page columns, by slug."""
    newest = Dimension.objects.filter(rubric__role__slug=role_slug).order_by("-rubric__number", "position")
    columns: dict[str, DimensionColumn] = {}
    for slug, name in newest.values_list("slug", "name"):
        columns.setdefault(slug, DimensionColumn(slug, name))
    return list(columns.values())


def _day_start(day: dt.date) -> dt.datetime | None:
    """The start of `day` in the current time zone; None near the calendar's ends (no loop lies there)."""
    if not dt.date.min + dt.timedelta(days=2) < day < dt.date.max - dt.timedelta(days=2):
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def pipeline_loops(*, user: policy.Viewer, filters: PipelineFilter) -> QuerySet[Loop]:
    """Loops the user may see through the pipeline, filtered and sorted (their figures: `loop_figures`).

    Every filter and sort but "role" reads an index of hiring_loop in order (migrations 0012 and
    0013; red flags and "changed since decided" are stored on the loop): a page costs the 50 rows
    it shows, not a sort of every visible loop. Sorting by role sorts the visible loops by their
    rubric's title (a column of another table, which no index of loops can order). A search (`q`)
    looks for its normalised text inside the candidates' stored search column (hiring.search;
    a trigram index on PostgreSQL). The date
    filters compare `created_at` with the start of a day in the current time zone, which is what
    `created_at__date` means, in a form the index can serve.
    """
    loops = policy.loops_managed_by(user).select_related(
        "candidate", "rubric__role", "hiring_manager", "recruiter", "decision"
    )
    if filters.role:
        loops = loops.filter(rubric__role__slug=filters.role)
    if filters.status:
        loops = loops.filter(status=filters.status)
    if filters.hiring_manager:
        loops = loops.filter(hiring_manager_id=filters.hiring_manager)
    if filters.since:
        start = _day_start(filters.since)
        if start:
            loops = loops.filter(created_at__gte=start)
        elif filters.since.year > 1:  # the far future
            loops = loops.none()
    if filters.until:
        end = _day_start(filters.until + dt.timedelta(days=1)) if filters.until < dt.date.max else None
        if end:
            loops = loops.filter(created_at__lt=end)
        elif filters.until.year == 1:  # before any loop
            loops = loops.none()
    if filters.red_flag:
        loops = loops.filter(red_flags__gt=0)
    if filters.changed:
        loops = loops.filter(decision_changed=True)
    key = search_key(filters.q)
    if key:
        loops = loops.filter(candidate__search_text__contains=key)
    return loops.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


# Figures -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopFigures:
    """A loop's pipeline figures; normalised means on 0–1 as defined in hiring.scoring."""

    expected: int = 0
    submitted: int = 0
    overdue: int = 0
    recommendations: dict[str, int] = field(default_factory=dict)
    signals: dict[str, int] = field(default_factory=dict)
    normalised_mean: float | None = None
    dimension_means: dict[str, float | None] = field(default_factory=dict)
    decision_changed: bool = False  # hiring.selectors.decisions: the current decision is changed since decided


def figure_names(columns: list[DimensionColumn]) -> list[str]:
    """The names of `figures_select`'s columns, in order."""
    return [
        "expected", "submitted", "overdue", *[f"rec_{value}" for value in RECOMMENDATIONS],
        *[f"signals_{kind}" for kind in SIGNAL_KINDS], "normalised_mean", *[f"dim_{n}" for n in range(len(columns))],
        "decision_changed",
    ]  # fmt: skip


def figures_select(
    *,
    loop_id: str,
    decision_changed: str,
    loops_sql: str | None,
    loops_params: list[Any],
    columns: list[DimensionColumn],
    now: dt.datetime,
) -> tuple[str, str, list[Any]]:
    """SQL for the figures of the loops in `loops_sql` (ids or a subquery; None: every loop), joined on `loop_id`.

    `decision_changed` names the loop's stored `decision_changed` column in the outer query.

    Returns (select list, joins, params): the select list's columns are `figure_names(columns)`
    in order; the joins are three grouped passes, `LEFT JOIN`ed on the loop's id, so a loop with
    no interviews, signals or scores gets zeros and no means. With an id list each pass reads only
    those loops' rows (an index lookup per loop: a page); with None each is one pass over its
    whole table, which is what the database does best when the figures of every loop are wanted.
    """
    quote = connection.ops.quote_name
    interview, card = quote(Interview._meta.db_table), quote(Scorecard._meta.db_table)
    observed, signal = quote(ObservedSignal._meta.db_table), quote(Signal._meta.db_table)
    submitted, draft = Scorecard.Status.SUBMITTED.value, Scorecard.Status.DRAFT.value

    def when(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def among(column: str, joiner: str) -> str:
        return "" if loops_sql is None else f"{joiner} {column} IN ({loops_sql}) "

    recommendations = ", ".join(
        f"{when(f"s.status = '{submitted}' AND s.recommendation = '{value}'")} AS rec_{value}"
        for value in RECOMMENDATIONS
    )
    cards = (
        f"SELECT i.loop_id AS loop_id, COUNT(*) AS expected, {when(f"s.status = '{submitted}'")} AS submitted, "
        f"{when(f"s.status = '{draft}' AND i.scheduled_at < %s")} AS overdue, {recommendations} "
        f"FROM {interview} i LEFT JOIN {card} s ON s.interview_id = i.id "
        f"{among('i.loop_id', 'WHERE')}GROUP BY i.loop_id"
    )
    kinds = ", ".join(f"{when(f"g.kind = '{kind}'")} AS signals_{kind}" for kind in SIGNAL_KINDS)
    signals = (
        f"SELECT i.loop_id AS loop_id, {kinds} FROM {observed} o JOIN {card} s ON s.id = o.scorecard_id "
        f"JOIN {interview} i ON i.id = s.interview_id JOIN {signal} g ON g.id = o.signal_id "
        f"WHERE s.status = '{submitted}' {among('i.loop_id', 'AND')}GROUP BY i.loop_id"
    )
    per_dimension = ", ".join(f"MAX(CASE WHEN m.slug = %s THEN m.mean END) AS dim_{n}" for n in range(len(columns)))
    means = (
        f"SELECT m.loop_id AS loop_id, AVG(m.mean) AS normalised_mean{', ' if columns else ''}{per_dimension} "
        f"FROM ({dimension_means_sql(loops_sql=loops_sql)}) m GROUP BY m.loop_id"
    )
    cutoff = now - dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
    ids = loops_params if loops_sql is not None else []
    params: list[Any] = [cutoff, *ids, *ids, *[c.slug for c in columns], *ids]
    joins = (
        f"LEFT JOIN ({cards}) fc ON fc.loop_id = {loop_id} "
        f"LEFT JOIN ({signals}) fs ON fs.loop_id = {loop_id} "
        f"LEFT JOIN ({means}) fm ON fm.loop_id = {loop_id}"
    )
    counts = [
        f"COALESCE(fc.{name}, 0)"
        for name in ("expected", "submitted", "overdue", *[f"rec_{v}" for v in RECOMMENDATIONS])
    ]
    select = ", ".join(
        [
            *counts,
            *[f"COALESCE(fs.signals_{kind}, 0)" for kind in SIGNAL_KINDS],
            "fm.normalised_mean",
            *[f"fm.dim_{n}" for n in range(len(columns))],
            f"CASE WHEN {decision_changed} THEN 1 ELSE 0 END",
        ]
    )
    return select, joins, params


def figures_from_row(values: tuple[object, ...] | list[object], columns: list[DimensionColumn]) -> LoopFigures:
    """LoopFigures from the cells of `figures_select`'s select list, in order."""
    cells = dict(zip(figure_names(columns), values, strict=True))
    return LoopFigures(
        expected=int(cells["expected"]),  # type: ignore[call-overload]
        submitted=int(cells["submitted"]),  # type: ignore[call-overload]
        overdue=int(cells["overdue"]),  # type: ignore[call-overload]
        recommendations={value: int(cells[f"rec_{value}"]) for value in RECOMMENDATIONS},  # type: ignore[call-overload]
        signals={kind: int(cells[f"signals_{kind}"]) for kind in SIGNAL_KINDS},  # type: ignore[call-overload]
        normalised_mean=_float(cells["normalised_mean"]),
        dimension_means={c.slug: _float(cells[f"dim_{n}"]) for n, c in enumerate(columns)},
        decision_changed=bool(cells["decision_changed"]),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def loop_figures(
    *, loop_ids: list[int], columns: list[DimensionColumn], now: dt.datetime | None = None
) -> dict[int, LoopFigures]:
    """The figures of the given loops (a page), in one query; a loop with nothing to count gets zeros."""
    if not loop_ids:
        return {}
    marks = ", ".join(["%s"] * len(loop_ids))
    select, joins, params = figures_select(
        loop_id="l.id",
        decision_changed="l.decision_changed",
        loops_sql=marks,
        loops_params=list(loop_ids),
        columns=columns,
        now=now or timezone.now(),
    )
    sql = (
        f"SELECT l.id, {select} FROM {connection.ops.quote_name(Loop._meta.db_table)} l {joins} WHERE l.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *loop_ids])
        return {row[0]: figures_from_row(row[1:], columns) for row in cursor.fetchall()}


@dataclass(frozen=True)
class PipelineLoop:
    """A loop as the pipeline lists it: what its row shows of the loop, its counts and its links."""

    pk: int
    candidate_name: str
    created_at: dt.datetime
    status_label: str
    role_title: str
    outcome_label: str  # the current decision's outcome; "" before any decision
    decision_changed: bool
    expected: int
    submitted: int
    overdue: int
    signals_strong: int
    signals_weak: int
    signals_red_flag: int
    url: str
    debrief_url: str
    summary_url: str


@dataclass(frozen=True)
class PipelineRow:
    """A pipeline row: the loop and its figures, normalised means on 0–1 (hiring.scoring)."""

    loop: PipelineLoop
    normalised_mean: float | None
    dimension_means: list[float | None] = field(default_factory=list)
    recommendations: list[tuple[str, int]] = field(default_factory=list)  # (label, count), the counts above zero


def row_loops(loops: QuerySet[Loop]) -> QuerySet[Loop]:
    """`pipeline_loops` reading only what `pipeline_rows` shows of each loop: a page's loops are built without
    their people and the rest of their rubric (the exports and the API read `pipeline_loops` whole)."""
    return (
        loops.select_related(None)
        .select_related("candidate", "rubric", "decision")
        .only("status", "created_at", "candidate__name", "rubric__title", "decision__outcome")
    )


def pipeline_rows(
    *, loops: list[Loop], columns: list[DimensionColumn], now: dt.datetime | None = None
) -> list[PipelineRow]:
    """The rows of a page of `pipeline_loops`, with their figures (one query for the whole page) and links."""
    figures = loop_figures(loop_ids=[loop.pk for loop in loops], columns=columns, now=now)
    detail, debrief, summary = Link("loop_detail"), Link("loop_debrief"), Link("loop_summary")
    statuses = {value: str(label) for value, label in Loop.Status.choices}
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    recommendations = [(value, str(label)) for value, label in Scorecard.Recommendation.choices]
    rows = []
    for loop in loops:
        f = figures.get(loop.pk, LoopFigures())
        shown = PipelineLoop(
            pk=loop.pk,
            candidate_name=loop.candidate.name,
            created_at=loop.created_at,
            status_label=statuses[loop.status],
            role_title=loop.rubric.title,
            outcome_label=outcomes[loop.decision.outcome] if loop.decision else "",
            decision_changed=f.decision_changed,
            expected=f.expected,
            submitted=f.submitted,
            overdue=f.overdue,
            signals_strong=f.signals.get(SignalKind.STRONG, 0),
            signals_weak=f.signals.get(SignalKind.WEAK, 0),
            signals_red_flag=f.signals.get(SignalKind.RED_FLAG, 0),
            url=detail(loop.pk),
            debrief_url=debrief(loop.pk),
            summary_url=summary(loop.pk),
        )
        rows.append(
            PipelineRow(
                loop=shown,
                normalised_mean=f.normalised_mean,
                dimension_means=[f.dimension_means.get(c.slug) for c in columns],
                recommendations=[
                    (label, count) for value, label in recommendations if (count := f.recommendations.get(value, 0))
                ],
            )
        )
    return rows


def pipeline_roles() -> QuerySet[RubricVersion]:
    """Every role as its newest rubric version names it, for the role filter."""
    return newest_rubrics().select_related("role").order_by("title", "role__slug")
