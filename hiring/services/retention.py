"""Retention: candidates not hired are anonymised by the existing forgetting once the retention period has passed.

Which candidates: hiring.selectors.retention.retention_due (the rule, with legal holds). Each is forgotten in its
own transaction (hiring.services.privacy.candidate_forget, one audit entry each), so a run stopped half-way keeps
what it did and the next run finishes; a run again finds nobody left (forgotten candidates are not due).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from hiring.models import Candidate
from hiring.policy import SYSTEM
from hiring.selectors.retention import retention_due
from hiring.services.holds import CandidateHeld
from hiring.services.privacy import candidate_forget


@dataclass(frozen=True)
class RetentionRun:
    days: int
    forgotten: list[int]  # candidate ids anonymised (or, in a dry run, that would be)
    skipped: list[int]  # put on hold while the run went on


def retention_run(*, now: dt.datetime, dry_run: bool = False, days: int | None = None) -> RetentionRun:
    """Anonymise every candidate due at ``now`` (settings.RETENTION_DAYS_NOT_HIRED unless ``days``); with ``dry_run``
    only say who."""
    period = settings.RETENTION_DAYS_NOT_HIRED if days is None else days
    if period < settings.RETENTION_MINIMUM_DAYS:
        raise ValueError(f"A retention period of {period} days is shorter than the minimum configured.")
    due = list(retention_due(now=now, days=period).values_list("pk", flat=True))
    if dry_run:
        return RetentionRun(days=period, forgotten=due, skipped=[])
    forgotten: list[int] = []
    skipped: list[int] = []
    because = f"after the retention period ({period} days; not hired)"
    for candidate in Candidate.objects.filter(pk__in=due).order_by("pk").iterator(chunk_size=500):
        try:
            candidate_forget(candidate=candidate, by=SYSTEM, because=because)
        except CandidateHeld:
            skipped.append(candidate.pk)
            continue
        forgotten.append(candidate.pk)
    return RetentionRun(days=period, forgotten=forgotten, skipped=skipped)
