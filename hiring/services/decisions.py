"""Recording a loop's decision."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hiring import policy, signals
from hiring.models import (
    MAX_TEXT,
    AuditEvent,
    Decision,
    Loop,
)
from hiring.services.audit import audit_record
from hiring.services.loop_status import loop_status_refresh


class DecisionConflict(Exception):
    """Someone else recorded this loop's decision first."""


@transaction.atomic
def loop_decide(*, loop: Loop, by: User, outcome: str, rationale: str) -> Decision:
    """Record the hiring manager's decision; the loop becomes decided and its scorecards locked."""
    if not policy.can_decide(by, loop):
        raise PermissionDenied("Only the loop's hiring manager can record its decision.")
    current = Loop.objects.select_for_update().get(pk=loop.pk)
    if current.status == Loop.Status.DECIDED or Decision.objects.filter(loop=current).exists():
        raise DecisionConflict("This loop already has a decision; it was not changed.")
    if not rationale.strip():
        raise ValidationError({"rationale": "Write the rationale for the decision."})
    if len(rationale) > MAX_TEXT:
        raise ValidationError({"rationale": f"The rationale is limited to {MAX_TEXT:,} characters."})
    decision = Decision(loop=current, by=by, outcome=outcome, rationale=rationale.strip())
    decision.full_clean()
    decision.save()
    Loop.objects.filter(pk=loop.pk).update(status=Loop.Status.DECIDED)
    loop_status_refresh(loop)
    audit_record(
        actor=by, action=AuditEvent.Action.DECIDE, loop=current, summary=f"Decision: {decision.get_outcome_display()}"
    )
    signals.decision_recorded.send(sender=Decision, loop=current, decision=decision)
    return decision
