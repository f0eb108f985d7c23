"""Hiring outcomes: how hires did later, recorded all or nothing (a CSV import or the API).

Each outcome names a loop decided "hire", directly or through its candidate (their one loop currently decided
"hire"), among the loops the recorder runs (``policy.loops_managed_by``: staff, any). A refused input names
every problem by its row and column and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hiring import policy
from hiring.models import OUTCOME_DATE_MIN, AuditEvent, DecisionOutcome, HiringOutcome, Loop
from hiring.services.audit import audit_record

OUTCOMES_MAX_ROWS = 5_000
"""Outcomes in one import or request: a year's hires of a large company; more is refused, not cut."""


@dataclass(frozen=True)
class OutcomeInput:
    """One outcome as given: ``row`` is its place as the sender counts it (a CSV's line, the API's position)."""

    row: int
    candidate_id: int | None
    loop_id: int | None
    date: dt.date
    rating: Decimal
    scale_min: Decimal
    scale_max: Decimal
    still_employed: bool


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0: the input as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = "The file" if self.row == 0 else f"Row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class OutcomesRefused(ValidationError):
    """Outcomes refused, with every problem by row and column; nothing was saved."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__([str(problem) for problem in self.problems])


def _shown(number: Decimal) -> str:
    """A number as a person wrote it: 5, not 5.000."""
    return f"{number.normalize():f}" if number.is_finite() else str(number)


def _hired(loop: Loop) -> bool:
    return loop.decision is not None and loop.decision.outcome == DecisionOutcome.HIRE


def _resolve(outcomes: Sequence[OutcomeInput], by: User) -> tuple[dict[int, Loop], dict[int, list[Loop]]]:
    """The loops named, and the candidates' hired loops, among those the recorder runs: two queries."""
    runs = policy.loops_managed_by(by).select_related("decision", "candidate")
    loop_ids = {item.loop_id for item in outcomes if item.loop_id is not None}
    candidate_ids = {item.candidate_id for item in outcomes if item.candidate_id is not None}
    loops = {loop.pk: loop for loop in runs.filter(pk__in=loop_ids)} if loop_ids else {}
    hires: dict[int, list[Loop]] = {pk: [] for pk in candidate_ids}
    if candidate_ids:
        for loop in runs.filter(candidate_id__in=candidate_ids).order_by("pk"):
            if _hired(loop):
                hires[loop.candidate_id].append(loop)
    return loops, hires


def _loop_of(item: OutcomeInput, loops: dict[int, Loop], hires: dict[int, list[Loop]]) -> Loop | RowProblem:
    if (item.loop_id is None) == (item.candidate_id is None):
        return RowProblem(item.row, "loop_id", "give either loop_id or candidate_id (one of them).")
    if item.loop_id is not None:
        loop = loops.get(item.loop_id)
        if loop is None:
            return RowProblem(item.row, "loop_id", f"no loop {item.loop_id} among the loops you run.")
        if not _hired(loop):
            return RowProblem(item.row, "loop_id", f"loop {item.loop_id} is not decided “hire”.")
        return loop
    assert item.candidate_id is not None
    found = hires.get(item.candidate_id, [])
    if len(found) == 1:
        return found[0]
    if not found:
        return RowProblem(
            item.row, "candidate_id", f"candidate {item.candidate_id} has no loop decided “hire” among yours."
        )
    ids = ", ".join(str(loop.pk) for loop in found)
    return RowProblem(
        item.row, "candidate_id", f"candidate {item.candidate_id} was hired in loops {ids}; give the loop_id."
    )


NUMBER_LIMIT = Decimal(1_000_000)  # ratings and scale ends: below a million in size, at most 3 decimals


def _unstorable(number: Decimal) -> bool:
    exponent = number.normalize().as_tuple().exponent
    return not number.is_finite() or abs(number) >= NUMBER_LIMIT or (isinstance(exponent, int) and exponent < -3)


def _problems(item: OutcomeInput, today: dt.date) -> list[RowProblem]:
    problems = [
        RowProblem(item.row, column, f"{_shown(value)} is not a number below a million with at most 3 decimals.")
        for column, value in (("rating", item.rating), ("scale_min", item.scale_min), ("scale_max", item.scale_max))
        if _unstorable(value)
    ]
    if problems:
        return problems
    if not OUTCOME_DATE_MIN <= item.date <= today:
        problems.append(RowProblem(item.row, "date", f"{item.date} is not from {OUTCOME_DATE_MIN} to today ({today})."))
    if item.scale_min >= item.scale_max:
        problems.append(
            RowProblem(
                item.row,
                "scale_max",
                f"the scale's top {_shown(item.scale_max)} is not above its bottom {_shown(item.scale_min)}.",
            )
        )
    elif not item.scale_min <= item.rating <= item.scale_max:
        problems.append(
            RowProblem(
                item.row,
                "rating",
                f"{_shown(item.rating)} is outside its stated scale {_shown(item.scale_min)}–{_shown(item.scale_max)}.",
            )
        )
    return problems


@transaction.atomic
def outcomes_record(
    *, outcomes: Sequence[OutcomeInput], by: User, unread: Sequence[RowProblem] = ()
) -> list[HiringOutcome]:
    """Record every outcome or none (OutcomesRefused naming each problem by row and column); one audit entry.

    ``unread``: the problems of the rows that could not be read (a CSV's bad values), reported with the rest, so
    that one attempt lists every problem of the input.
    """
    if not policy.can_record_outcomes(by):
        raise PermissionDenied("Hiring outcomes are recorded by recruiters and staff.")
    if not outcomes and not unread:
        raise OutcomesRefused([RowProblem(0, "", "no outcomes were given.")])
    if len(outcomes) > OUTCOMES_MAX_ROWS:
        raise OutcomesRefused(
            [RowProblem(0, "", f"{len(outcomes):,} outcomes is more than {OUTCOMES_MAX_ROWS:,} at once; split it.")]
        )
    today = timezone.localdate()
    loops, hires = _resolve(outcomes, by)
    problems: list[RowProblem] = list(unread)
    rows: list[HiringOutcome] = []
    first_row: dict[tuple[int, dt.date], int] = {}
    for item in outcomes:
        loop = _loop_of(item, loops, hires)
        found = _problems(item, today)
        if isinstance(loop, RowProblem):
            found.insert(0, loop)
        elif (loop.pk, item.date) in first_row:
            found.append(
                RowProblem(
                    item.row, "date", f"row {first_row[loop.pk, item.date]} already gives loop {loop.pk} on this date."
                )
            )
        else:
            first_row[loop.pk, item.date] = item.row
        problems.extend(found)
        if not found and isinstance(loop, Loop):
            rows.append(
                HiringOutcome(
                    loop=loop,
                    date=item.date,
                    rating=item.rating,
                    scale_min=item.scale_min,
                    scale_max=item.scale_max,
                    still_employed=item.still_employed,
                    recorded_by=by,
                )
            )
    if first_row:
        stored = HiringOutcome.objects.filter(loop_id__in={pk for pk, _ in first_row}).values_list("loop_id", "date")
        for loop_id, date in stored:
            if (loop_id, date) in first_row:
                problems.append(
                    RowProblem(first_row[loop_id, date], "date", f"loop {loop_id} already has an outcome on {date}.")
                )
    if problems:
        raise OutcomesRefused(sorted(problems, key=lambda problem: problem.row))
    for row in rows:
        # Loops, uniqueness and constraints were checked above in two queries, not one query per row.
        row.full_clean(exclude=["loop", "recorded_by"], validate_unique=False, validate_constraints=False)
    created = HiringOutcome.objects.bulk_create(rows, batch_size=500)
    audit_record(
        actor=by, action=AuditEvent.Action.OUTCOMES, loop=None, summary=f"{len(created)} hiring outcomes recorded"
    )
    return created
