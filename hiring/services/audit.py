"""The audit log: who did what, and when."""

from __future__ import annotations

from django.contrib.auth.models import User

from hiring.models import (
    AuditEvent,
    Loop,
)


def audit_record(*, actor: User | None, action: str, loop: Loop | None, summary: str) -> AuditEvent:
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None, action=action, loop=loop, summary=summary[:300]
    )
    event.full_clean()
    event.save()
    return event
