"""The pipeline and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from hiring import exports, policy
from hiring.forms import PipelineFilterForm
from hiring.selectors import pipeline
from hiring.selectors.loops import hiring_managers
from hiring.views import signed_in_user

PAGE_SIZE = 50
EXPORT_FORMATS = {("summary", "csv"), ("ratings", "csv"), ("summary", "json")}
# One-click views above the filter form, each a query string of the form's own filters:
# "awaiting decision" is a loop with every scorecard in and no decision yet (status "complete").
QUICK_FILTERS = (
    ("All loops", ""),
    ("Awaiting decision", "status=complete"),
    ("In progress", "status=in_progress"),
    ("Decision changed since decided", "changed=on"),
    ("Has a red flag", "red_flag=on"),
    ("Decided", "status=decided"),
)


def _filter_form(request: HttpRequest) -> PipelineFilterForm:
    if not policy.can_view_pipeline(request.user):
        raise PermissionDenied("The pipeline is for recruiters and hiring managers.")
    return PipelineFilterForm(request.GET, roles=pipeline.pipeline_roles(), hiring_managers=hiring_managers())


@login_required
def loop_pipeline(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        context = {"form": form, "page": None, "quick_filters": QUICK_FILTERS, "quick": None}
        return render(request, "hiring/pipeline.html", context, status=400)
    filters = form.to_filter()
    columns = pipeline.dimension_columns(filters.role) if filters.role else []
    loops = pipeline.pipeline_loops(user=request.user, filters=filters)
    page = Paginator(loops, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = pipeline.pipeline_rows(loops=list(page.object_list), columns=columns)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hiring/pipeline.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "columns": columns,
            "query": query.urlencode(),
            "quick_filters": QUICK_FILTERS,
            "quick": query.urlencode(),
        },
    )


@login_required
def loop_export(request: HttpRequest) -> HttpResponseBase:
    form = _filter_form(request)
    kind, fmt = request.GET.get("kind", "summary"), request.GET.get("format", "csv")
    if (kind, fmt) not in EXPORT_FORMATS:
        return HttpResponse(
            "Choose format=csv with kind=summary or kind=ratings, or format=json.",
            status=400,
            content_type="text/plain",
        )
    if not form.is_valid():
        return HttpResponse(
            "Not exported: " + " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain",
        )
    filters = form.to_filter()
    columns = pipeline.dimension_columns(filters.role) if filters.role and kind == "summary" else []
    loops = pipeline.pipeline_loops(user=request.user, filters=filters)
    record = exports.export_start(
        by=signed_in_user(request), kind=kind, fmt=fmt, filters=filters.as_dict(), source="web"
    )
    stream = exports.export_stream(
        loops=loops, kind=kind, fmt=fmt, columns=columns, filters=filters.as_dict(), record=record
    )
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(stream, content_type=content_type)
    name = f"loops-{kind}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
