"""Streamed loop exports (summary CSV, ratings CSV, JSON), shared by the web and the command.

Rows come from one server-side iterator over `pipeline.pipeline_loops`, written out in
batches, so memory stays flat whatever the number of loops.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from hiring.models import Amendment, AuditEvent, ExportRecord, Interview, Loop, ObservedSignal, Rating, Scorecard
from hiring.scoring import loop_normalised_mean_sql, normalise
from hiring.selectors.decisions import changed_since_decided
from hiring.selectors.pipeline import RECOMMENDATIONS, SIGNAL_KINDS, DimensionColumn
from hiring.services.audit import audit_record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000
JSON_CHUNK = 500
# Rows fetched from the database at a time. The driver holds about two chunks at once, so the
# peak memory of an export stops growing once it passes two chunks of rows.
CHUNK = 500


def neutralise(value: object) -> object:
    """Make a text cell inert in spreadsheets: one that would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def summary_rows(loops: QuerySet[Loop], columns: list[DimensionColumn]) -> Iterator[list]:
    for loop in loops.iterator(chunk_size=CHUNK):
        decision = getattr(loop, "decision", None)
        yield [
            loop.pk,
            loop.candidate.name,
            loop.rubric.title,
            loop.rubric.number,
            loop.status,
            timezone.localtime(loop.created_at).date().isoformat(),
            loop.hiring_manager.username,
            loop.recruiter.username,
            loop.submitted,
            loop.expected,
            loop.overdue,
            _rounded(loop.normalised_mean),
            *[_rounded(getattr(loop, c.annotation)) for c in columns],
            *[getattr(loop, f"signals_{kind}") for kind in SIGNAL_KINDS],
            *[getattr(loop, f"rec_{value}") for value in RECOMMENDATIONS],
            decision.outcome if decision else "",
            timezone.localtime(decision.at).isoformat(timespec="seconds") if decision else "",
            decision.rationale if decision else "",
            ("yes" if loop.decision_changed else "no") if decision else "",
        ]


RATINGS_HEADER = [
    "loop_id", "candidate", "role", "rubric_version", "scale_min", "scale_max", "scorecard_id", "interviewer",
    "exercise", "dimension", "dimension_slug", "score", "not_assessed", "normalised", "evidence", "submitted_at",
    "amended",
]  # fmt: skip


def ratings_rows(loops: QuerySet[Loop]) -> Iterator[list]:
    ratings = (
        Rating.objects.filter(
            scorecard__interview__loop__in=loops.order_by().values("pk"), scorecard__status=Scorecard.Status.SUBMITTED
        )
        .annotate(amended=Exists(Amendment.objects.filter(scorecard=OuterRef("scorecard"))))
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
            "scorecard__interview__exercise__title",
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


class _Line:
    """A file-like object whose write returns what was written, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list], on_done: Callable[[int], None]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(header)
    count = 0
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        count += len(batch)
        yield "".join(writer.writerow([neutralise(cell) for cell in row]) for row in batch)
    on_done(count)


def json_stream(loops: QuerySet[Loop], filters: dict, on_done: Callable[[int], None]) -> Iterator[str]:
    """`{"filters": …, "loops": [loop → scorecards → ratings and signals]}`, a chunk of loops at a time."""
    yield '{"filters": ' + json.dumps(filters, sort_keys=True) + ', "loops": ['
    count = 0
    ids = loops.values_list("pk", flat=True).iterator(chunk_size=5000)
    while chunk := list(islice(ids, JSON_CHUNK)):
        for document in _loop_documents(chunk):
            yield ("" if count == 0 else ", ") + json.dumps(document, ensure_ascii=False)
            count += 1
    yield "]}\n"
    on_done(count)


def _loop_documents(ids: list[int]) -> list[dict]:
    loops = (
        Loop.objects.filter(pk__in=ids)
        .select_related("candidate", "rubric__role", "hiring_manager", "recruiter", "decision__by")
        .annotate(normalised_mean=loop_normalised_mean_sql(), decision_changed=changed_since_decided())
    )
    by_id = {loop.pk: loop for loop in loops}
    cards: dict[int, list[dict]] = {pk: [] for pk in ids}
    card_docs: dict[int, dict] = {}
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
            "exercise": interview.exercise.title,
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
                "normalised_mean": None if loop.normalised_mean is None else round(loop.normalised_mean, 3),
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


def export_start(*, by: User | None, kind: str, fmt: str, filters: dict, source: str) -> ExportRecord:
    record = ExportRecord(by=by, kind=kind, format=fmt, filters=filters, source=source)
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
    *, loops: QuerySet[Loop], kind: str, fmt: str, columns: list[DimensionColumn], filters: dict, record: ExportRecord
) -> Iterator[str]:
    """The text of one export, in pieces; the audit record gets its row count at the end."""

    def done(rows: int) -> None:
        export_finish(record=record, rows=rows)

    if fmt == "json":
        return json_stream(loops, filters, done)
    if kind == "ratings":
        return csv_stream(RATINGS_HEADER, ratings_rows(loops), done)
    return csv_stream(summary_header(columns), summary_rows(loops, columns), done)
