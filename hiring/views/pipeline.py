"""The pipeline and its exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from hiring import exports, policy
from hiring.forms import PipelineFilterForm
from hiring.search import search_key
from hiring.selectors import pipeline
from hiring.selectors.loops import hiring_managers
from hiring.selectors.pipeline import PipelineFilter
from hiring.views import signed_in_user

PAGE_SIZE = 50
EXPORT_FORMATS = {("summary", "csv"), ("ratings", "csv"), ("summary", "json")}
# One-click views above the filter form. Each sets the form's status, "changed" and "red flag" filters to its own
# and keeps the rest (search, role, manager, dates, sort); a tab is current when the form's three agree with it.
# "Awaiting decision" is a loop with every scorecard in and no decision yet (status "complete").
TAB_FIELDS = ("status", "changed", "red_flag")
QUICK_FILTERS: tuple[tuple[str, dict[str, str]], ...] = (
    ("All loops", {}),
    ("Awaiting decision", {"status": "complete"}),
    ("In progress", {"status": "in_progress"}),
    ("Decision changed since decided", {"changed": "on"}),
    ("Has a red flag", {"red_flag": "on"}),
    ("Decided", {"status": "decided"}),
)


@dataclass(frozen=True)
class QuickFilter:
    label: str
    query: str
    current: bool


def _filter_form(request: HttpRequest) -> PipelineFilterForm:
    if not policy.can_view_pipeline(request.user):
        raise PermissionDenied("The pipeline is for recruiters and hiring managers.")
    return PipelineFilterForm(request.GET, roles=pipeline.pipeline_roles(), hiring_managers=hiring_managers())


def _kept_query(request: HttpRequest, *, drop: tuple[str, ...] = ()) -> QueryDict:
    """The page's query string without its page number, empty fields and the `drop`ped ones."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key in ("page", "jump", *drop):
            continue
        for value in values:
            if value != "":
                query.appendlist(key, value)
    return query


def _quick_filters(request: HttpRequest, filters: PipelineFilter | None) -> list[QuickFilter]:
    shown = None
    if filters is not None:
        shown = {"status": filters.status, "changed": "on" * filters.changed, "red_flag": "on" * filters.red_flag}
    tabs = []
    for label, own in QUICK_FILTERS:
        query = _kept_query(request, drop=TAB_FIELDS)
        query.update(own)  # appends: the tab's own fields were dropped above
        current = shown is not None and all(shown[name] == own.get(name, "") for name in TAB_FIELDS)
        tabs.append(QuickFilter(label=label, query=query.urlencode(), current=current))
    return tabs


@login_required
def loop_pipeline(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if not form.is_valid():
        context = {"form": form, "page": None, "quick_filters": _quick_filters(request, None)}
        return render(request, "hiring/pipeline.html", context, status=400)
    filters = form.to_filter()
    columns = pipeline.dimension_columns(filters.role) if filters.role else []
    loops = pipeline.pipeline_loops(user=request.user, filters=filters)
    page = Paginator(pipeline.row_loops(loops), PAGE_SIZE).get_page(request.GET.get("page"))
    found = list(page.object_list)
    if request.GET.get("jump") and filters.q and page.paginator.count == 1:
        # The header's search box: one candidate found goes straight to their loop.
        return redirect("loop_detail", found[0].pk)
    rows = pipeline.pipeline_rows(loops=found, columns=columns)
    return render(
        request,
        "hiring/pipeline.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "columns": columns,
            "query": _kept_query(request).urlencode(),
            "quick_filters": _quick_filters(request, filters),
            "filtered": bool(filters.as_dict().keys() - {"sort"}),
        },
    )


def export_file_name(*, kind: str, fmt: str, filters: PipelineFilter, day: dt.date) -> str:
    """The export's file name: what it holds, the filters it was cut by (in ASCII) and the day, e.g.
    ``loops-summary-status-complete-q-soren-2026-12-07.csv``."""
    parts = [f"{key}-{value}" for key, value in filters.as_dict().items() if key != "sort"]
    described = slugify(search_key(" ".join(parts)))[:80].strip("-")
    return "-".join(part for part in ("loops", kind, described, day.isoformat()) if part) + f".{fmt}"


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
    name = export_file_name(kind=kind, fmt=fmt, filters=filters, day=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
