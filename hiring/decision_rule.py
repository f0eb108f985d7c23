"""The decision rule (issue 28): what the evidence says, fixed with the rubric before any loop is scored.

A rubric version holds its rule (roles: `RubricVersion.rule_threshold`, `rule_no_red_flag`,
`Dimension.must_have_bar`); a version without one follows the DEFAULT rule: the loop's normalised mean at
least DEFAULT_THRESHOLD (0.65), no red flag observed, no must-have dimension. The rule's inputs:

- the loop's normalised mean (hiring.scoring, 0–1) is at least the threshold;
- no red flag is observed on a submitted scorecard (when the rule asks for it);
- each must-have dimension's panel mean, on the role's own scale, is at least its bar.

Its outcome: "hire" when every input is met, "no hire" when any is not; no outcome yet ("not yet") while a
scorecard is pending, none is submitted, or a must-have dimension (or every dimension) is unrated.
"Hold" decides nothing, so it is never an override.

This module is pure: it reads the figures the debrief already has (no query of its own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hiring.models import DecisionOutcome
from roles.models import Dimension, RubricVersion

DEFAULT_THRESHOLD = 0.65
HIRE = DecisionOutcome.HIRE.value
NO_HIRE = DecisionOutcome.NO_HIRE.value
OUTCOME_LABELS = {HIRE: "Hire", NO_HIRE: "No hire", "": "Not yet"}
UP, DOWN = "up", "down"  # an override's direction: OVERRIDE_DIRECTIONS


@dataclass(frozen=True)
class MustHave:
    dimension: Dimension
    bar: int  # on the role's own scale


@dataclass(frozen=True)
class Rule:
    threshold: float
    no_red_flag: bool
    must_haves: list[MustHave]
    is_default: bool  # the version has no rule of its own


@dataclass(frozen=True)
class RuleInput:
    """One input of the rule: its value (None: not known yet), its threshold and whether it is met."""

    kind: str  # "mean" (normalised 0–1), "red_flags" (a count; the threshold is 0), "must_have" (the role's scale)
    label: str
    value: float | None
    threshold: float
    met: bool | None  # None: not known yet


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    outcome: str  # HIRE, NO_HIRE, or "" (not yet)
    inputs: list[RuleInput]
    waiting: int  # scorecards pending

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def rule_of(*, rubric: RubricVersion, dimensions: Sequence[Dimension]) -> Rule:
    """The version's own rule, or the default one when it has none."""
    must_haves = [MustHave(d, d.must_have_bar) for d in dimensions if d.must_have_bar is not None]
    if rubric.rule_threshold is None:
        return Rule(threshold=DEFAULT_THRESHOLD, no_red_flag=True, must_haves=must_haves, is_default=True)
    return Rule(
        threshold=rubric.rule_threshold, no_red_flag=rubric.rule_no_red_flag, must_haves=must_haves, is_default=False
    )


def rule_evaluate(
    rule: Rule,
    *,
    normalised_mean: float | None,
    red_flags: int,
    dimension_means: Mapping[int, float | None],
    submitted: int,
    pending: int,
) -> RuleResult:
    """The rule applied to a loop's figures: `dimension_means` by dimension id, on the role's own scale."""
    inputs = [
        RuleInput(
            "mean",
            "Normalised mean",
            normalised_mean,
            rule.threshold,
            None if normalised_mean is None else normalised_mean >= rule.threshold,
        )
    ]
    if rule.no_red_flag:
        inputs.append(RuleInput("red_flags", "Red flags observed", red_flags, 0, red_flags == 0 if submitted else None))
    for must in rule.must_haves:
        mean = dimension_means.get(must.dimension.pk)
        inputs.append(
            RuleInput("must_have", must.dimension.name, mean, must.bar, None if mean is None else mean >= must.bar)
        )
    if pending or not submitted or any(item.met is None for item in inputs):
        outcome = ""
    else:
        outcome = HIRE if all(item.met for item in inputs) else NO_HIRE
    return RuleResult(rule=rule, outcome=outcome, inputs=inputs, waiting=pending)


def is_override(*, rule_outcome: str, outcome: str) -> bool:
    """A decision goes against the rule: the rule has an outcome, and the decision hires or not the other way."""
    return bool(rule_outcome) and outcome in (HIRE, NO_HIRE) and outcome != rule_outcome


OVERRIDE_DIRECTIONS = {HIRE: UP, NO_HIRE: DOWN}
"""An override's direction follows from its outcome: hired where the rule said no hire is UP, not hired where it
said hire is DOWN (an override is always hire or no hire, `is_override`)."""
