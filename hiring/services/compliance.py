"""Reading self-identification, as the Compliance group does: every read recorded in the audit log."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hiring import policy
from hiring.models import AuditEvent
from hiring.selectors.adverse_impact import ImpactFilter, ImpactReport, adverse_impact
from hiring.services.audit import audit_record


@transaction.atomic
def adverse_impact_read(*, filters: ImpactFilter, by: User, form: str) -> ImpactReport:
    """The adverse-impact report for the Compliance group (``policy.can_read_self_identification``), its read
    recorded: who, which role and period, as a page or a file (``form``), over how many loops."""
    if not policy.can_read_self_identification(by):
        raise PermissionDenied("The adverse-impact report is for the Compliance group only.")
    report = adverse_impact(user=by, filters=filters)
    audit_record(
        actor=by,
        action=AuditEvent.Action.SELF_ID_READ,
        loop=None,
        summary=f"Adverse-impact report ({form}): role {filters.role}, {filters.since.isoformat()} to "
        f"{filters.until.isoformat()}, {report.loops} loops",
    )
    return report
