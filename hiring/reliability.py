"""How many independent ratings a dimension needs: the Spearman–Brown prophecy on its measured agreement.

A dimension's Krippendorff alpha (hiring.selectors.calibration) says how far two interviewers who rate the
same candidate on it agree: the reliability of one rating. The mean of k independent ratings is more reliable:

    R(k) = k·r / (1 + (k − 1)·r)                      (Spearman–Brown)

so the number of ratings whose mean reaches a target reliability R is the smallest whole k with R(k) ≥ R:

    k = R·(1 − r) / (r·(1 − R)),  rounded up.

Read with care (docs/DECISIONS.md): the formula assumes the ratings are independent (each written before
seeing the others', which the blind scorecard gives) and that more interviewers would agree as the measured
ones do. With alpha at or below zero no panel reaches the target; with few loops alpha is too uncertain to
size a panel on, so nothing is recommended below MIN_PANEL_LOOPS. The range comes from alpha's bootstrap
interval: the upper end of alpha gives the fewest ratings, the lower end the most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PANEL_LOOPS = 10  # loops of two or more interviewers before a panel size is recommended (as for flagging)


def reliability_of_mean(*, single: float, ratings: int) -> float:
    """Spearman–Brown: the reliability of the mean of `ratings` ratings each of reliability `single`."""
    if ratings < 1:
        raise ValueError("A mean needs at least one rating.")
    return ratings * single / (1 + (ratings - 1) * single)


def ratings_needed(*, single: float, target: float) -> int | None:
    """The fewest independent ratings whose mean reaches `target`; None when no number does (single ≤ 0)."""
    if not 0 < target < 1:
        raise ValueError(f"A reliability target lies strictly between 0 and 1, not {target}.")
    if single <= 0:
        return None
    if single >= target:
        return 1
    exact = target * (1 - single) / (single * (1 - target))
    needed = math.ceil(exact - 1e-9)  # 4.0000000001 from floating point is 4
    return needed if reliability_of_mean(single=single, ratings=needed) >= target - 1e-9 else needed + 1


@dataclass(frozen=True)
class PanelSize:
    """The ratings a dimension needs for `target`, with the range from alpha's interval.

    `needed` is None when nothing is recommended: `too_few_loops` (fewer than MIN_PANEL_LOOPS loops or no
    alpha yet) or `unreachable` (alpha at or below zero). `most` is None when the interval's lower end is at or
    below zero (no upper bound).
    """

    target: float
    needed: int | None
    fewest: int | None = None
    most: int | None = None
    too_few_loops: bool = False
    unreachable: bool = False


def panel_size(*, alpha: float | None, interval: tuple[float, float] | None, loops: int, target: float) -> PanelSize:
    if alpha is None or loops < MIN_PANEL_LOOPS:
        return PanelSize(target=target, needed=None, too_few_loops=True)
    needed = ratings_needed(single=alpha, target=target)
    if needed is None:
        return PanelSize(target=target, needed=None, unreachable=True)
    if interval is None:
        return PanelSize(target=target, needed=needed)
    low, high = interval
    return PanelSize(
        target=target,
        needed=needed,
        fewest=ratings_needed(single=high, target=target),
        most=ratings_needed(single=low, target=target),
    )
