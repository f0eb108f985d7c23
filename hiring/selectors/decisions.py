"""What a decision rested on, and what changed since.

The rule, defined here and nowhere else: a loop's current decision (`Loop.decision`) is
*changed since decided* when any scorecard in its basis is no longer at the revision the
decision was made on (a submitted scorecard moves on only by an amendment). The changes since
the decision are exactly the amendments that produced a revision past the basis revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, OuterRef

from hiring.models import Amendment, Decision, DecisionBasis, Loop, Scorecard


def changed_since_decided(loop_ref: str = "decision_id") -> Exists:
    """For a Loop queryset: whether its current decision is changed since decided (see the module docstring)."""
    return Exists(
        DecisionBasis.objects.filter(decision_id=OuterRef(loop_ref)).exclude(revision=F("scorecard__revision"))
    )


def changed_since_decided_sql(*, loops_sql: str | None) -> str:
    """SQL: `loop_id` of each loop in `loops_sql` (None: every loop) changed since decided (the rule above).

    For the pipeline's grouped figures: one pass over the decision bases of the given loops, by
    index, where the `Exists` of `changed_since_decided` made PostgreSQL hash every basis row.
    """
    quote = connection.ops.quote_name
    loop, basis = quote(Loop._meta.db_table), quote(DecisionBasis._meta.db_table)
    card = quote(Scorecard._meta.db_table)
    return (
        f"SELECT l.id AS loop_id FROM {loop} l JOIN {basis} b ON b.decision_id = l.decision_id "
        f"JOIN {card} s ON s.id = b.scorecard_id WHERE b.revision <> s.revision "
        f"{'' if loops_sql is None else f'AND l.id IN ({loops_sql}) '}"
        "GROUP BY l.id"
    )


def decision_is_changed(*, decision: Decision) -> bool:
    return DecisionBasis.objects.filter(decision=decision).exclude(revision=F("scorecard__revision")).exists()


@dataclass
class DecisionState:
    """A loop's decision history (oldest first), its current decision and what changed since it."""

    history: list[Decision] = field(default_factory=list)
    changes: list[Amendment] = field(default_factory=list)

    @property
    def current(self) -> Decision | None:
        return self.history[-1] if self.history else None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def earlier(self) -> list[Decision]:
        """The history before the current decision, newest first."""
        return list(reversed(self.history[:-1]))


def decision_state(*, loop: Loop) -> DecisionState:
    """The loop's decisions and the amendments since the current one, in two queries."""
    history = list(Decision.objects.filter(loop=loop).select_related("by").order_by("at", "pk"))
    if not history:
        return DecisionState()
    current = history[-1]
    basis = DecisionBasis.objects.filter(decision=current, scorecard=OuterRef("scorecard"))
    changes = list(
        Amendment.objects.filter(scorecard__interview__loop=loop)
        .filter(Exists(basis.filter(revision__lt=OuterRef("revision"))))
        .select_related("by", "scorecard__interview__exercise", "scorecard__interview__interviewer")
        .order_by("at", "pk")
    )
    return DecisionState(history=history, changes=changes)
