"""Scores on one scale: every role's scale (1–5, 0–4, …) is compared on a normalised 0–1 scale.

(score - min) / (max - min): 0 is the bottom of the role's own scale and 1 the top. This is the
only place the formula is written, in Python (`normalise`) and in SQL (`normalised_score_sql` for
the ORM, `dimension_means_sql` for the pipeline's grouped pass). Which ratings count (scored, not
"not assessed", on submitted scorecards) is written here too: `scored_ratings` for a query,
`counted_score` for a rating already read, and `dimension_means_sql` in its SQL.

A loop's normalised mean is the mean of its scored dimensions' normalised means: for each
dimension that at least one submitted scorecard scored, the mean of those normalised scores;
then the plain mean over those dimensions, so every scored dimension weighs the same however
many interviewers scored it. "Not assessed" is never a score and is left out; a dimension
nobody scored is left out; with no scored dimension there is no mean. The debrief and the
summary compute it with `loop_normalised_mean`, the pipeline and the exports in the database
from `dimension_means_sql` (one grouped pass; `AVG` of its means per loop); the tests hold both to
the same hand-computed figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast

from hiring.models import Interview, Rating, Scorecard
from roles.models import Dimension, RubricVersion


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


def counted_score(rating: Rating | None) -> int | None:
    """A rating's score if it counts, as `scored_ratings` selects them, for a rating already read from a
    submitted scorecard: None when there is no rating, no score or it is "not assessed"."""
    if rating is None or rating.not_assessed:
        return None
    return rating.score


def dimension_means_sql(*, loops_sql: str | None) -> str:
    """SQL: each scored dimension's normalised mean per loop, for the loops in `loops_sql` (None: every loop).

    One grouped pass over the scored ratings (see `scored_ratings`) of submitted scorecards: columns
    `loop_id`, `dimension_id`, `slug`, `mean`. Parameters, after those of `loops_sql`: none; the
    status and the "not assessed" flag are written as literals so the text can be nested anywhere.
    The loop's normalised mean is `AVG(mean)` over its rows (the mean of its dimensions' means).
    The scale is the rubric's the dimension belongs to, which is the loop's (a rating is always on
    a dimension of its loop's rubric), read without touching the loops table.
    """
    quote = connection.ops.quote_name
    rating, card = quote(Rating._meta.db_table), quote(Scorecard._meta.db_table)
    interview = quote(Interview._meta.db_table)
    rubric, dimension = quote(RubricVersion._meta.db_table), quote(Dimension._meta.db_table)
    normalised = "CAST(r.score - rv.scale_min AS DOUBLE PRECISION) / (rv.scale_max - rv.scale_min)"
    return (
        f"SELECT i.loop_id AS loop_id, r.dimension_id AS dimension_id, d.slug AS slug, AVG({normalised}) AS mean "
        f"FROM {rating} r JOIN {card} s ON s.id = r.scorecard_id JOIN {interview} i ON i.id = s.interview_id "
        f"JOIN {dimension} d ON d.id = r.dimension_id JOIN {rubric} rv ON rv.id = d.rubric_id "
        f"WHERE s.status = '{Scorecard.Status.SUBMITTED.value}' AND r.score IS NOT NULL "
        "AND NOT r.not_assessed "
        f"{'' if loops_sql is None else f'AND i.loop_id IN ({loops_sql}) '}"
        "GROUP BY i.loop_id, r.dimension_id, d.slug"
    )
