"""Removing a candidate's personal data on request."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from hiring.models import (
    Amendment,
    AuditEvent,
    Candidate,
    Decision,
    HiringOutcome,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
    SelfIdentification,
)
from hiring.policy import SystemActor
from hiring.services.audit import audit_record
from hiring.services.holds import refuse_if_held

CANDIDATE_DATA: tuple[tuple[type[Model], str], ...] = (
    (SelfIdentification, "candidate"),
    (HiringOutcome, "loop__candidate"),
)
"""Data about the candidate as a person, deleted outright when they are forgotten (model, path to the candidate).
A candidate row is kept (anonymised), so a foreign key's CASCADE never fires: each such model is named here."""


def _name_pattern(name: str) -> re.Pattern[str] | None:
    parts = sorted({name.strip(), *[p for p in re.split(r"\s+", name.strip()) if len(p) >= 3]}, key=len, reverse=True)
    parts = [p for p in parts if p]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in parts) + r")(?!\w)", re.IGNORECASE)


@transaction.atomic
def candidate_forget(*, candidate: Candidate, by: User | SystemActor, because: str = "on request") -> int:
    """Remove a candidate's personal data; ratings stay, anonymous, for statistics.

    Name, email and notes go; every free text of their loops (evidence, notes, takeaways,
    rationales and override reasons, amendment history) has their name replaced by "[candidate]"; the data about
    them as a person (CANDIDATE_DATA: their self-identification, their later outcomes) is deleted. Refused
    (CandidateHeld, nothing changed) while a legal hold covers them. ``because`` says why in the audit entry.
    Returns how many texts were scrubbed.
    """
    candidate.refresh_from_db(from_queryset=Candidate.objects.select_for_update())  # two forgets queue here
    if candidate.forgotten_at is not None:
        raise ValidationError("This candidate's personal data was already removed.")
    refuse_if_held(candidate)
    pattern = _name_pattern(candidate.name)
    scrubbed = 0

    def scrub(text: str) -> str:
        nonlocal scrubbed
        if not pattern or not text:
            return text
        new = pattern.sub("[candidate]", text)
        scrubbed += new != text
        return new

    loops = Loop.objects.filter(candidate=candidate)
    texts: tuple[tuple[type[Model], list[str], str], ...] = (
        (Rating, ["evidence"], "scorecard__interview__loop__in"),
        (ObservedSignal, ["note"], "scorecard__interview__loop__in"),
        (Scorecard, ["key_takeaways"], "interview__loop__in"),
        (Decision, ["rationale", "override_reason"], "loop__in"),
        (Amendment, ["reason"], "scorecard__interview__loop__in"),
    )
    for model, fields, path in texts:
        objects = list(model._default_manager.filter(**{path: loops}))
        for obj in objects:
            for name in fields:
                setattr(obj, name, scrub(getattr(obj, name)))
        model._default_manager.bulk_update(objects, fields, batch_size=500)
    amendments = list(Amendment.objects.filter(scorecard__interview__loop__in=loops))
    for amendment in amendments:
        amendment.changes = [
            {key: scrub(value) if isinstance(value, str) else value for key, value in change.items()}
            for change in amendment.changes
        ]
    Amendment.objects.bulk_update(amendments, ["changes"], batch_size=500)
    for model, path in CANDIDATE_DATA:
        model._default_manager.filter(**{path: candidate}).delete()
    candidate.name = f"Forgotten candidate {candidate.pk}"
    candidate.email = ""
    candidate.notes = ""
    candidate.forgotten_at = timezone.now()
    candidate.full_clean()
    candidate.save()
    audit_record(
        actor=None if isinstance(by, SystemActor) else by,
        action=AuditEvent.Action.FORGET,
        loop=None,
        summary=f"Candidate {candidate.pk}: personal data removed {because} ({scrubbed} texts scrubbed)",
    )
    return scrubbed
