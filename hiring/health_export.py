"""The hiring health figures as CSV rows: one figure a row, `section, item, measure, value`.

A long format, so that weeks, interviewers and outcomes are rows rather than columns that change
with the period. Durations in hours (latency) and days (time to decision), three decimals; shares
0–1. Every row goes through `hiring.exports.csv_stream`, which neutralises formula-like cells (an
interviewer's name is free text).
"""

from __future__ import annotations

from collections.abc import Iterator

from hiring.selectors.health import HealthReport, InterviewerLatency, Latency, Spread

HEADER = ["section", "item", "measure", "value"]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _latency(section: str, item: str, latency: Latency) -> Iterator[list[object]]:
    yield [section, item, "submitted", latency.submitted]
    for name, hours in latency.spread.hours.items():
        yield [section, item, f"{name}_hours", _number(hours)]
    yield [section, item, "within_due", latency.within_due]
    yield [section, item, "within_due_share", _number(latency.within_due_share)]
    yield [section, item, "missing", latency.missing]


def _spread_days(section: str, item: str, spread: Spread) -> Iterator[list[object]]:
    yield [section, item, "count", spread.count]
    for name, days in spread.days.items():
        yield [section, item, f"{name}_days", _number(days)]


def _interviewer(row: InterviewerLatency) -> Iterator[list[object]]:
    yield ["interviewer", row.username, "name", row.name]
    yield from _latency("interviewer", row.username, row.latency)


def health_rows(report: HealthReport) -> Iterator[list[object]]:
    """The report's figures, every interviewer's included (the page shows them a page at a time)."""
    f = report.filters
    yield ["period", "", "since", f.since.isoformat()]
    yield ["period", "", "until", f.until.isoformat()]
    yield ["period", "", "role", f.role]
    yield ["period", "", "hiring_manager", f.hiring_manager or ""]
    yield ["period", "", "due_hours", report.due_hours]
    yield from _latency("latency", "all", report.latency)
    for week in report.weeks:
        yield from _latency("latency_week", week.week.isoformat(), week.latency)
    for row in report.interviewers:
        yield from _interviewer(row)
    yield ["decision", "all", "decided", report.decisions.decided]
    yield from _spread_days("decision", "from_last_scorecard", report.decisions.from_last_scorecard)
    yield from _spread_days("decision", "from_creation", report.decisions.from_creation)
    for stage in report.funnel.stages:
        yield ["funnel", stage.key, "count", stage.count]
        yield ["funnel", stage.key, "share_of_created", _number(stage.of_created)]
        if stage.of_previous is not None:
            yield ["funnel", stage.key, "share_of_previous", _number(stage.of_previous)]
    for outcome in report.funnel.outcomes:
        yield ["funnel_outcome", outcome.key, "count", outcome.count]
        yield ["funnel_outcome", outcome.key, "share_of_decided", _number(outcome.of_previous)]
    yield ["stalled", "waiting_for_scorecards", "count", report.waiting.total]
    yield ["stalled", "changed_since_decided", "count", report.changed.total]
