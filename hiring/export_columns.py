"""Every column of the loop-summary and ratings exports, declared once.

A column says what it is called (its CSV header; its JSON key, and the JSON object it sits in),
what it is written from (`Read`: a loop's field or a pipeline figure of the summary's one
statement, a rating's field or expression of the ratings query), how a cell is written to CSV and
to JSON, and its type and description for the API's schema. The CSV files, the JSON file, the
API's export endpoints and their serializers (`api.serializers`) are all built from these lists,
so a new column is one line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hiring.models import Amendment
from hiring.scoring import normalise
from hiring.selectors.pipeline import RECOMMENDATIONS, SIGNAL_KINDS, DimensionColumn


@dataclass(frozen=True)
class Read:
    """A value an export's query selects: `source` is "loop" (a field of the loop, by ORM path),
    "figure" (a name of `pipeline.figure_names`) or "rating" (a field of the rating, by ORM path,
    or `expression` annotated under that name)."""

    source: str
    path: str
    expression: Any = field(default=None, compare=False, hash=False)


def loop(path: str) -> Read:
    return Read("loop", path)


def figure(name: str) -> Read:
    return Read("figure", name)


def rating(path: str, expression: Any = None) -> Read:
    return Read("rating", path, expression)


@dataclass(frozen=True)
class Group:
    """A JSON object that holds some columns by a shorter key (`signals: {strong: …}`).

    `open_type`: the object's keys come from the data (a role's dimension slugs), its values all of
    this schema type; otherwise its keys are its columns' keys.
    """

    key: str
    description: str
    open_type: str = ""
    nullable: bool = False
    after: str = ""  # the column it follows in a JSON object when it has no column of its own


@dataclass(frozen=True)
class Column:
    """One export column: `name` is its CSV header; `key` (default `name`) its JSON key, inside the
    `group` object if any. `csv` and `json` take the values of `reads`, in order. `type` is its
    OpenAPI type (integer, number, string, boolean, date, date-time); `nullable`: its JSON may be null.
    `level` (ratings only): whose value it is, the loop's, the scorecard's or the rating's."""

    name: str
    reads: tuple[Read, ...]
    type: str
    csv: Callable[..., object] | InZone
    json: Callable[..., object] | InZone
    description: str = ""
    nullable: bool = False
    key: str = ""
    group: str = ""
    level: str = ""

    @property
    def json_key(self) -> str:
        return self.key or self.name


# Cell writers --------------------------------------------------------------------------------------


def same(value: object) -> object:
    return value


def _blank(value: object) -> object:
    return "" if value is None else value


def as_moment(value: object) -> dt.datetime:
    """A timestamp cell of a raw query as an aware datetime (SQLite hands back text, PostgreSQL datetimes)."""
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"Not a timestamp: {value!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


@dataclass(frozen=True)
class InZone:
    """A cell writer that needs the current time zone: `row_writer` looks the zone up once per export (a
    thread-local look-up costs more than the cell itself) and binds it."""

    write: Callable[[object, dt.tzinfo], object]

    def bound(self, zone: dt.tzinfo) -> Callable[[object], object]:
        write = self.write
        return lambda value: write(value, zone)


def _date_in(value: object, zone: dt.tzinfo) -> str:
    return as_moment(value).astimezone(zone).date().isoformat()


def _time_in(value: object, zone: dt.tzinfo) -> str | None:
    return None if value is None else as_moment(value).astimezone(zone).isoformat(timespec="seconds")


def _time_text_in(value: object, zone: dt.tzinfo) -> str:
    return "" if value is None else as_moment(value).astimezone(zone).isoformat(timespec="seconds")


_local_date, _local_time, _local_time_text = InZone(_date_in), InZone(_time_in), InZone(_time_text_in)


def _three_places(value: Any) -> str:
    return "" if value is None else f"{value:.3f}"


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _changed_text(outcome: object, changed: object) -> str:
    return "" if outcome is None else ("yes" if changed else "no")


def _changed(outcome: object, changed: object) -> bool | None:
    return None if outcome is None else bool(changed)


def _yes_no(value: object) -> str:
    return "yes" if value else "no"


def _boolean(value: object) -> bool:
    return bool(value)


def _normalised(score: int | None, low: int, high: int) -> float | None:
    return None if score is None else normalise(score, scale_min=low, scale_max=high)


def _normalised_text(score: int | None, low: int, high: int) -> str:
    return _three_places(_normalised(score, low, high))


def _normalised_json(score: int | None, low: int, high: int) -> float | None:
    return _rounded(_normalised(score, low, high))


# The loop-summary export ---------------------------------------------------------------------------

SIGNAL_HEADERS = {"strong": "strong_signals", "weak": "weak_signals", "red_flag": "red_flags"}
SUMMARY_GROUPS = (
    Group(
        "normalised_dimensions",
        "The role's dimensions' normalised means (0–1) by dimension slug; only with ?role=.",
        open_type="number",
        nullable=True,
        after="normalised_mean",
    ),
    Group("signals", "Signals observed on submitted scorecards, by kind."),
    Group("recommendations", "Submitted scorecards by recommendation."),
)


def _count(name: str, read: Read, description: str, *, key: str = "", group: str = "") -> Column:
    return Column(name, (read,), "integer", same, same, description, key=key, group=group)


LOOP_KEY = "loop"  # the JSON key of a loop's id, in both exports


def summary_columns(dimensions: Sequence[DimensionColumn]) -> list[Column]:
    """The loop-summary columns, in file order; `dimensions` adds one normalised mean column each."""
    decided = loop("decision__outcome")
    return [
        Column("loop_id", (loop("pk"),), "integer", same, same, "The loop's id.", key=LOOP_KEY),
        Column("candidate", (loop("candidate__name"),), "string", same, same, "The candidate's name."),
        Column("role", (loop("rubric__title"),), "string", same, same, "The title of the loop's rubric version."),
        Column("role_slug", (loop("rubric__role__slug"),), "string", same, same, "The role's slug (its URL name)."),
        Column("rubric_version", (loop("rubric__number"),), "integer", same, same, "The rubric version's number."),
        Column("scale_min", (loop("rubric__scale_min"),), "integer", same, same, "The rubric's lowest level."),
        Column("scale_max", (loop("rubric__scale_max"),), "integer", same, same, "The rubric's highest level."),
        Column("status", (loop("status"),), "string", same, same, "The loop's status."),
        Column("created", (loop("created_at"),), "date", _local_date, _local_date, "Created (your time zone)."),
        Column("hiring_manager", (loop("hiring_manager__username"),), "string", same, same, "Their username."),
        Column("recruiter", (loop("recruiter__username"),), "string", same, same, "Their username."),
        _count("scorecards_submitted", figure("submitted"), "Scorecards submitted."),
        _count("scorecards_expected", figure("expected"), "Interviews planned (one scorecard each)."),
        _count("overdue", figure("overdue"), "Drafts past their due time."),
        Column(
            "normalised_mean", (figure("normalised_mean"),), "number", _three_places, _rounded,
            "The mean of the scored dimensions' normalised means (0–1).", nullable=True,
        ),
        *[
            Column(
                f"normalised_{column.slug}", (figure(f"dim_{n}"),), "number", _three_places, _rounded,
                f"{column.name}: normalised mean (0–1).", nullable=True, key=column.slug, group="normalised_dimensions",
            )
            for n, column in enumerate(dimensions)
        ],
        *[
            _count(
                SIGNAL_HEADERS[kind], figure(f"signals_{kind}"), f"Observed {kind} signals.", key=kind, group="signals"
            )
            for kind in SIGNAL_KINDS
        ],
        *[
            _count(f"rec_{value}", figure(f"rec_{value}"), f"Recommending {value}.", key=value, group="recommendations")
            for value in RECOMMENDATIONS
        ],
        Column("decision", (decided,), "string", _blank, _blank, "The current decision's outcome; blank: undecided."),
        Column(
            "decided_at", (loop("decision__at"),), "date-time", _local_time_text, _local_time,
            "When the current decision was made.", nullable=True,
        ),
        Column(
            "decided_by", (loop("decision__by__username"),), "string", _blank, _blank,
            "Who made the current decision (username); blank: undecided.",
        ),
        Column("decision_rationale", (loop("decision__rationale"),), "string", _blank, _blank, "Its rationale."),
        Column(
            "rule_outcome", (loop("decision__rule_outcome"),), "string", _blank, _blank,
            "What the rubric version's decision rule said when the current decision was recorded (hire, no_hire); "
            "blank: undecided, or no outcome yet (scorecards pending, a must-have unrated).",
        ),
        Column(
            "decision_overridden", (decided, loop("decision__overridden")), "boolean", _changed_text, _changed,
            "The current decision goes against the rule's outcome (hold never does); null: undecided.", nullable=True,
        ),
        Column(
            "override_reason", (loop("decision__override_reason"),), "string", _blank, _blank,
            "Why the current decision goes against the rule; blank when it does not.",
        ),
        Column(
            "decision_changed_since_decided", (decided, figure("decision_changed")), "boolean", _changed_text, _changed,
            "A scorecard it rests on was amended since; null: undecided.", nullable=True,
        ),
    ]  # fmt: skip


# The ratings export --------------------------------------------------------------------------------

_LOOP = "scorecard__interview__loop__"
_SCALE = (rating(f"{_LOOP}rubric__scale_min"), rating(f"{_LOOP}rubric__scale_max"))
_SCORE = rating("score")
SCORECARD_ID = rating("scorecard_id")


def _ratings(
    name: str, path: str, type: str, level: str, description: str, *, key: str = "", expression: Any = None
) -> Column:
    return Column(name, (rating(path, expression),), type, same, same, description, key=key, level=level)


RATING_COLUMNS = [
    _ratings("loop_id", f"{_LOOP}id", "integer", "loop", "The loop's id.", key=LOOP_KEY),
    _ratings("candidate", f"{_LOOP}candidate__name", "string", "loop", "The candidate's name."),
    _ratings("role", f"{_LOOP}rubric__title", "string", "loop", "The title of the loop's rubric version."),
    _ratings("rubric_version", f"{_LOOP}rubric__number", "integer", "loop", "The rubric version's number."),
    _ratings("scale_min", f"{_LOOP}rubric__scale_min", "integer", "loop", "The bottom of the role's scale."),
    _ratings("scale_max", f"{_LOOP}rubric__scale_max", "integer", "loop", "The top of the role's scale."),
    Column(
        "scorecard_id", (SCORECARD_ID,), "integer", same, same, "The scorecard's id.", key="scorecard",
        level="scorecard",
    ),
    _ratings("interviewer", "scorecard__interview__interviewer__username", "string", "scorecard", "Username."),
    _ratings(
        "exercise", "interview_name", "string", "scorecard", "The interview: its exercise's title or its own.",
        expression=Coalesce("scorecard__interview__exercise__title", "scorecard__interview__title"),
    ),
    _ratings("dimension", "dimension__name", "string", "rating", "The dimension's name."),
    _ratings("dimension_slug", "dimension__slug", "string", "rating", "The dimension's slug."),
    Column("score", (_SCORE,), "integer", _blank, same, "On the role's scale; null: not scored.", True, level="rating"),
    Column("not_assessed", (rating("not_assessed"),), "boolean", _yes_no, _boolean, "Not assessed.", level="rating"),
    Column(
        "normalised", (_SCORE, *_SCALE), "number", _normalised_text, _normalised_json, "The score on 0–1.",
        nullable=True, level="rating",
    ),
    _ratings("evidence", "evidence", "string", "rating", "The interviewer's evidence."),
    Column(
        "submitted_at", (rating("scorecard__submitted_at"),), "date-time", _local_time_text, _local_time,
        "When the scorecard was submitted.", nullable=True, level="scorecard",
    ),
    Column(
        "amended", (rating("amended", Exists(Amendment.objects.filter(scorecard=OuterRef("scorecard")))),), "boolean",
        _yes_no, _boolean, "The scorecard was amended after it was submitted.", level="scorecard",
    ),
]  # fmt: skip


# Rows ----------------------------------------------------------------------------------------------


def reads_of(columns: Sequence[Column]) -> list[Read]:
    """The distinct values `columns` are written from, in the order they are first read."""
    return list(dict.fromkeys(read for column in columns for read in column.reads))


def row_writer(
    columns: Sequence[Column], at: dict[Read, int], *, fmt: str
) -> Callable[[Sequence[object]], list[object]]:
    """A function from a query row (each `Read` at its position in `at`) to the cells of `columns`, as `fmt`
    ("csv" or "json") writes them.

    Built once per export and called once per row, so it takes each column's first value in one C-level
    `itemgetter` call and calls a writer only for the cells that are not written as selected.
    """
    take = itemgetter(*[at[column.reads[0]] for column in columns])
    zone = timezone.get_current_timezone()
    writers: list[tuple[int, Callable[..., object], list[int]]] = []
    for n, column in enumerate(columns):
        write = column.csv if fmt == "csv" else column.json
        if isinstance(write, InZone):
            write = write.bound(zone)
        if write is not same:
            writers.append((n, write, [at[read] for read in column.reads[1:]]))

    def row_of(row: Sequence[object]) -> list[object]:
        cells = list(take(row)) if len(columns) > 1 else [take(row)]
        for n, write, more in writers:
            cells[n] = write(cells[n], *[row[m] for m in more]) if more else write(cells[n])
        return cells

    return row_of


def json_object_maker(
    columns: Sequence[Column], groups: Sequence[Group] = ()
) -> Callable[[list[object]], dict[str, object]]:
    """A function from a row's JSON cells (in `columns` order) to its JSON object, keys in column order, each
    group an object of its own where its first column is, or after the column its `after` names (an open
    group is there, maybe empty, even with no column: a summary without dimensions)."""
    slots: list[tuple[str, int | list[tuple[int, str]]]] = []  # a key and its cell, or a group's (cell, key)s
    members: dict[str, list[tuple[int, str]]] = {group.key: [] for group in groups}

    def place(group: str) -> None:
        if all(key != group for key, _ in slots):
            slots.append((group, members.setdefault(group, [])))

    for n, column in enumerate(columns):
        if column.group:
            place(column.group)
            members[column.group].append((n, column.json_key))
        else:
            slots.append((column.json_key, n))
        for group in groups:
            if group.after == column.name:
                place(group.key)
    for group in groups:
        place(group.key)

    def object_of(cells: list[object]) -> dict[str, object]:
        return {key: cells[at] if isinstance(at, int) else {inner: cells[n] for n, inner in at} for key, at in slots}

    return object_of
