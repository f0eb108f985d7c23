"""Hiring health: scorecard latency, time to decision, the funnel and stalled loops (page and CSV)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from hiring import charts, exports, policy
from hiring.forms import HealthFilterForm
from hiring.health_export import HEADER, health_rows
from hiring.selectors import health, pipeline
from hiring.selectors.loops import hiring_managers

PERCENTILE_LABELS = {"median": "Median", "p75": "75th percentile", "p90": "90th percentile"}


def health_form(request: HttpRequest) -> HealthFilterForm:
    """The filter form of the page, its file and its API endpoint; refuses whoever the policy does not let in."""
    if not policy.can_view_hiring_health(request.user):
        raise PermissionDenied("Hiring health is for recruiters and hiring managers.")
    return HealthFilterForm(
        request.GET, roles=pipeline.pipeline_roles(), hiring_managers=hiring_managers(), today=timezone.localdate()
    )


def _figure(value: float | None, unit: str) -> str:
    return "no data" if value is None else f"{value:.1f} {unit}"


@dataclass(frozen=True)
class HealthCharts:
    latency: SafeString
    weeks: SafeString
    decisions: SafeString
    funnel: SafeString


def health_charts(report: health.HealthReport) -> HealthCharts:
    due = (float(report.due_hours), f"due: {report.due_hours} h")
    spread = report.latency.spread.hours
    latency = charts.horizontal_bars(
        chart_id="latency-chart",
        title="Scorecard latency",
        desc=f"Hours from the interview to the scorecard's submission, over {report.latency.submitted} scorecards; "
        f"the dashed line is the due time.",
        bars=[charts.Bar(PERCENTILE_LABELS[name], spread[name], _figure(spread[name], "h")) for name in spread],
        marker=due,
    )
    weeks = charts.vertical_bars(
        chart_id="weeks-chart",
        title="Median scorecard latency by week",
        desc="Median hours from the interview to submission, per week the interviews took place in; "
        "the dashed line is the due time.",
        bars=[
            charts.Bar(f"{week.week:%d %b}", median, _figure(median, "h"))
            for week, median in ((week, week.latency.spread.hours["median"]) for week in report.weeks)
        ],
        marker=due,
    )
    last, created = report.decisions.from_last_scorecard.days, report.decisions.from_creation.days
    decisions = charts.horizontal_bars(
        chart_id="decisions-chart",
        title="Time to decision",
        desc=f"Days to the decision, over the {report.decisions.decided} loops decided in the period: from the "
        "last scorecard in, and from the loop's creation.",
        bars=[
            charts.Bar("Last in: median", last["median"], _figure(last["median"], "d")),
            charts.Bar("Last in: 90th", last["p90"], _figure(last["p90"], "d")),
            charts.Bar("Created: median", created["median"], _figure(created["median"], "d")),
            charts.Bar("Created: 90th", created["p90"], _figure(created["p90"], "d")),
        ],
    )
    funnel = charts.horizontal_bars(
        chart_id="funnel-chart",
        title="Funnel of the loops created in the period",
        desc="Loops that reached each stage, then the decided by outcome.",
        bars=[
            charts.Bar(
                stage.label,
                stage.count,
                f"{stage.count}" + ("" if stage.of_created is None else f" ({stage.of_created:.0%})"),
            )
            for stage in report.funnel.rows
        ],
    )
    return HealthCharts(latency=latency, weeks=weeks, decisions=decisions, funnel=funnel)


@login_required
def hiring_health_page(request: HttpRequest) -> HttpResponse:
    form = health_form(request)
    if not form.is_valid():
        return render(request, "hiring/health.html", {"form": form, "report": None}, status=400)
    report = health.hiring_health(user=request.user, filters=form.to_filter(), page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return render(
        request,
        "hiring/health.html",
        {
            "form": form,
            "report": report,
            "charts": health_charts(report),
            "page": report.interviewer_page,
            "query": query.urlencode(),
            "sort_query": without_sort.urlencode(),
            "percentile_labels": PERCENTILE_LABELS,
        },
    )


@login_required
def hiring_health_export(request: HttpRequest) -> HttpResponseBase:
    form = health_form(request)
    if not form.is_valid():
        return HttpResponse(
            "Not exported: " + " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain",
        )
    report = health.hiring_health(user=request.user, filters=form.to_filter())
    stream = exports.csv_stream(HEADER, health_rows(report), lambda rows: None)
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    name = f"hiring-health-{report.filters.since.isoformat()}-{report.filters.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
