"""Interviewer calibration and panel agreement, for hiring managers and staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from hiring import charts, policy
from hiring.agreement import BOOTSTRAP_RESAMPLES
from hiring.reliability import MIN_PANEL_LOOPS
from hiring.selectors import calibration, pipeline
from roles.models import RubricVersion


class CalibrationFilterForm(forms.Form):
    role = forms.ChoiceField(required=False, choices=())
    since = forms.DateField(required=False, label="Loops created from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Loops created until", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, roles: Iterable[RubricVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "Any role"), *[(r.role.slug, r.title) for r in roles]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def to_filter(self) -> calibration.CalibrationFilter:
        data = self.cleaned_data
        return calibration.CalibrationFilter(
            role=data.get("role") or "", since=data.get("since"), until=data.get("until")
        )


@dataclass(frozen=True)
class InterviewerRow:
    figures: calibration.InterviewerCalibration
    chart: SafeString


@login_required
def calibration_page(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_calibration(request.user):
        raise PermissionDenied("Calibration is for hiring managers.")
    form = CalibrationFilterForm(request.GET, roles=pipeline.pipeline_roles())
    if not form.is_valid():
        return render(request, "hiring/calibration.html", {"form": form, "report": None}, status=400)
    report = calibration.calibration_report(filters=form.to_filter(), page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        InterviewerRow(
            figures=row,
            chart=charts.distribution_chart(
                chart_id=f"distribution-{row.user_id}", name=row.name, counts=row.distribution
            ),
        )
        for row in report.interviewers
    ]
    dots = [
        charts.Dot(row.name, row.leniency.mean, *(row.leniency.interval or (None, None))) for row in report.interviewers
    ]
    return render(
        request,
        "hiring/calibration.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "page": report.interviewer_page,
            "query": query.urlencode(),
            "leniency_chart": charts.leniency_chart(chart_id="leniency", dots=dots) if dots else "",
            "low_agreement": calibration.LOW_AGREEMENT,
            "min_flag_loops": calibration.MIN_FLAG_LOOPS,
            "resamples": BOOTSTRAP_RESAMPLES,
            "panel_target": settings.PANEL_RELIABILITY_TARGET,
            "min_panel_loops": MIN_PANEL_LOOPS,
            "due_hours": settings.SCORECARD_DUE_HOURS,
            "min_hires": settings.VALIDITY_MIN_HIRES,
            "override_tables": [
                ("by hiring manager", report.overrides.by_manager, "managers"),
                ("by role", report.overrides.by_role, "roles"),
            ],
        },
    )
