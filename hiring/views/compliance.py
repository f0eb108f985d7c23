"""Compliance: recording a candidate's self-identification (recruiters), the adverse-impact report (the
Compliance group), page and CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiring import exports, policy
from hiring.forms import AdverseImpactForm, SelfIdentificationForm
from hiring.impact_export import HEADER, impact_rows
from hiring.selectors import pipeline
from hiring.services.compliance import adverse_impact_read
from hiring.services.self_identification import self_identification_record
from hiring.views import signed_in_user
from hiring.views.loops import loop_page, visible_loop


@login_required
@require_POST
def self_identification(request: HttpRequest, loop_id: int) -> HttpResponse:
    """Record the loop's candidate's self-identification; the page then says only that it is recorded."""
    loop = visible_loop(request, loop_id)
    if not policy.can_record_self_identification(request.user, loop):
        raise PermissionDenied("Only the loop's recruiter can record the candidate's self-identification.")
    form = SelfIdentificationForm(request.POST)
    if form.is_valid():
        try:
            self_identification_record(loop=loop, **form.cleaned_data, by=signed_in_user(request))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Self-identification recorded.")
            return redirect("loop_detail", loop.pk)
    return loop_page(request, loop, self_identification_form=form, status=400)


def impact_form(request: HttpRequest, *, opening: bool = False) -> AdverseImpactForm:
    """The report's form (page and file); refuses whoever the policy does not let read self-identification.
    A page opened with nothing asked (``opening``) gets it unbound, so the role is not yet marked as missing."""
    if not policy.can_read_self_identification(request.user):
        raise PermissionDenied("The adverse-impact report is for the Compliance group only.")
    data = None if opening and not request.GET else request.GET
    return AdverseImpactForm(data, roles=pipeline.pipeline_roles(), today=timezone.localdate())


@login_required
def adverse_impact_page(request: HttpRequest) -> HttpResponse:
    form = impact_form(request, opening=True)
    if not request.GET:
        return render(request, "hiring/adverse_impact.html", {"form": form, "report": None, "asked": False})
    if not form.is_valid():
        return render(request, "hiring/adverse_impact.html", {"form": form, "report": None, "asked": True}, status=400)
    report = adverse_impact_read(filters=form.to_filter(), by=signed_in_user(request), form="page")
    return render(
        request,
        "hiring/adverse_impact.html",
        {"form": form, "report": report, "asked": True, "query": request.GET.urlencode()},
    )


@login_required
def adverse_impact_export(request: HttpRequest) -> HttpResponseBase:
    form = impact_form(request)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else 'Input'}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponse("Not exported. " + " ".join(problems), status=400, content_type="text/plain")
    report = adverse_impact_read(filters=form.to_filter(), by=signed_in_user(request), form="CSV")
    stream = exports.csv_stream(HEADER, impact_rows(report), lambda rows: None)
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    f = report.filters
    name = f"adverse-impact-{f.role}-{f.since.isoformat()}-{f.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
