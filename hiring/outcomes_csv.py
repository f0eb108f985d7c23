"""A CSV of hiring outcomes into the service's inputs (hiring.services.outcomes), or every problem by row and column.

The columns (a header row first, in any order; docs/COMPLIANCE.md):

    loop_id or candidate_id   one of them per row (both columns may be present, one filled in)
    date                      YYYY-MM-DD, when the performance was assessed
    rating                    a number, e.g. 3 or 3.5 (up to 6 digits before the point and 3 after)
    scale_min, scale_max      the scale the rating was given on, e.g. 1 and 5
    still_employed            yes or no (also true/false, 1/0)

Read in one pass, linear in the file's size: at most OUTCOMES_MAX_BYTES bytes, UTF-8 text (a byte-order mark is
allowed), each value checked by an anchored pattern without nested repetition.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from hiring.services.outcomes import OUTCOMES_MAX_ROWS, OutcomeInput, RowProblem

OUTCOMES_MAX_BYTES = 1_000_000
REQUIRED = ("date", "rating", "scale_min", "scale_max", "still_employed")
IDS = ("loop_id", "candidate_id")
COLUMNS = (*IDS, *REQUIRED)
YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
_ID = re.compile(r"[0-9]{1,12}")
_NUMBER = re.compile(r"-?[0-9]{1,6}(?:\.[0-9]{1,3})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _id(value: str, row: int, column: str, problems: list[RowProblem]) -> int | None:
    if not value:
        return None
    if not _ID.fullmatch(value):
        problems.append(RowProblem(row, column, f"“{value[:40]}” is not an id (a whole number)."))
        return None
    return int(value)


def _number(value: str, row: int, column: str, problems: list[RowProblem]) -> Decimal | None:
    if not _NUMBER.fullmatch(value):
        shown = f"“{value[:40]}” is" if value else "it is empty, so it is"
        problems.append(RowProblem(row, column, f"{shown} not a number like 3 or 3.5 (at most 3 decimals)."))
        return None
    return Decimal(value)


def _date(value: str, row: int, problems: list[RowProblem]) -> dt.date | None:
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(RowProblem(row, "date", f"“{value[:40]}” is not a date written YYYY-MM-DD."))
        return None


def _header(first: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    names = [name.strip().lower() for name in first]
    at = {name: index for index, name in reversed(list(enumerate(names)))}
    missing = [name for name in REQUIRED if name not in at]
    problems = [RowProblem(1, name, "this column is missing from the header row.") for name in missing]
    if not any(name in at for name in IDS):
        problems.append(RowProblem(1, "loop_id", "the header row needs a loop_id or a candidate_id column."))
    return at, problems


@dataclass(frozen=True)
class OutcomesRead:
    """A file's readable rows and the problems of the others; ``refused``: the file as a whole is unusable."""

    outcomes: list[OutcomeInput]
    problems: list[RowProblem]
    refused: bool = False


def _refused(*problems: RowProblem) -> OutcomesRead:
    return OutcomesRead(outcomes=[], problems=list(problems), refused=True)


def outcomes_read(data: bytes) -> OutcomesRead:
    """The outcomes of a CSV file and the problems found (row = the file's line; 1 is the header row)."""
    if len(data) > OUTCOMES_MAX_BYTES:
        return _refused(RowProblem(0, "", f"it is larger than {OUTCOMES_MAX_BYTES:,} bytes; split it."))
    if b"\x00" in data:
        return _refused(RowProblem(0, "", "it is not a text file (CSV)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _refused(RowProblem(0, "", f"it is not UTF-8 text (byte {error.start + 1}); save it as CSV UTF-8."))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
        if first is None:
            return _refused(RowProblem(0, "", "it is empty; the first row names the columns."))
        at, problems = _header(first)
        if problems:
            return _refused(*problems)
        outcomes: list[OutcomeInput] = []
        rows = 0
        for record in reader:
            row = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            rows += 1
            if rows > OUTCOMES_MAX_ROWS:
                return _refused(RowProblem(0, "", f"it has more than {OUTCOMES_MAX_ROWS:,} rows; split it."))
            item = _row(record, row, at, problems)
            if item is not None:
                outcomes.append(item)
    except csv.Error as error:
        return _refused(RowProblem(reader.line_num, "", f"it cannot be read as CSV ({error})."))
    return OutcomesRead(outcomes=outcomes, problems=problems)


def _row(record: list[str], row: int, at: dict[str, int], problems: list[RowProblem]) -> OutcomeInput | None:
    def cell(name: str) -> str:
        index = at.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    found: list[RowProblem] = []
    loop_id = _id(cell("loop_id"), row, "loop_id", found)
    candidate_id = _id(cell("candidate_id"), row, "candidate_id", found)
    date = _date(cell("date"), row, found)
    rating = _number(cell("rating"), row, "rating", found)
    scale_min = _number(cell("scale_min"), row, "scale_min", found)
    scale_max = _number(cell("scale_max"), row, "scale_max", found)
    employed = YES.get(cell("still_employed").lower())
    if employed is None:
        found.append(RowProblem(row, "still_employed", f"“{cell('still_employed')[:40]}” is not yes or no."))
    problems.extend(found)
    if found or date is None or rating is None or scale_min is None or scale_max is None or employed is None:
        return None
    return OutcomeInput(
        row=row,
        candidate_id=candidate_id,
        loop_id=loop_id,
        date=date,
        rating=rating,
        scale_min=scale_min,
        scale_max=scale_max,
        still_employed=employed,
    )
