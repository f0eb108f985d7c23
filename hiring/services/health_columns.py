"""The columns hiring health reads instead of joining and grouping history (issue 31), kept in step.

- ``Interview.scorecard_submitted_at``: its scorecard's submission time while submitted, else none. An
  amendment keeps the submission time; a reschedule moves ``scheduled_at`` on the same row, so the latency
  (the difference of the two) follows it with no write here.
- ``Loop.last_interview_at``, ``Loop.scorecards_missing`` (draft scorecards) and ``Loop.last_scorecard_at``
  (the latest submission): the stalled list, the funnel's "planned" and time to decision.
- ``Loop.first_decided_at`` (its ``decided`` entry's time) and ``Loop.decision_outcome`` (the current
  decision's): time to decision and the funnel's outcomes, with no join to the decisions. Written with the
  decision itself (``hiring.services.decisions``), where ``Loop.decision`` is.

Every write that can move them (plan saves, submits, amendments, decisions) ends in
``loop_status_refresh``, which reads the loop's panel once (``panel_rows``) and stores what changed.
``health_columns_rebuild`` recomputes them all, in id ranges (``statistics_rebuild``, the migration that
added them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from hiring.models import Decision, Interview, Loop, Scorecard

BATCH = 5_000  # ids per statement of the rebuild


@dataclass(frozen=True)
class PanelRow:
    """One interview of a loop, with its scorecard (none only while the plan is being written)."""

    interview_id: int
    scheduled_at: dt.datetime
    stored_submitted_at: dt.datetime | None
    status: str | None
    revision: int | None
    submitted_at: dt.datetime | None

    @property
    def submission(self) -> dt.datetime | None:
        """What the interview row should hold: the submission time of a submitted scorecard."""
        return self.submitted_at if self.status == Scorecard.Status.SUBMITTED else None


def panel_rows(*, loop_id: int) -> list[PanelRow]:
    """The loop's interviews and their scorecards, in one query bounded by the panel."""
    rows = Interview.objects.filter(loop_id=loop_id).values_list(
        "pk",
        "scheduled_at",
        "scorecard_submitted_at",
        "scorecard__status",
        "scorecard__revision",
        "scorecard__submitted_at",
    )
    return [PanelRow(*row) for row in rows.order_by("pk")]


def loop_health_values(rows: list[PanelRow]) -> dict[str, Any]:
    """The loop's stored health columns, from its panel."""
    submissions = [row.submission for row in rows if row.submission is not None]
    return {
        "last_interview_at": max((row.scheduled_at for row in rows), default=None),
        "scorecards_missing": sum(row.status == Scorecard.Status.DRAFT for row in rows),
        "last_scorecard_at": max(submissions, default=None),
    }


def interviews_submission_store(rows: list[PanelRow]) -> None:
    """Store each interview's submission time where it differs (a submit: one row)."""
    for row in rows:
        if row.stored_submitted_at != row.submission:
            Interview.objects.filter(pk=row.interview_id).update(scorecard_submitted_at=row.submission)


def health_columns_rebuild(
    *,
    interview_model: type[Interview] = Interview,
    scorecard_model: type[Scorecard] = Scorecard,
    loop_model: type[Loop] = Loop,
    decision_model: type[Decision] = Decision,
    batch: int = BATCH,
) -> dict[str, int]:
    """Recompute every stored health column from the scorecards: statements over `batch` ids each, so the
    cost is linear in the rows and no statement holds more than a batch of them. The models are parameters
    so that the migration that added the columns runs it with its historical models."""
    submitted = scorecard_model.objects.filter(interview_id=OuterRef("pk"), status=Scorecard.Status.SUBMITTED)
    interviews = _ranges(interview_model, batch)
    for low, high in interviews:
        interview_model.objects.filter(pk__gte=low, pk__lt=high).update(
            scorecard_submitted_at=Subquery(submitted.values("submitted_at")[:1])
        )
    panel = interview_model.objects.filter(loop_id=OuterRef("pk")).order_by().values("loop_id")
    drafts = (
        scorecard_model.objects.filter(interview__loop_id=OuterRef("pk"), status=Scorecard.Status.DRAFT)
        .order_by()
        .values("interview__loop_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decided = (
        decision_model.objects.filter(loop_id=OuterRef("pk"), kind=Decision.Kind.DECIDED)
        .order_by()
        .values("loop_id")
        .annotate(at=Min("at"))
        .values("at")
    )
    current = decision_model.objects.filter(pk=OuterRef("decision_id")).values("outcome")
    loops = _ranges(loop_model, batch)
    for low, high in loops:
        loop_model.objects.filter(pk__gte=low, pk__lt=high).update(
            last_interview_at=Subquery(panel.annotate(at=Max("scheduled_at")).values("at")),
            scorecards_missing=Coalesce(Subquery(drafts), Value(0)),
            last_scorecard_at=Subquery(panel.annotate(at=Max("scorecard_submitted_at")).values("at")),
            first_decided_at=Subquery(decided),
            decision_outcome=Coalesce(Subquery(current), Value("")),
        )
    return {"interview_batches": len(interviews), "loop_batches": len(loops)}


def _ranges(model: type[Interview] | type[Loop], batch: int) -> list[tuple[int, int]]:
    """Half-open id ranges of `batch` ids covering the table."""
    bounds = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    return [(low, low + batch) for low in range(bounds["low"], bounds["high"] + 1, batch)]
