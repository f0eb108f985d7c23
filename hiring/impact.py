"""The adverse-impact figures, as plain arithmetic: the four-fifths rule, Fisher's exact test, Cohen's d.

- Impact ratio: a group's selection rate divided by the highest group's. Below 4/5 is the Uniform Guidelines'
  rule of thumb for adverse impact (29 CFR 1607.4(D)); it is a flag for a closer look, not a finding.
- Fisher's exact test, two-sided, of a 2×2 table (a group's passed and not passed against the highest-rate
  group's): the probability, with the margins fixed (hypergeometric), of a table at most as likely as the one
  seen. Summed in log space (``math.lgamma``) so large counts neither overflow nor lose precision.
- Cohen's d: the difference of two groups' mean scores in pooled standard deviations, and its 95% interval by
  the usual large-sample standard error (Hedges & Olkin 1985): sqrt((n1 + n2)/(n1·n2) + d²/(2(n1 + n2))).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

FOUR_FIFTHS = 0.8
Z_95 = 1.959963984540054  # the normal distribution's 97.5th percentile
_RELATIVE_TOLERANCE = 1e-7  # tables this close in probability to the one seen count as "as likely" (as R does)


def impact_ratio(rate: float, highest: float) -> float | None:
    """A group's rate over the highest group's; None when nobody in the highest group passed."""
    return rate / highest if highest > 0 else None


def below_four_fifths(ratio: float | None) -> bool | None:
    return None if ratio is None else ratio < FOUR_FIFTHS


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the table [[a, b], [c, d]] (counts, none negative)."""
    if min(a, b, c, d) < 0:
        raise ValueError("A table of counts has no negative cell.")
    row, other_row, column = a + b, c + d, a + c
    total = row + other_row
    low, high = max(0, column - other_row), min(row, column)
    log_whole = _log_choose(total, column)

    def log_p(x: int) -> float:
        return _log_choose(row, x) + _log_choose(other_row, column - x) - log_whole

    seen = log_p(a)
    threshold = seen + math.log1p(_RELATIVE_TOLERANCE)
    terms = [lp for lp in (log_p(x) for x in range(low, high + 1)) if lp <= threshold]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(lp - top) for lp in terms))


@dataclass(frozen=True)
class Difference:
    """Cohen's d of one group against another and its 95% interval."""

    d: float
    low: float
    high: float


def cohens_d(group: Sequence[float], reference: Sequence[float]) -> Difference | None:
    """(mean of group − mean of reference) / pooled standard deviation, with its 95% interval; None when either
    group has fewer than two scores or every score is the same (no spread to measure a difference in)."""
    n1, n2 = len(group), len(reference)
    if n1 < 2 or n2 < 2:
        return None
    pooled_variance = ((n1 - 1) * statistics.variance(group) + (n2 - 1) * statistics.variance(reference)) / (
        n1 + n2 - 2
    )
    if pooled_variance <= 0:
        return None
    d = (statistics.fmean(group) - statistics.fmean(reference)) / math.sqrt(pooled_variance)
    error = math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)))
    return Difference(d=d, low=d - Z_95 * error, high=d + Z_95 * error)
