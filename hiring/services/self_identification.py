"""Recording a candidate's voluntary self-identification (kept apart from the candidate; never read back here)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from hiring import policy
from hiring.models import DECLINED, AuditEvent, Loop, SelfIdentification, self_identification_categories
from hiring.services.audit import audit_record
from hiring.services.refusals import InputRefused, Place, Problem

CHARACTERISTIC_NAMES: dict[Place, str] = {"sex": "Sex", "race_ethnicity": "Race/ethnicity"}


@transaction.atomic
def self_identification_record(
    *, loop: Loop, sex: str = DECLINED, race_ethnicity: str = DECLINED, by: User
) -> SelfIdentification:
    """Record (or replace) the self-identification of the loop's candidate, as the loop's recruiter (or staff).

    A value outside the configured categories is refused naming the field; nothing is saved. The audit log
    says that it was recorded, never what.
    """
    if not policy.can_record_self_identification(by, loop):
        raise PermissionDenied("Only the loop's recruiter can record the candidate's self-identification.")
    problems = [
        Problem(
            name,
            f"{CHARACTERISTIC_NAMES[name]}: choose one of the offered categories "
            f"({', '.join(self_identification_categories(name))}).",
        )
        for name, value in zip(CHARACTERISTIC_NAMES, (sex, race_ethnicity), strict=True)
        if value not in self_identification_categories(name)
    ]
    if problems:
        raise InputRefused(problems)
    record = SelfIdentification.objects.select_for_update().filter(candidate_id=loop.candidate_id).first()
    if record is None:
        record = SelfIdentification(candidate_id=loop.candidate_id)
    record.sex, record.race_ethnicity, record.recorded_by = sex, race_ethnicity, by
    record.full_clean()
    record.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.SELF_ID_RECORD,
        loop=loop,
        summary=f"Self-identification recorded for candidate {loop.candidate_id}",
    )
    return record
