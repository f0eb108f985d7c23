"""Recording a loop's decision, and revisiting it when the scorecards it rested on change.

- A decision is recorded on the loop's submitted scorecards, at their current revisions
  (its basis). It needs at least one submitted scorecard, or `without_scorecards` with the
  rationale saying why.
- Decisions are never overwritten: a confirmation or a new decision is a new entry of the
  loop's history, with its own basis, and becomes `Loop.decision`, the current one.
- A decided loop's scorecards can still be amended (with a reason). An amendment after the
  decision makes the decision "changed since decided" (hiring.selectors.decisions) and the
  hiring manager is emailed (`decision_changed_email`, sent once the amendment is committed).
- Every entry stores what the rubric version's decision rule said at that moment (hiring.decision_rule) and
  whether the outcome overrides it; an override needs its reason (`override_reason`), or nothing is saved.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hiring import policy, signals
from hiring.decision_rule import OUTCOME_LABELS, is_override
from hiring.models import (
    MAX_TEXT,
    Amendment,
    AuditEvent,
    Decision,
    DecisionBasis,
    Loop,
    Scorecard,
)
from hiring.selectors.debrief import loop_debrief
from hiring.selectors.decisions import decision_is_changed
from hiring.services.audit import audit_record
from hiring.services.loop_status import loop_status_refresh


class DecisionConflict(Exception):
    """Someone else recorded or revisited this loop's decision first."""


def _check_rationale(rationale: str) -> str:
    if not rationale.strip():
        raise ValidationError({"rationale": "Write the rationale for the decision."})
    if len(rationale) > MAX_TEXT:
        raise ValidationError({"rationale": f"The rationale is limited to {MAX_TEXT:,} characters."})
    return rationale.strip()


def _rule_check(*, loop: Loop, outcome: str, override_reason: str) -> tuple[str, bool, str]:
    """(the rule's outcome now, whether `outcome` overrides it, the reason kept): an override without a reason is
    refused. A reason given where nothing is overridden is not kept: it would explain nothing."""
    rule_outcome = loop_debrief(loop=loop).rule.outcome
    overridden = is_override(rule_outcome=rule_outcome, outcome=outcome)
    reason = override_reason.strip()
    if not overridden:
        return rule_outcome, False, ""
    if not reason:
        raise ValidationError(
            {
                "override_reason": f"The decision rule says {OUTCOME_LABELS[rule_outcome].lower()}: write why this "
                "decision goes the other way. Nothing was saved."
            }
        )
    if len(reason) > MAX_TEXT:
        raise ValidationError({"override_reason": f"The reason is limited to {MAX_TEXT:,} characters."})
    return rule_outcome, True, reason


def _record(
    *,
    loop: Loop,
    by: User,
    kind: str,
    outcome: str,
    rationale: str,
    without_scorecards: bool,
    override_reason: str = "",
) -> Decision:
    """Write one history entry on the loop's submitted scorecards as they are now.

    The caller holds the loop row's lock; a scorecard write locks the same row (its lock joins the
    loop), so no amendment is half-way while the basis is read: one committed before is in the
    basis, one after waits and then shows as a change since the decision.
    """
    cards = list(
        Scorecard.objects.filter(interview__loop=loop, status=Scorecard.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "revision")
    )
    if not cards and not without_scorecards:
        raise ValidationError(
            {
                "without_scorecards": "No scorecard is submitted yet. Wait for the panel, or tick "
                "“Decide without interviews” and say why in the rationale."
            }
        )
    rule_outcome, overridden, reason = _rule_check(loop=loop, outcome=outcome, override_reason=override_reason)
    decision = Decision(
        loop=loop,
        by=by,
        kind=kind,
        outcome=outcome,
        rationale=rationale,
        without_scorecards=without_scorecards and not cards,
        rule_outcome=rule_outcome,
        overridden=overridden,
        override_reason=reason,
    )
    decision.full_clean()
    decision.save()
    DecisionBasis.objects.bulk_create(
        DecisionBasis(decision=decision, scorecard_id=pk, revision=revision) for pk, revision in cards
    )
    # The current decision, and what hiring health reads of it on the loop (hiring.services.health_columns).
    first = {"first_decided_at": decision.at} if kind == Decision.Kind.DECIDED else {}
    Loop.objects.filter(pk=loop.pk).update(
        status=Loop.Status.DECIDED, decision=decision, decision_outcome=decision.outcome, **first
    )
    loop.decision = decision
    return decision


@transaction.atomic
def loop_decide(
    *, loop: Loop, by: User, outcome: str, rationale: str, without_scorecards: bool = False, override_reason: str = ""
) -> Decision:
    """Record the hiring manager's first decision; the loop becomes decided (no more drafts or submissions)."""
    if not policy.can_decide(by, loop):
        raise PermissionDenied("Only the loop's hiring manager can record its decision.")
    current = Loop.objects.select_for_update().get(pk=loop.pk)
    if current.status == Loop.Status.DECIDED or Decision.objects.filter(loop=current).exists():
        raise DecisionConflict("This loop already has a decision; it was not changed.")
    decision = _record(
        loop=current,
        by=by,
        kind=Decision.Kind.DECIDED,
        outcome=outcome,
        rationale=_check_rationale(rationale),
        without_scorecards=without_scorecards,
        override_reason=override_reason,
    )
    loop_status_refresh(loop)
    audit_record(
        actor=by, action=AuditEvent.Action.DECIDE, loop=current, summary=f"Decision: {decision.get_outcome_display()}"
    )
    signals.decision_recorded.send(sender=Decision, loop=current, decision=decision)
    return decision


@transaction.atomic
def loop_decision_revisit(
    *, loop: Loop, by: User, supersedes: Decision, outcome: str, rationale: str, override_reason: str = ""
) -> Decision:
    """Confirm the current decision on today's scorecards (same outcome) or record a new one (another outcome).

    `supersedes` is the decision the hiring manager was looking at; if it is no longer the current
    one, someone else revisited it first and nothing is written. Confirming needs the decision to be
    changed since decided (hiring.selectors.decisions): there is nothing to confirm otherwise.
    """
    if not policy.can_decide(by, loop):
        raise PermissionDenied("Only the loop's hiring manager can confirm or change its decision.")
    current = Loop.objects.select_for_update().get(pk=loop.pk)
    if current.decision_id is None:
        raise ValidationError("This loop has no decision yet: record one first.")
    if current.decision_id != supersedes.pk:
        raise DecisionConflict("The decision was confirmed or changed meanwhile; read it again. Nothing was saved.")
    rationale = _check_rationale(rationale)
    same = outcome == supersedes.outcome
    if same and not decision_is_changed(decision_id=supersedes.pk):
        raise ValidationError("Nothing changed since the decision: there is nothing to confirm.")
    decision = _record(
        loop=current,
        by=by,
        kind=Decision.Kind.CONFIRMED if same else Decision.Kind.REVISED,
        outcome=outcome,
        rationale=rationale,
        without_scorecards=supersedes.without_scorecards,
        override_reason=override_reason,
    )
    loop_status_refresh(current)  # a new outcome changes the interviewers' decision match
    audit_record(
        actor=by,
        action=AuditEvent.Action.DECIDE,
        loop=current,
        summary=f"Decision {'confirmed' if same else 'changed'}: {decision.get_outcome_display()}",
    )
    signals.decision_changed.send(sender=Decision, loop=current, decision=decision, supersedes=supersedes)
    return decision


def _short(text: str, limit: int = 300) -> str:
    if not text:
        return "(empty)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decision_changed_email(*, amendment: Amendment) -> EmailMessage | None:
    """The email telling a decided loop's hiring manager that a scorecard was amended after the decision."""
    scorecard = amendment.scorecard
    interview = scorecard.interview
    loop = interview.loop
    manager = loop.hiring_manager
    if not manager.email:
        return None
    url = f"{settings.SITE_URL}{reverse('loop_debrief', args=[loop.pk])}#decision"
    who = amendment.by.get_full_name() or amendment.by.username
    lines = [
        f"- {change['field']}: {_short(change['before'])} → {_short(change['after'])}" for change in amendment.changes
    ]
    return EmailMessage(
        subject=f"Scorecard amended after your decision: {loop.candidate.name}",
        body=(
            f"{who} amended their scorecard ({interview.name}) for {loop.candidate.name} "
            f"on {timezone.localtime(amendment.at):%d %b %Y %H:%M}, after the decision "
            f"“{loop.decision.get_outcome_display() if loop.decision else ''}”.\n\n"
            f"Reason: {amendment.reason}\n\nWhat changed:\n" + "\n".join(lines) + "\n\n"
            f"The decision now shows as changed since decided. Confirm it or record a new one: {url}\n"
        ),
        to=[manager.email],
    )


def decision_changed_notify(*, amendment_id: int) -> None:
    """Send `decision_changed_email` for a committed amendment (called through transaction.on_commit)."""
    amendment = Amendment.objects.select_related(
        "by",
        "scorecard__interview__exercise",
        "scorecard__interview__loop__candidate",
        "scorecard__interview__loop__hiring_manager",
        "scorecard__interview__loop__decision",
    ).get(pk=amendment_id)
    email = decision_changed_email(amendment=amendment)
    if email is not None:
        email.send()
