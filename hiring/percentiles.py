"""Percentiles computed by the database: PostgreSQL's ``percentile_cont``, and the same on SQLite.

``Percentile(expression, fraction=0.9)`` is an aggregate: the value below which that fraction of the
group's non-null values lie, interpolated linearly between the two nearest (PostgreSQL's
``percentile_cont``). SQLite has no such function, so each SQLite connection gets one
(``sqlite_percentile_register``, connected in hiring.apps): it keeps the group's values in memory, which
is bounded by what the query's own filters let through, and sorts them once at the end.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, DurationField
from django.db.models.sql.compiler import SQLCompiler

SQLITE_FUNCTION = "SCORECARDS_PERCENTILE_CONT"


class Percentile(Aggregate):
    """The ``fraction`` percentile (0–1) of a duration, interpolated like PostgreSQL's percentile_cont."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = DurationField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError(f"A percentile's fraction lies in [0, 1], not {fraction}.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, template=SQLITE_TEMPLATE, **extra)


SQLITE_TEMPLATE = "%(function)s(%(expressions)s, %(fraction)s)%(filter)s"


def percentile_sql(column: str, fraction: float, *, vendor: str) -> str:
    """`Percentile` as SQL text over a column of a hand-written statement (the same templates)."""
    template, function = (
        (SQLITE_TEMPLATE, SQLITE_FUNCTION) if vendor == "sqlite" else (Percentile.template, "PERCENTILE_CONT")
    )
    return template % {"function": function, "fraction": repr(float(fraction)), "expressions": column, "filter": ""}


def as_duration(value: Any) -> dt.timedelta | None:
    """A duration percentile read by hand: PostgreSQL gives an interval, SQLite microseconds."""
    if value is None or isinstance(value, dt.timedelta):
        return value
    return dt.timedelta(microseconds=float(value))


def interpolated(values: list[float], fraction: float) -> float | None:
    """percentile_cont of ``values`` (sorted here): None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _SQLitePercentile:
    """SQLite's side of ``Percentile``: step() per row, finalize() per group."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return interpolated(self.values, self.fraction)


def sqlite_percentile_register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give a new SQLite connection the percentile aggregate (a ``connection_created`` receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _SQLitePercentile)
