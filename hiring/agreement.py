"""Agreement and interval statistics for calibration: Krippendorff's alpha with a bootstrap interval,
and Student's t intervals for means.

- The point estimate of alpha is the `krippendorff` library's (ordinal).
- Its 95% interval resamples whole units (loops) with replacement, BOOTSTRAP_RESAMPLES times
  from a generator seeded with BOOTSTRAP_SEED, so the same data always gives the same
  interval; the interval is the 2.5th and 97.5th percentiles of the resampled alphas
  (resamples where alpha is undefined are left out). A resample's alpha is computed from the
  units' coincidence matrices, all resamples at once, so the page stays fast; `ordinal_alpha`
  and `bootstrap_interval` agree with the library on the full sample (tested).
- A mean's 95% interval is mean ± t(0.975, n − 1)·sd/√n (Student's t from scipy), which is
  wider than the normal 1.96 for small n; none with fewer than two values.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import krippendorff
import numpy as np
from scipy import stats

BOOTSTRAP_RESAMPLES = 400
BOOTSTRAP_SEED = 20261201
CONFIDENCE = 0.95


def t_interval(values: Sequence[float]) -> tuple[float, float] | None:
    """mean ± t(0.975, n − 1)·sd/√n over the values (sample sd); None below two values."""
    if len(values) < 2:
        return None
    n = len(values)
    mean = statistics.fmean(values)
    half = float(stats.t.ppf(1 - (1 - CONFIDENCE) / 2, n - 1)) * statistics.stdev(values) / math.sqrt(n)
    return (mean - half, mean + half)


def ordinal_alpha(units: Sequence[Sequence[float]]) -> float | None:
    """Krippendorff's alpha (ordinal) over units of two or more values; None where it is undefined."""
    units = [values for values in units if len(values) >= 2]
    if not units:
        return None
    matrix = np.full((max(len(values) for values in units), len(units)), np.nan)
    for column, values in enumerate(units):
        matrix[: len(values), column] = values
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal"))
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def _unit_coincidences(units: Sequence[Sequence[float]]) -> np.ndarray:
    """One coincidence matrix per unit, over the sorted values seen: (units, values, values)."""
    domain = sorted({value for values in units for value in values})
    index = {value: i for i, value in enumerate(domain)}
    counts = np.zeros((len(units), len(domain)))
    for u, values in enumerate(units):
        for value in values:
            counts[u, index[value]] += 1
    pairable = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :]
    diagonal = np.einsum("uv,vw->uvw", counts, np.eye(len(domain)))
    coincidences: np.ndarray = (outer - diagonal) / (pairable - 1)[:, None, None]
    return coincidences


def _alphas(weights: np.ndarray, coincidences: np.ndarray) -> np.ndarray:
    """Ordinal alpha for each row of unit weights (how often each unit is drawn); NaN where undefined."""
    o = np.einsum("bu,uvw->bvw", weights, coincidences)
    n_v = o.sum(axis=2)
    n = n_v.sum(axis=1)
    cumulative = np.cumsum(n_v, axis=1)
    between = cumulative[:, None, :] - cumulative[:, :, None] + n_v[:, :, None]  # sum of n_g for g in c..k, k >= c
    between = np.where(np.triu(np.ones(between.shape[1:], dtype=bool)), between, between.transpose(0, 2, 1))
    delta = (between - (n_v[:, :, None] + n_v[:, None, :]) / 2) ** 2
    observed = (o * delta).sum(axis=(1, 2))
    expected = (n_v[:, :, None] * n_v[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


def bootstrap_interval(units: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """The bootstrap 95% interval of ordinal alpha, resampling units (see the module docstring)."""
    units = [values for values in units if len(values) >= 2]
    if len(units) < 2:
        return None
    coincidences = _unit_coincidences(units)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    weights = rng.multinomial(len(units), np.full(len(units), 1 / len(units)), size=BOOTSTRAP_RESAMPLES)
    alphas = _alphas(weights.astype(float), coincidences)
    alphas = alphas[np.isfinite(alphas)]
    if len(alphas) < BOOTSTRAP_RESAMPLES / 2:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(alphas, [tail, 100 - tail])
    return (float(low), float(high))


def full_sample_alpha(units: Sequence[Sequence[float]]) -> float | None:
    """Alpha on the full sample through the same arithmetic as the bootstrap (to check it against the library)."""
    units = [values for values in units if len(values) >= 2]
    if not units:
        return None
    value = float(_alphas(np.ones((1, len(units))), _unit_coincidences(units))[0])
    return value if math.isfinite(value) else None


def t_interval_from_sums(*, n: int, total: float, squares: float) -> tuple[float, float] | None:
    """t_interval from the count, sum and sum of squares of the values (as stored running totals)."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    half = float(stats.t.ppf(1 - (1 - CONFIDENCE) / 2, n - 1)) * math.sqrt(variance) / math.sqrt(n)
    return (mean - half, mean + half)


def coincidence_key(first: float, second: float, pairable: int) -> str:
    return f"{first!r} {second!r} {pairable}"


def unit_coincidences(values: Sequence[float]) -> dict[str, int]:
    """One unit's ordered value pairs, {coincidence_key: count}: n_c(n_c - 1) on the diagonal, n_c·n_k off it.

    Krippendorff's coincidence o_ck is the sum over units of count / (m - 1), m the unit's values:
    additive over units, so totals can be kept by adding and subtracting units' counts.
    """
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    pairable = len(values)
    found: dict[str, int] = {}
    for first, n_first in counts.items():
        for second, n_second in counts.items():
            pairs = n_first * (n_first - 1) if first == second else n_first * n_second
            if pairs:
                found[coincidence_key(first, second, pairable)] = pairs
    return found


def alpha_from_coincidences(counts: dict[str, int]) -> float | None:
    """Ordinal alpha from summed unit_coincidences counts, by the arithmetic of the bootstrap; None if undefined."""
    cells: list[tuple[float, float, float]] = []
    for key, pairs in counts.items():
        first_text, second_text, pairable = key.split(" ")
        if pairs:
            cells.append((float(first_text), float(second_text), pairs / (int(pairable) - 1)))
    if not cells:
        return None
    domain = sorted({value for first, second, _ in cells for value in (first, second)})
    index = {value: i for i, value in enumerate(domain)}
    matrix = np.zeros((1, len(domain), len(domain)))
    for first, second, weight in cells:
        matrix[0, index[first], index[second]] += weight
    value = float(_alphas(np.ones((1, 1)), matrix)[0])
    return value if math.isfinite(value) else None
