"""Scores on one scale: every role's scale (1–5, 0–4, …) is compared on a normalised 0–1 scale.

(score - min) / (max - min): 0 is the bottom of the role's own scale and 1 the top. This is the
only place the formula is written; code that needs it in SQL says so and cites this module.
"""

from __future__ import annotations


def normalise(value: float, *, scale_min: int, scale_max: int) -> float:
    return (value - scale_min) / (scale_max - scale_min)
