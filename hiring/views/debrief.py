"""The debrief, where the hiring manager decides, and the printable loop summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hiring import policy
from hiring.forms import DecisionForm
from hiring.selectors import debrief as debrief_selectors
from hiring.selectors.loops import loop_get
from hiring.services.decisions import DecisionConflict, loop_decide
from hiring.services.scorecard_views import scorecard_views_record


def _loop_for_debrief(request: HttpRequest, loop_id: int):
    loop = loop_get(user=request.user, loop_id=loop_id)
    if not policy.can_view_debrief(request.user, loop):
        raise PermissionDenied("The debrief opens to interviewers once their own scorecard for this loop is submitted.")
    return loop


@login_required
def loop_debrief(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _loop_for_debrief(request, loop_id)
    can_decide = policy.can_decide(request.user, loop)
    can_adjust = policy.can_view_calibration(request.user)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Only the loop's hiring manager can record its decision.")
        status = 400
        if form.is_valid():
            try:
                loop_decide(loop=loop, by=request.user, **form.cleaned_data)
            except DecisionConflict as conflict:
                messages.error(request, str(conflict))
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Decision recorded. The loop's scorecards are now locked.")
                return redirect("loop_debrief", loop.pk)
    debrief = debrief_selectors.loop_debrief(loop=loop)
    scorecard_views_record(viewer=request.user, scorecards=[row.scorecard for row in debrief.rows])
    return render(
        request,
        "hiring/debrief.html",
        {
            "debrief": debrief,
            "form": form,
            "can_decide": can_decide,
            "can_adjust": can_adjust,
            "show_adjusted": can_adjust and request.GET.get("adjusted") == "1",
            "thresholds": {"strong": debrief_selectors.STRONG_AT, "weak": debrief_selectors.WEAK_BELOW},
            "classifications": debrief_selectors.CLASSIFICATIONS,
        },
        status=status,
    )


@login_required
def loop_summary(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _loop_for_debrief(request, loop_id)
    debrief = debrief_selectors.loop_debrief(loop=loop)
    scorecard_views_record(viewer=request.user, scorecards=[row.scorecard for row in debrief.rows])
    return render(request, "hiring/summary.html", {"debrief": debrief})
