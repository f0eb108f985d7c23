"""What a decision rested on, and what changed since.

The rule, defined here and nowhere else (`moved_basis`, `decision_is_changed`): a loop's current
decision (`Loop.decision`) is *changed since decided* when any scorecard in its basis is no longer
at the revision the decision was made on (a submitted scorecard moves on only by an amendment).
Every write that can change it ends in `loop_status_refresh`, which stores it as
`Loop.decision_changed` for the lists, filters and exports to read by index. The changes since the decision are exactly
the amendments that produced a revision past the basis revision.
"""

from __future__ import annotations

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
