"""What hiring does when the rubric library announces something (roles.signals): roles knows nothing of hiring."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from hiring.models import AuditAction
from hiring.services.audit import audit_record
from roles.models import RubricVersion
from roles.signals import rubric_published


def rubric_published_audit(sender: type[RubricVersion], *, rubric: RubricVersion, actor: User | None, **_: Any) -> None:
    """Every rubric version published from the web is in the audit log, beside the hiring events."""
    audit_record(
        actor=actor,
        action=AuditAction.PUBLISH,
        loop=None,
        summary=f"Published {rubric.title} ({rubric.role.slug}) version {rubric.number}",
    )


def connect() -> None:
    rubric_published.connect(rubric_published_audit, sender=RubricVersion, dispatch_uid="hiring.audit.publish")
