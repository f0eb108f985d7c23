"""Validity: how well each dimension's scores, and the loop's normalised mean, predict how hires did later.

The rules, one place:
- A hire's later performance is their latest outcome's rating, normalised on the scale it was given in
  ((rating − scale_min) / (scale_max − scale_min)); only loops currently decided "hire" count.
- A dimension's score for a hire is its normalised mean over the loop's counted ratings (hiring.scoring:
  scored, on submitted scorecards); the loop's normalised mean is the mean of those dimension means.
- Per role and dimension (by slug, across rubric versions), and per role for the loop mean: Pearson's r
  between score and performance over the hires with both, its 95% interval by Fisher's z
  (tanh(atanh r ± 1.96 / √(n − 3))), and n. Below settings.VALIDITY_MIN_HIRES hires no figure is given;
  with no variation in either (r undefined) none either.
- Hired candidates are a restricted range (those who scored low were not hired), so r understates the
  validity over all candidates; the page says so.

Two queries whatever the data: the outcomes of the loops in view, and their counted ratings grouped by
loop and dimension.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, F, QuerySet

from hiring.models import DecisionOutcome, HiringOutcome, Loop
from hiring.scoring import loop_normalised_mean, normalised_score_sql, scored_ratings

Z_95 = 1.959963984540054  # the normal distribution's 97.5th percentile
LOOP_MEAN = ""  # the `dimension` of a role's loop-mean row


@dataclass(frozen=True)
class Validity:
    role: str
    role_title: str
    dimension: str  # a dimension's slug; LOOP_MEAN for the loop's normalised mean
    dimension_name: str
    hires: int
    r: float | None  # None below the minimum sample, or undefined
    interval: tuple[float, float] | None

    @property
    def is_loop_mean(self) -> bool:
        return self.dimension == LOOP_MEAN

    @property
    def too_few(self) -> bool:
        return self.hires < int(settings.VALIDITY_MIN_HIRES)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, None when either list has no variation (or fewer than two pairs)."""
    if len(xs) < 2:
        return None
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return None


def fisher_interval(r: float, n: int) -> tuple[float, float] | None:
    """The 95% interval of r by Fisher's z; None with n ≤ 3 (no standard error)."""
    if n <= 3:
        return None
    if abs(r) >= 1:
        return (r, r)
    z, half = math.atanh(r), Z_95 / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def _figure(pairs: list[tuple[float, float]], minimum: int) -> tuple[float | None, tuple[float, float] | None]:
    if len(pairs) < minimum:
        return None, None
    r = pearson([x for x, _ in pairs], [y for _, y in pairs])
    return r, (None if r is None else fisher_interval(r, len(pairs)))


def validity_report(*, loops: QuerySet[Loop]) -> list[Validity]:
    """For the loops given (calibration's filters), each role's loop mean and dimensions against later performance."""
    hires = loops.filter(decision__outcome=DecisionOutcome.HIRE)
    performance: dict[int, float] = {}
    for outcome in HiringOutcome.objects.filter(loop__in=hires).order_by("loop_id", "date", "pk"):
        performance[outcome.loop_id] = outcome.normalised  # the latest outcome of each loop wins
    if not performance:
        return []
    rows = (
        scored_ratings()
        .filter(scorecard__interview__loop_id__in=list(performance))
        .order_by()
        .values(
            loop=F("scorecard__interview__loop_id"),
            role=F("dimension__rubric__role__slug"),
            slug=F("dimension__slug"),
            role_title=F("dimension__rubric__title"),
            name=F("dimension__name"),
            position=F("dimension__position"),
            number=F("dimension__rubric__number"),
        )
        .annotate(mean=Avg(normalised_score_sql()))
    )
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    loop_means: dict[tuple[str, int], list[float]] = defaultdict(list)
    names: dict[tuple[str, str], tuple[int, str, str, int]] = {}
    for row in rows:
        key = (row["role"], row["slug"])
        pairs[key].append((row["mean"], performance[row["loop"]]))
        loop_means[row["role"], row["loop"]].append(row["mean"])
        if key not in names or row["number"] > names[key][0]:
            names[key] = (row["number"], row["role_title"], row["name"], row["position"])
        role_key = (row["role"], LOOP_MEAN)
        if role_key not in names or row["number"] > names[role_key][0]:
            names[role_key] = (row["number"], row["role_title"], "Loop's normalised mean", -1)
    for (role, loop_id), means in loop_means.items():
        mean = loop_normalised_mean(means)
        if mean is not None:
            pairs[role, LOOP_MEAN].append((mean, performance[loop_id]))
    minimum = settings.VALIDITY_MIN_HIRES
    report = []
    for (role, slug), found in pairs.items():
        _, role_title, name, _ = names[role, slug]
        r, interval = _figure(found, minimum)
        report.append(
            Validity(
                role=role,
                role_title=role_title,
                dimension=slug,
                dimension_name=name,
                hires=len(found),
                r=r,
                interval=interval,
            )
        )
    return sorted(report, key=lambda item: (item.role_title, names[item.role, item.dimension][3], item.dimension))
