"""Creating, viewing and planning loops."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from hiring import policy
from hiring.forms import LoopCreateForm, PlanForm, SelfIdentificationForm
from hiring.models import Loop
from hiring.selectors.loops import (
    hiring_managers,
    loop_for_planning,
    loop_get,
    loop_interviews_for,
    plan_panel,
    plan_proposal,
    plan_rule,
    uncovered_dimensions,
)
from hiring.selectors.self_identification import self_identification_recorded
from hiring.services.loops import loop_create, loop_plan_save
from hiring.views import signed_in_user
from roles.models import Dimension
from roles.selectors import current_rubrics


def visible_loop(request: HttpRequest, loop_id: int, *, planning: bool = False) -> Loop:
    """The loop, if the user may see it; 404 otherwise."""
    try:
        if planning:
            return loop_for_planning(user=request.user, loop_id=loop_id)
        return loop_get(user=request.user, loop_id=loop_id)
    except Loop.DoesNotExist:
        raise Http404("No such loop.") from None


@login_required
def loop_new(request: HttpRequest) -> HttpResponse:
    if not policy.can_plan_loops(request.user):
        raise PermissionDenied("Only recruiters can create loops.")
    form = LoopCreateForm(request.POST or None, rubrics=current_rubrics(), hiring_managers=hiring_managers())
    if request.method == "POST" and form.is_valid():
        try:
            loop = loop_create(**form.cleaned_data, by=signed_in_user(request))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Loop created for {loop.candidate.name}. Now plan the interviews.")
            return redirect("loop_plan", loop.pk)
    return render(request, "hiring/loop_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def loop_detail(request: HttpRequest, loop_id: int) -> HttpResponse:
    return loop_page(request, visible_loop(request, loop_id))


def loop_page(
    request: HttpRequest,
    loop: Loop,
    *,
    self_identification_form: SelfIdentificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The loop's page; its recruiter (or staff) also sees whether the candidate's self-identification is recorded
    (never what) and a form to record it."""
    records = policy.can_record_self_identification(request.user, loop)
    return render(
        request,
        "hiring/loop_detail.html",
        {
            "loop": loop,
            "interviews": loop_interviews_for(user=request.user, loop=loop),
            "can_plan": policy.can_plan(request.user, loop),
            "can_view_debrief": policy.can_view_debrief(request.user, loop),
            "uncovered": uncovered_dimensions(loop=loop),
            "self_identification_form": (self_identification_form or SelfIdentificationForm()) if records else None,
            "self_identification_recorded": records and self_identification_recorded(loop=loop),
        },
        status=status,
    )


@login_required
def loop_plan(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = visible_loop(request, loop_id, planning=True)
    if not policy.can_plan(request.user, loop):
        raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
    changeable = policy.can_change_plan(request.user, loop)
    posted = request.POST if request.method == "POST" and changeable else None
    form = PlanForm(posted, proposal=plan_proposal(loop=loop, now=timezone.now()))
    if request.method == "POST" and not changeable:
        messages.error(request, "This loop is decided: its plan is kept as it was and can no longer change.")
        return _plan_page(request, loop, form, uncovered=[], status=409)
    if posted is not None and form.is_valid():
        try:
            loop_plan_save(loop=loop, rows=form.plan(), removed=form.removed(), by=signed_in_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _plan_saved_message(request, uncovered_dimensions(loop=loop))
            return redirect("loop_detail", loop.pk)
    uncovered = uncovered_dimensions(loop=loop, plan=form.rows)
    return _plan_page(request, loop, form, uncovered=uncovered, status=400 if posted is not None else 200)


def _plan_saved_message(request: HttpRequest, uncovered: list[Dimension]) -> None:
    if uncovered:
        names = ", ".join(d.name for d in uncovered)
        messages.warning(request, f"Plan saved, but no interview covers: {names}.")
    else:
        messages.success(request, "Plan saved. Every rubric dimension is covered by an interview.")


def _plan_page(
    request: HttpRequest, loop: Loop, form: PlanForm, *, uncovered: list[Dimension], status: int
) -> HttpResponse:
    return render(
        request,
        "hiring/loop_plan.html",
        {
            "loop": loop,
            "form": form,
            "rows": form.rows,
            "panel": plan_panel(loop=loop, counts=form.focus_counts()),
            "rule": plan_rule(loop=loop),
            "panel_target": settings.PANEL_RELIABILITY_TARGET,
            "uncovered": uncovered,
            "decided": not policy.can_change_plan(request.user, loop),
            "time_zone": timezone.get_current_timezone_name(),
        },
        status=status,
    )
