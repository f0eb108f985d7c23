"""Conformity: did an amendment made after seeing colleagues' scorecards move toward the panel?

The rule, defined here and nowhere else: an amendment counts when its author had opened a colleague's
scorecard on the loop before amending (`Amendment.after_viewing`). Each dimension whose score it changed
from one number to another, where at least one colleague's submitted scorecard scores that dimension, is
one *move*; the move is *toward the panel* when the new score is closer than the old one to the mean of the
colleagues' scores at that moment (strictly closer: a move across the mean to the same distance is not).
Changes to or from "not assessed" are not moves: there is no distance to compare.

The figures are taken when the amendment is written (the panel as its author could see it) and kept on the
amendment (`moves`, `moves_toward`); calibration sums them per interviewer and per role.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Moves:
    moves: int = 0
    toward: int = 0


def panel_moves(
    *, before: Mapping[int, int], after: Mapping[int, int], colleagues: Mapping[int, Sequence[int]]
) -> Moves:
    """The moves of one amendment: `before` and `after` map each dimension to the author's score (dimensions
    not scored are absent), `colleagues` each dimension to the colleagues' submitted scores."""
    moves = toward = 0
    for dimension, old in before.items():
        new = after.get(dimension)
        others = colleagues.get(dimension)
        if new is None or new == old or not others:
            continue
        mean = statistics.fmean(others)
        moves += 1
        toward += abs(new - mean) < abs(old - mean)
    return Moves(moves=moves, toward=toward)


def share(*, moves: int, toward: int) -> float | None:
    """The share of moves toward the panel; none without a move."""
    return toward / moves if moves else None
