"""Legal holds: records kept for a claim, out of reach of retention and of forgetting until released."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hiring import policy
from hiring.models import AuditEvent, Candidate, LegalHold
from hiring.selectors.retention import holds_on
from hiring.services.audit import audit_record
from roles.models import Role


class CandidateHeld(ValidationError):
    """A held candidate's data may not be removed: the message names the hold."""


def hold_description(hold: LegalHold) -> str:
    on = f"candidate {hold.candidate_id}" if hold.candidate_id else f"the role “{hold.role}”"
    return f"legal hold {hold.pk} on {on}, set by {hold.set_by} on {hold.set_at:%Y-%m-%d}: {hold.reason}"


def refuse_if_held(candidate: Candidate) -> None:
    """Raise CandidateHeld naming every active hold that covers the candidate."""
    holds = holds_on(candidate)
    if holds:
        named = "; ".join(hold_description(hold) for hold in holds)
        raise CandidateHeld(
            f"Candidate {candidate.pk} is under legal hold, so their records are kept: {named}. "
            "Release the hold first.",
            code="legal_hold",
        )


@transaction.atomic
def hold_set(*, by: User, reason: str, candidate: Candidate | None = None, role: Role | None = None) -> LegalHold:
    """Put a candidate's or a role's records on hold (staff and Compliance), with the reason; one audit entry."""
    if not policy.can_manage_legal_holds(by):
        raise PermissionDenied("Legal holds are set by staff and the Compliance group.")
    problems: dict[str, list[str]] = {}
    if (candidate is None) == (role is None):
        problems["candidate"] = ["Choose either a candidate or a role to hold."]
    if not reason.strip():
        problems["reason"] = ["Give the reason for the hold (the claim or request it keeps records for)."]
    if problems:
        raise ValidationError(problems)
    hold = LegalHold(candidate=candidate, role=role, reason=reason.strip(), set_by=by)
    hold.full_clean()
    hold.save()
    on = f"candidate {candidate.pk}" if candidate is not None else f"role {role}"
    audit_record(actor=by, action=AuditEvent.Action.HOLD, loop=None, summary=f"Legal hold {hold.pk} on {on}: {reason}")
    return hold


@transaction.atomic
def hold_release(*, hold: LegalHold, by: User) -> LegalHold:
    """End a hold (staff and Compliance); who and when are kept; one audit entry."""
    if not policy.can_manage_legal_holds(by):
        raise PermissionDenied("Legal holds are released by staff and the Compliance group.")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError({"hold": [f"Legal hold {hold.pk} was already released on {hold.released_at:%Y-%m-%d}."]})
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.full_clean()
    hold.save()
    audit_record(actor=by, action=AuditEvent.Action.RELEASE, loop=None, summary=f"Legal hold {hold.pk} released")
    return hold
