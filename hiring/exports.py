"""Streamed loop exports (summary CSV, ratings CSV, JSON), shared by the web, the command and the API.

Rows come from one server-side cursor over `pipeline.pipeline_loops` (the summary: one statement
joining the loops to the grouped figures, `summary_select`), written out in batches, so memory
stays flat whatever the number of loops. What the rows hold, and how each cell is written to CSV
and to JSON, is declared once per column in `hiring.export_columns`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.utils import timezone

from config.progress import Advance
from hiring.export_columns import (
    LOOP_KEY,
    RATING_COLUMNS,
    SCORECARD_ID,
    SUMMARY_GROUPS,
    Column,
    Read,
    figure,
    json_object_maker,
    loop,
    reads_of,
    row_writer,
    summary_columns,
)
from hiring.models import AuditEvent, ExportRecord, Interview, Loop, ObservedSignal, Rating, Scorecard
from hiring.policy import SystemActor
from hiring.selectors import pipeline
from hiring.selectors.pipeline import DimensionColumn
from hiring.services.audit import audit_record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000
JSON_CHUNK = 500
# Rows fetched from the database at a time. The driver holds about two chunks at once, so the
# peak memory of an export stops growing once it passes two chunks of rows.
CHUNK = 500


def neutralised(cells: list[object]) -> list[object]:
    """A row's cells made inert in spreadsheets: a text cell that would run as a formula gets a leading quote.

    Written for a whole row (it runs on every cell of an export).
    """
    return ["'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in cells]


# The loop's id and stored "changed since decided" flag: the figures' passes are joined on the one and
# read the other, whether or not a column shows them.
LOOP_ID, LOOP_CHANGED = loop("pk"), loop("decision_changed")


def summary_header(columns: list[DimensionColumn]) -> list[str]:
    return [column.name for column in summary_columns(columns)]


def summary_select(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None
) -> tuple[str, list[Any]]:
    """The loop-summary export as one statement: the loops in their pipeline order, with their figures.

    The visible, filtered loops (`pipeline_loops`, numbered in its order by a window) are joined
    to the three grouped passes of `pipeline.figures_select`. When every loop is visible and no
    filter applies, each pass reads its whole table once and is hash-joined to the loops (the
    plan of a hand-written query); otherwise each pass reads only the rows of the loops that pass
    the filters (a plain subquery of their ids, found by index). Columns: the loop fields the
    summary columns read (`summary_layout`), then the figures.
    """
    fields, _ = summary_layout(columns)
    order = [OrderBy(F(str(name).lstrip("-")), descending=str(name).startswith("-")) for name in loops.query.order_by]
    visible = (
        loops.annotate(position=Window(RowNumber(), order_by=order))
        .order_by()
        .values("position", **{f"c{n}": F(read.path) for n, read in enumerate(fields)})
    )
    visible_sql, visible_params = visible.query.sql_with_params()
    loops_sql: str | None = None
    loops_params: list[Any] = []
    if loops.query.where:
        ids_sql, ids_params = loops.order_by().values("pk").query.sql_with_params()
        loops_sql, loops_params = ids_sql, list(ids_params)
    figures, joins, params = pipeline.figures_select(
        loop_id=f"v.c{fields.index(LOOP_ID)}",
        decision_changed=f"v.c{fields.index(LOOP_CHANGED)}",
        loops_sql=loops_sql,
        loops_params=loops_params,
        columns=columns,
        now=now or timezone.now(),
    )
    cells = ", ".join(f"v.c{n}" for n in range(len(fields)))
    sql = f"SELECT {cells}, {figures} FROM ({visible_sql}) v {joins} ORDER BY v.position"
    return sql, [*visible_params, *params]


def summary_layout(columns: list[DimensionColumn]) -> tuple[list[Read], dict[Read, int]]:
    """The loop fields `summary_select` selects, in order, and where each value the columns read sits in its rows."""
    reads = reads_of(summary_columns(columns))
    fields = list(dict.fromkeys([LOOP_ID, *(read for read in reads if read.source == "loop"), LOOP_CHANGED]))
    at = {read: n for n, read in enumerate(fields)}
    for n, name in enumerate(pipeline.figure_names(columns)):
        at[figure(name)] = len(fields) + n
    return fields, at


def _summary_values(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None
) -> Iterator[tuple[object, ...]]:
    """The raw rows of `summary_select`, streamed from one statement, CHUNK rows at a time."""
    try:
        sql, params = summary_select(loops, columns, now=now)
    except EmptyResultSet:  # a filter that no loop can pass (`QuerySet.none()`)
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def summary_rows(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None, fmt: str = "csv"
) -> Iterator[list[object]]:
    """The loop-summary rows of `loops` (the cells of `summary_columns`, as `fmt` writes them), streamed."""
    _, at = summary_layout(columns)
    row_of = row_writer(summary_columns(columns), at, fmt=fmt)
    for row in _summary_values(loops, columns, now=now):
        yield row_of(row)


def summary_objects(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None
) -> Iterator[dict[str, object]]:
    """The loop-summary rows of `loops` as JSON objects (the API's rows, the JSON file's loops), streamed."""
    object_of = json_object_maker(summary_columns(columns), SUMMARY_GROUPS)
    for cells in summary_rows(loops, columns, now=now, fmt="json"):
        yield object_of(cells)


RATINGS_HEADER = [column.name for column in RATING_COLUMNS]


def _rating_values(ratings: QuerySet[Rating], columns: list[Column]) -> tuple[QuerySet[Any], dict[Read, int]]:
    """`ratings` with the values `columns` read (and the scorecard's id), in the export's order, and where each
    value sits in a row."""
    reads = list(dict.fromkeys([SCORECARD_ID, *reads_of(columns)]))
    expressions = {read.path: read.expression for read in reads if read.expression is not None}
    values = (
        ratings.filter(scorecard__status=Scorecard.Status.SUBMITTED)
        .annotate(**expressions)
        .order_by("scorecard__interview__loop_id", "scorecard_id", "dimension__position")
        .values_list(*(read.path for read in reads))
    )
    return values, {read: n for n, read in enumerate(reads)}


def ratings_rows(loops: QuerySet[Loop], *, fmt: str = "csv") -> Iterator[list[Any]]:
    """The submitted ratings of `loops`, one row each (the cells of `RATING_COLUMNS`, as `fmt` writes them)."""
    ratings = Rating.objects.filter(scorecard__interview__loop__in=loops.order_by().values("pk"))
    values, at = _rating_values(ratings, RATING_COLUMNS)
    row_of = row_writer(RATING_COLUMNS, at, fmt=fmt)
    for row in values.iterator(chunk_size=CHUNK):
        yield row_of(row)


def rating_objects(loops: QuerySet[Loop]) -> Iterator[dict[str, object]]:
    """The submitted ratings of `loops` as JSON objects (the API's rows)."""
    object_of = json_object_maker(RATING_COLUMNS)
    for cells in ratings_rows(loops, fmt="json"):
        yield object_of(cells)


def _nothing(rows: int) -> None:
    """No one to tell of the rows written."""


class _Line:
    """A file-like object whose write returns what was written, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    header: list[str], rows: Iterable[list[Any]], on_done: Callable[[int], None], on_rows: Advance = _nothing
) -> Iterator[str]:
    """The CSV text in pieces; `on_rows` is told of each batch of rows written (a command's progress)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(header)
    count = 0
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        count += len(batch)
        yield "".join(writer.writerow(neutralised(row)) for row in batch)
        on_rows(len(batch))
    on_done(count)


def json_stream(
    loops: QuerySet[Loop],
    columns: list[DimensionColumn],
    filters: dict[str, Any],
    on_done: Callable[[int], None],
    on_rows: Advance = _nothing,
) -> Iterator[str]:
    """`{"filters": …, "loops": [each loop's summary object, with its "scorecards" → ratings and signals]}`.

    The loops' objects stream from the summary's one statement; each chunk of them gets its
    scorecards in three queries (`_loop_scorecards`).
    """
    yield '{"filters": ' + json.dumps(filters, sort_keys=True) + ', "loops": ['
    count = 0
    documents = summary_objects(loops, columns)
    while chunk := list(islice(documents, JSON_CHUNK)):
        scorecards = _loop_scorecards([int(document[LOOP_KEY]) for document in chunk])  # type: ignore[call-overload]
        for document in chunk:
            document["scorecards"] = scorecards[int(document[LOOP_KEY])]  # type: ignore[call-overload]
            yield ("" if count == 0 else ", ") + json.dumps(document, ensure_ascii=False)
            count += 1
        on_rows(len(chunk))
    yield "]}\n"
    on_done(count)


def _loop_scorecards(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The scorecards of the loops `ids`, by loop: each with its ratings (the rating columns of the ratings
    export, once it is submitted) and its observed signals."""
    cards: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    card_docs: dict[int, dict[str, Any]] = {}
    interviews = (
        Interview.objects.filter(loop_id__in=ids)
        .select_related("interviewer", "exercise", "scorecard")
        .order_by("scheduled_at", "pk")
    )
    for interview in interviews:
        card = interview.scorecard
        document = {
            "id": card.pk,
            "interviewer": interview.interviewer.username,
            "exercise": interview.name,
            "scheduled_at": interview.scheduled_at.isoformat(),
            "status": card.status,
            "recommendation": card.recommendation if card.is_submitted else "",
            "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
            "key_takeaways": card.key_takeaways if card.is_submitted else "",
            "ratings": [],
            "signals": [],
        }
        cards[interview.loop_id].append(document)
        if card.is_submitted:
            card_docs[card.pk] = document
    own = [column for column in RATING_COLUMNS if column.level == "rating"]
    values, at = _rating_values(Rating.objects.filter(scorecard_id__in=card_docs), own)
    row_of = row_writer(own, at, fmt="json")
    object_of = json_object_maker(own)
    scorecard = at[SCORECARD_ID]
    for row in values:
        card_docs[row[scorecard]]["ratings"].append(object_of(row_of(row)))
    for observed in ObservedSignal.objects.filter(scorecard_id__in=card_docs).select_related("signal"):
        card_docs[observed.scorecard_id]["signals"].append(
            {"kind": observed.signal.kind, "text": observed.signal.text, "note": observed.note}
        )
    return cards


def export_start(*, by: User | SystemActor, kind: str, fmt: str, filters: dict[str, Any], source: str) -> ExportRecord:
    """The audit record of an export about to stream; the app itself (a command) is recorded as no person."""
    record = ExportRecord(
        by=None if isinstance(by, SystemActor) else by, kind=kind, format=fmt, filters=filters, source=source
    )
    record.full_clean()
    record.save()
    return record


def export_finish(*, record: ExportRecord, rows: int) -> None:
    ExportRecord.objects.filter(pk=record.pk).update(rows=rows)
    shown = ", ".join(f"{key}={value}" for key, value in sorted(record.filters.items())) or "no filter"
    audit_record(
        actor=record.by,
        action=AuditEvent.Action.EXPORT,
        loop=None,
        summary=f"{record.get_kind_display()} {record.format.upper()} ({record.source}), {rows} rows, {shown}",
    )


def export_stream(
    *,
    loops: QuerySet[Loop],
    kind: str,
    fmt: str,
    columns: list[DimensionColumn],
    filters: dict[str, Any],
    record: ExportRecord,
    on_rows: Advance = _nothing,
) -> Iterator[str]:
    """The text of one export, in pieces; the audit record gets its row count at the end, `on_rows` each batch."""

    def done(rows: int) -> None:
        export_finish(record=record, rows=rows)

    if fmt == "json":
        return json_stream(loops, columns, filters, done, on_rows)
    if kind == "ratings":
        return csv_stream(RATINGS_HEADER, ratings_rows(loops), done, on_rows)
    return csv_stream(summary_header(columns), summary_rows(loops, columns), done, on_rows)
