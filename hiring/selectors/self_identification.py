"""Whether a candidate's self-identification is recorded: all a recruiter learns of it (never what it says)."""

from __future__ import annotations

from hiring.models import Loop, SelfIdentification


def self_identification_recorded(*, loop: Loop) -> bool:
    """Whether the loop's candidate has a self-identification recorded (its values are read only through
    ``policy.self_identifications_readable_by``)."""
    return SelfIdentification.objects.filter(candidate_id=loop.candidate_id).exists()
