"""What a decision rested on, and what changed since.

The rule, defined here and nowhere else (`moved_basis`, `decision_is_changed`): a loop's current
decision (`Loop.decision`) is *changed since decided* when any scorecard in its basis is no longer
at the revision the decision was made on (a submitted scorecard moves on only by an amendment).
Every write that can change it ends in `loop_status_refresh`, which stores it as
`Loop.decision_changed` for the lists, filters and exports to read by index. The changes since the decision are exactly
the amendments that produced a revision past the basis revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, QuerySet

from hiring.models import Amendment, Decision, DecisionBasis, Loop


def moved_basis() -> QuerySet[DecisionBasis]:
    """The rule: basis rows whose scorecard is no longer at the revision the decision rested on."""
    return DecisionBasis.objects.exclude(revision=F("scorecard__revision"))


def decision_is_changed(*, decision_id: int) -> bool:
    """The rule for one decision (stored on its loop as `Loop.decision_changed` by loop_status_refresh)."""
    return moved_basis().filter(decision_id=decision_id).exists()


@dataclass
class DecisionState:
    """A loop's decision history (oldest first), its current decision and what changed since it."""

    history: list[Decision] = field(default_factory=list)
    amendments: Sequence[Amendment] = ()  # all of the loop's, oldest first
    since_decision: frozenset[int] = frozenset()  # the ids of those past the revision the current decision rested on

    @property
    def changes(self) -> list[Amendment]:
        """The amendments since the current decision."""
        return [amendment for amendment in self.amendments if amendment.pk in self.since_decision]

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


def _history(loop: Loop) -> list[Decision]:
    """The loop's decisions, oldest first. A loop is decided once (``loop_decide``) and every later entry is a
    revisit, so a current decision of the first kind is the whole history: no query beyond the loop's own."""
    current = loop.decision
    if current is None:
        return []
    if current.kind == Decision.Kind.DECIDED:
        return [current]
    return list(Decision.objects.filter(loop=loop).select_related("by").order_by("at", "pk"))


def decision_state(*, loop: Loop) -> DecisionState:
    """The loop's decisions and its amendments, each marked whether it came since the current decision, in two
    queries (the debrief reads its amendments from here too)."""
    history = _history(loop)
    basis = DecisionBasis.objects.filter(
        decision__in=history[-1:], scorecard=OuterRef("scorecard"), revision__lt=OuterRef("revision")
    )
    amendments = list(
        Amendment.objects.filter(scorecard__interview__loop=loop)
        .annotate(since_decision=Exists(basis))
        .select_related("by", "scorecard__interview__exercise", "scorecard__interview__interviewer")
        .order_by("at", "pk")
    )
    since = frozenset(amendment.pk for amendment in amendments if amendment.since_decision)
    return DecisionState(history=history, amendments=amendments, since_decision=since)
