"""Streamed loop exports (summary CSV, ratings CSV, JSON), shared by the web and the command.

Rows come from one server-side cursor over `pipeline.pipeline_loops` (the summary: one statement
joining the loops to the grouped figures, `summary_select`), written out in batches, so memory
stays flat whatever the number of loops.
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
from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config.progress import Advance
from hiring.models import Amendment, AuditEvent, ExportRecord, Interview, Loop, ObservedSignal, Rating, Scorecard
from hiring.policy import SystemActor
from hiring.scoring import normalise
from hiring.selectors import pipeline
from hiring.selectors.pipeline import RECOMMENDATIONS, SIGNAL_KINDS, DimensionColumn
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


def _rounded(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def summary_header(columns: list[DimensionColumn]) -> list[str]:
    return [
        "loop_id", "candidate", "role", "rubric_version", "status", "created", "hiring_manager", "recruiter",
        "scorecards_submitted", "scorecards_expected", "overdue", "normalised_mean",
        *[f"normalised_{c.slug}" for c in columns],
        "strong_signals", "weak_signals", "red_flags", *[f"rec_{r}" for r in RECOMMENDATIONS],
        "decision", "decided_at", "decision_rationale", "decision_changed_since_decided",
    ]  # fmt: skip


def _moment(value: object) -> dt.datetime:
    """A timestamp cell of a raw query as an aware datetime (SQLite hands back text, PostgreSQL datetimes)."""
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"Not a timestamp: {value!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def summary_select(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None
) -> tuple[str, list[Any]]:
    """The loop-summary export as one statement: the loops in their pipeline order, with their figures.

    The visible, filtered loops (`pipeline_loops`, numbered in its order by a window) are joined
    to the three grouped passes of `pipeline.figures_select`. When every loop is visible and no
    filter applies, each pass reads its whole table once and is hash-joined to the loops (the
    plan of a hand-written query); otherwise each pass reads only the rows of the loops that pass
    the filters (a plain subquery of their ids, found by index). Columns: `SUMMARY_LOOP_COLUMNS`,
    then the figures.
    """
    order = [OrderBy(F(str(name).lstrip("-")), descending=str(name).startswith("-")) for name in loops.query.order_by]
    visible = (
        loops.annotate(position=Window(RowNumber(), order_by=order))
        .order_by()
        .values(
            "position",
            loop_pk=F("pk"),
            candidate_name=F("candidate__name"),
            rubric_title=F("rubric__title"),
            rubric_number=F("rubric__number"),
            loop_status=F("status"),
            loop_created=F("created_at"),
            manager_name=F("hiring_manager__username"),
            recruiter_name=F("recruiter__username"),
            decision_outcome=F("decision__outcome"),
            decision_at=F("decision__at"),
            decision_rationale=F("decision__rationale"),
            loop_changed=F("decision_changed"),
        )
    )
    visible_sql, visible_params = visible.query.sql_with_params()
    loops_sql: str | None = None
    loops_params: list[Any] = []
    if loops.query.where:
        ids_sql, ids_params = loops.order_by().values("pk").query.sql_with_params()
        loops_sql, loops_params = ids_sql, list(ids_params)
    figures, joins, params = pipeline.figures_select(
        loop_id="v.loop_pk",
        decision_changed="v.loop_changed",
        loops_sql=loops_sql,
        loops_params=loops_params,
        columns=columns,
        now=now or timezone.now(),
    )
    cells = ", ".join(f"v.{name}" for name in SUMMARY_LOOP_COLUMNS)
    sql = f"SELECT {cells}, {figures} FROM ({visible_sql}) v {joins} ORDER BY v.position"
    return sql, [*visible_params, *params]


SUMMARY_LOOP_COLUMNS = (
    "loop_pk", "candidate_name", "rubric_title", "rubric_number", "loop_status", "loop_created", "manager_name",
    "recruiter_name", "decision_outcome", "decision_at", "decision_rationale",
)  # fmt: skip


def summary_rows(
    loops: QuerySet[Loop], columns: list[DimensionColumn], *, now: dt.datetime | None = None
) -> Iterator[list[object]]:
    """The loop-summary rows of `loops`, streamed from one statement, CHUNK rows at a time."""
    try:
        sql, params = summary_select(loops, columns, now=now)
    except EmptyResultSet:  # a filter that no loop can pass (`QuerySet.none()`)
        return
    row_of = _summary_row_maker(columns)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            for row in chunk:
                yield row_of(row)


def _summary_row_maker(columns: list[DimensionColumn]) -> Callable[[tuple[object, ...]], list[object]]:
    """A function from a row of `summary_select` to the CSV row (the cells of `summary_header`).

    Called once per loop of an export, so it reads the figures by position (the order of
    `pipeline.figure_names`) rather than building a `LoopFigures`, and finds the time zone once.
    """
    at = {name: len(SUMMARY_LOOP_COLUMNS) + n for n, name in enumerate(pipeline.figure_names(columns))}
    means = [at["normalised_mean"], *[at[f"dim_{n}"] for n in range(len(columns))]]
    counts = [*[at[f"signals_{kind}"] for kind in SIGNAL_KINDS], *[at[f"rec_{value}"] for value in RECOMMENDATIONS]]
    submitted, expected, overdue, changed = at["submitted"], at["expected"], at["overdue"], at["decision_changed"]
    zone = timezone.get_current_timezone()

    def row_of(row: tuple[object, ...]) -> list[object]:
        (pk, candidate, role, version, status, created, manager, recruiter, outcome, decided_at,
         rationale) = row[: len(SUMMARY_LOOP_COLUMNS)]  # fmt: skip
        decided = outcome is not None
        return [
            pk, candidate, role, version, status, _moment(created).astimezone(zone).date().isoformat(), manager,
            recruiter, row[submitted], row[expected], row[overdue],
            *["" if row[n] is None else f"{row[n]:.3f}" for n in means],
            *[row[n] for n in counts],
            outcome if decided else "",
            _moment(decided_at).astimezone(zone).isoformat(timespec="seconds") if decided else "",
            rationale if decided else "",
            ("yes" if row[changed] else "no") if decided else "",
        ]  # fmt: skip

    return row_of


RATINGS_HEADER = [
    "loop_id", "candidate", "role", "rubric_version", "scale_min", "scale_max", "scorecard_id", "interviewer",
    "exercise", "dimension", "dimension_slug", "score", "not_assessed", "normalised", "evidence", "submitted_at",
    "amended",
]  # fmt: skip


def ratings_rows(loops: QuerySet[Loop]) -> Iterator[list[Any]]:
    ratings = (
        Rating.objects.filter(
            scorecard__interview__loop__in=loops.order_by().values("pk"), scorecard__status=Scorecard.Status.SUBMITTED
        )
        .annotate(
            amended=Exists(Amendment.objects.filter(scorecard=OuterRef("scorecard"))),
            interview_name=Coalesce("scorecard__interview__exercise__title", "scorecard__interview__title"),
        )
        .order_by("scorecard__interview__loop_id", "scorecard_id", "dimension__position")
        .values_list(
            "scorecard__interview__loop_id",
            "scorecard__interview__loop__candidate__name",
            "scorecard__interview__loop__rubric__title",
            "scorecard__interview__loop__rubric__number",
            "scorecard__interview__loop__rubric__scale_min",
            "scorecard__interview__loop__rubric__scale_max",
            "scorecard_id",
            "scorecard__interview__interviewer__username",
            "interview_name",
            "dimension__name",
            "dimension__slug",
            "score",
            "not_assessed",
            "evidence",
            "scorecard__submitted_at",
            "amended",
        )
    )
    for (loop_id, candidate, role, version, low, high, card, who, exercise, name, slug, score, na, evidence, at,
         amended) in ratings.iterator(chunk_size=CHUNK):  # fmt: skip
        yield [
            loop_id, candidate, role, version, low, high, card, who, exercise, name, slug,
            "" if score is None else score, "yes" if na else "no",
            "" if score is None else f"{normalise(score, scale_min=low, scale_max=high):.3f}",
            evidence, timezone.localtime(at).isoformat(timespec="seconds") if at else "", "yes" if amended else "no",
        ]  # fmt: skip


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
    loops: QuerySet[Loop], filters: dict[str, Any], on_done: Callable[[int], None], on_rows: Advance = _nothing
) -> Iterator[str]:
    """`{"filters": …, "loops": [loop → scorecards → ratings and signals]}`, a chunk of loops at a time."""
    yield '{"filters": ' + json.dumps(filters, sort_keys=True) + ', "loops": ['
    count = 0
    ids = loops.values_list("pk", flat=True).iterator(chunk_size=5000)
    while chunk := list(islice(ids, JSON_CHUNK)):
        for document in _loop_documents(chunk):
            yield ("" if count == 0 else ", ") + json.dumps(document, ensure_ascii=False)
            count += 1
        on_rows(len(chunk))
    yield "]}\n"
    on_done(count)


def _loop_documents(ids: list[int]) -> list[dict[str, Any]]:
    loops = Loop.objects.filter(pk__in=ids).select_related(
        "candidate", "rubric__role", "hiring_manager", "recruiter", "decision__by"
    )
    by_id = {loop.pk: loop for loop in loops}
    means = {pk: f.normalised_mean for pk, f in pipeline.loop_figures(loop_ids=ids, columns=[]).items()}
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
    for rating in (
        Rating.objects.filter(scorecard_id__in=card_docs)
        .select_related("dimension__rubric")
        .order_by("dimension__position")
    ):
        rubric = rating.dimension.rubric
        card_docs[rating.scorecard_id]["ratings"].append(
            {
                "dimension": rating.dimension.name,
                "dimension_slug": rating.dimension.slug,
                "score": rating.score,
                "not_assessed": rating.not_assessed,
                "normalised": None
                if rating.score is None
                else round(normalise(rating.score, scale_min=rubric.scale_min, scale_max=rubric.scale_max), 3),
                "evidence": rating.evidence,
            }
        )
    for observed in ObservedSignal.objects.filter(scorecard_id__in=card_docs).select_related("signal"):
        card_docs[observed.scorecard_id]["signals"].append(
            {"kind": observed.signal.kind, "text": observed.signal.text, "note": observed.note}
        )
    documents = []
    for pk in ids:
        loop = by_id[pk]
        decision = getattr(loop, "decision", None)
        documents.append(
            {
                "id": loop.pk,
                "candidate": loop.candidate.name,
                "role": loop.rubric.title,
                "role_slug": loop.rubric.role.slug,
                "rubric_version": loop.rubric.number,
                "scale": {"min": loop.rubric.scale_min, "max": loop.rubric.scale_max},
                "status": loop.status,
                "created_at": loop.created_at.isoformat(),
                "normalised_mean": None if means.get(pk) is None else round(means[pk], 3),  # type: ignore[arg-type]
                "hiring_manager": loop.hiring_manager.username,
                "recruiter": loop.recruiter.username,
                "decision": {
                    "outcome": decision.outcome,
                    "kind": decision.kind,
                    "rationale": decision.rationale,
                    "changed_since_decided": loop.decision_changed,
                    "by": decision.by.username,
                    "at": decision.at.isoformat(),
                }
                if decision
                else None,
                "scorecards": cards[pk],
            }
        )
    return documents


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
        return json_stream(loops, filters, done, on_rows)
    if kind == "ratings":
        return csv_stream(RATINGS_HEADER, ratings_rows(loops), done, on_rows)
    return csv_stream(summary_header(columns), summary_rows(loops, columns), done, on_rows)
