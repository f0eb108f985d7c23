"""A loop's status, derived from its scorecards, and the figures stored when a loop finishes."""

from __future__ import annotations

from django.db.models import Count, F, Max, Min, QuerySet

from hiring import signals
from hiring.models import (
    DimensionSpread,
    Loop,
    Scorecard,
    scorecard_is_started,
)
from hiring.scoring import scored_ratings
from hiring.selectors.decisions import decision_is_changed
from hiring.services.health_columns import PanelRow, interviews_submission_store, loop_health_values, panel_rows
from hiring.services.statistics import loop_red_flags_count, loop_statistics_refresh, spread_totals_apply

FINISHED = (Loop.Status.COMPLETE, Loop.Status.DECIDED)


def loop_status_refresh(loop: Loop) -> None:
    """Derive the loop's status from its scorecards (a decided loop stays decided), and keep its
    stored red-flag count, "changed since decided" flag, hiring health columns, spreads and running
    statistics in step: every write that can change a loop's plan, scores, scorecards or decision ends here."""
    old, flagged, was_changed, decision_id, *health_old = Loop.objects.values_list(
        "status", "red_flags", "decision_changed", "decision_id", *HEALTH_COLUMNS
    ).get(pk=loop.pk)
    panel = panel_rows(loop_id=loop.pk)
    interviews_submission_store(panel)
    health = loop_health_values(panel)
    new = old if old == Loop.Status.DECIDED else _status_from_scorecards(panel)
    red_flags = loop_red_flags_count(loop_id=loop.pk)
    changed = decision_id is not None and decision_is_changed(decision_id=decision_id)
    if (new, red_flags, changed, *health_old) != (old, flagged, was_changed, *health.values()):
        Loop.objects.filter(pk=loop.pk).update(status=new, red_flags=red_flags, decision_changed=changed, **health)
    loop.status, loop.red_flags, loop.decision_changed = new, red_flags, changed
    for name, value in health.items():
        setattr(loop, name, value)
    if new == Loop.Status.COMPLETE and old != Loop.Status.COMPLETE:
        signals.loop_completed.send(sender=Loop, loop=loop)
    if old in FINISHED or new in FINISHED:
        dimension_spreads_rebuild(loops=Loop.objects.filter(pk=loop.pk))
    loop_statistics_refresh(loop=loop)


HEALTH_COLUMNS = ("last_interview_at", "scorecards_missing", "last_scorecard_at")  # as loop_health_values gives them


def _status_from_scorecards(panel: list[PanelRow]) -> str:
    statuses = [(row.status, row.revision or 0) for row in panel if row.status is not None]
    if statuses and all(status == Scorecard.Status.SUBMITTED for status, _ in statuses):
        return Loop.Status.COMPLETE
    if any(scorecard_is_started(status=status, revision=revision) for status, revision in statuses):
        return Loop.Status.IN_PROGRESS
    return Loop.Status.PLANNED


def dimension_spreads_rebuild(*, loops: QuerySet[Loop]) -> int:
    """Recompute the stored per-dimension spreads of these loops; returns how many were stored.

    Only complete and decided loops keep spreads, one per dimension scored by two or more people.
    The per-(role, dimension) totals that usual spreads are read from move with them.
    """
    stored = DimensionSpread.objects.filter(loop__in=loops)
    old = list(stored.values_list("role_id", "dimension_slug", "spread"))
    stored.delete()
    rows = (
        scored_ratings()
        .filter(scorecard__interview__loop__in=loops.filter(status__in=FINISHED))
        .order_by()
        .values(
            loop_id=F("scorecard__interview__loop_id"),
            role_id=F("scorecard__interview__loop__rubric__role_id"),
            slug=F("dimension__slug"),
            low_end=F("scorecard__interview__loop__rubric__scale_min"),
            high_end=F("scorecard__interview__loop__rubric__scale_max"),
        )
        .annotate(raters=Count("pk"), spread=Max("score") - Min("score"))
        .filter(raters__gte=2)
    )
    spreads = [
        DimensionSpread(
            loop_id=row["loop_id"],
            role_id=row["role_id"],
            dimension_slug=row["slug"],
            spread=row["spread"] / (row["high_end"] - row["low_end"]),
        )
        for row in rows
    ]
    DimensionSpread.objects.bulk_create(spreads, batch_size=1000)
    spread_totals_apply(old=old, new=[(s.role_id, s.dimension_slug, s.spread) for s in spreads])
    return len(spreads)
