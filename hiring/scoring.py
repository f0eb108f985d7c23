"""Scores on one scale: every role's scale (1–5, 0–4, …) is compared on a normalised 0–1 scale.

(score - min) / (max - min): 0 is the bottom of the role's own scale and 1 the top. This is the
only place the formula is written, in Python (`normalise`) and in SQL (`normalised_score_sql`).

A loop's normalised mean is the mean of its scored dimensions' normalised means: for each
dimension that at least one submitted scorecard scored, the mean of those normalised scores;
then the plain mean over those dimensions, so every scored dimension weighs the same however
many interviewers scored it. "Not assessed" is never a score and is left out; a dimension
nobody scored is left out; with no scored dimension there is no mean. The debrief and the
summary compute it with `loop_normalised_mean`, the pipeline and the exports in the database
with `loop_normalised_mean_sql`; the tests hold both to the same hand-computed figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from django.db.models import Count, F, FloatField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast

from hiring.models import Rating, Scorecard


def normalise(value: float, *, scale_min: int, scale_max: int) -> float:
    return (value - scale_min) / (scale_max - scale_min)


def loop_normalised_mean(dimension_means: Iterable[float | None]) -> float | None:
    """The loop's normalised mean from its dimensions' normalised means (None: nobody scored it)."""
    scored = [mean for mean in dimension_means if mean is not None]
    return statistics.fmean(scored) if scored else None


def normalised_score_sql(rubric: str = "scorecard__interview__loop__rubric") -> CombinedExpression:
    """`normalise` as a database expression on a Rating queryset (the rating's score on its loop's scale)."""
    low, high = F(f"{rubric}__scale_min"), F(f"{rubric}__scale_max")
    return Cast(F("score") - low, FloatField()) / Cast(high - low, FloatField())


def scored_ratings() -> QuerySet[Rating]:
    """The ratings that count: scored (not "not assessed") on submitted scorecards."""
    return Rating.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED, score__isnull=False, not_assessed=False)


def dimension_normalised_mean_sql(*, slug: str) -> Subquery:
    """For a Loop queryset: the normalised mean of its scores on the dimension with this slug."""
    per_loop = (
        scored_ratings()
        .filter(scorecard__interview__loop=OuterRef("pk"), dimension__slug=slug)
        .order_by()
        .values("scorecard__interview__loop")
        .annotate(mean=Sum(normalised_score_sql()) / Cast(Count("pk"), FloatField()))
        .values("mean")[:1]
    )
    return Subquery(per_loop, output_field=FloatField())


def loop_normalised_mean_sql() -> Subquery:
    """For a Loop queryset: the loop's normalised mean (see the module docstring), in one correlated subquery.

    The mean of dimension means is the sum, over the loop's scored ratings, of each normalised
    score divided by (the number of scores on its dimension x the number of scored dimensions).
    """
    on_same_dimension = (
        scored_ratings()
        .filter(
            scorecard__interview__loop_id=OuterRef("scorecard__interview__loop_id"),
            dimension_id=OuterRef("dimension_id"),
        )
        .order_by()
        .values("dimension_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    per_loop = (
        scored_ratings()
        .filter(scorecard__interview__loop=OuterRef("pk"))
        .order_by()
        .values("scorecard__interview__loop")
        .annotate(
            mean=Sum(normalised_score_sql() / Cast(Subquery(on_same_dimension), FloatField()))
            / Cast(Count("dimension_id", distinct=True), FloatField())
        )
        .values("mean")[:1]
    )
    return Subquery(per_loop, output_field=FloatField())
