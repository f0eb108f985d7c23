"""The debrief, where the hiring manager decides, and the printable loop summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hiring import policy
from hiring.forms import DecisionForm, DecisionRevisitForm
from hiring.models import Decision, Loop
from hiring.selectors import debrief as debrief_selectors
from hiring.selectors.loops import loop_get
from hiring.services.decisions import DecisionConflict, loop_decide, loop_decision_revisit
from hiring.services.scorecard_views import scorecard_views_record
from hiring.views import signed_in_user


def _loop_for_debrief(request: HttpRequest, loop_id: int) -> Loop:
    try:
        loop = loop_get(user=signed_in_user(request), loop_id=loop_id)
    except Loop.DoesNotExist:
        raise Http404("No such loop.") from None
    if not policy.can_view_debrief(request.user, loop):
        raise PermissionDenied("The debrief opens to interviewers once their own scorecard for this loop is submitted.")
    return loop


def _decide(request: HttpRequest, loop: Loop, form: DecisionForm) -> tuple[bool, int]:
    """Record the first decision from the form; (done, status)."""
    if not form.is_valid():
        return False, 400
    try:
        loop_decide(loop=loop, by=signed_in_user(request), **form.cleaned_data)
    except DecisionConflict as conflict:
        messages.error(request, str(conflict))
        return False, 409
    except ValidationError as error:
        form.add_error(None, error)
        return False, 400
    messages.success(
        request,
        "Decision recorded. No more drafts or submissions on this loop; a submitted scorecard can still be "
        "amended, with a reason, and you will be told if one is.",
    )
    return True, 302


def _revisit(request: HttpRequest, loop: Loop, form: DecisionRevisitForm) -> tuple[bool, int]:
    """Confirm the decision or record a new one from the form; (done, status)."""
    if not form.is_valid():
        return False, 400
    supersedes = Decision.objects.filter(loop=loop, pk=form.cleaned_data["supersedes"]).first()
    if supersedes is None:
        form.add_error(None, "That is not one of this loop's decisions; nothing was saved.")
        return False, 400
    try:
        decision = loop_decision_revisit(
            loop=loop,
            by=signed_in_user(request),
            supersedes=supersedes,
            outcome=form.cleaned_data["outcome"],
            rationale=form.cleaned_data["rationale"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except DecisionConflict as conflict:
        messages.error(request, str(conflict))
        return False, 409
    except ValidationError as error:
        form.add_error(None, error)
        return False, 400
    if decision.kind == Decision.Kind.CONFIRMED:
        messages.success(request, f"Decision confirmed on the current scorecards: {decision.get_outcome_display()}.")
    else:
        messages.success(request, f"New decision recorded: {decision.get_outcome_display()}. The earlier one is kept.")
    return True, 302


@login_required
def loop_debrief(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _loop_for_debrief(request, loop_id)
    can_decide = policy.can_decide(request.user, loop)
    can_adjust = policy.can_view_calibration(request.user)
    show_adjusted = can_adjust and request.GET.get("adjusted") == "1"
    action = request.POST.get("action", "decide") if request.method == "POST" else None
    form = DecisionForm(request.POST if action == "decide" else None)
    revisit = DecisionRevisitForm(request.POST if action == "revisit" else None)
    status = 200
    if action is not None:
        if not can_decide:
            raise PermissionDenied("Only the loop's hiring manager can record, confirm or change its decision.")
        done, status = _decide(request, loop, form) if action == "decide" else _revisit(request, loop, revisit)
        if done:
            return redirect(f"{reverse('loop_debrief', args=[loop.pk])}#decision")
    debrief = debrief_selectors.loop_debrief(loop=loop, viewer=signed_in_user(request), adjusted=show_adjusted)
    if debrief.decision and not revisit.is_bound:
        revisit = DecisionRevisitForm(initial={"supersedes": debrief.decision.pk, "outcome": debrief.decision.outcome})
    scorecard_views_record(viewer=signed_in_user(request), scorecards=[r.scorecard for r in debrief.rows if not r.seen])
    return render(
        request,
        "hiring/debrief.html",
        {
            "debrief": debrief,
            "form": form,
            "revisit": revisit,
            "can_decide": can_decide,
            "can_adjust": can_adjust,
            "show_adjusted": show_adjusted,
            "thresholds": {"strong": debrief_selectors.STRONG_AT, "weak": debrief_selectors.WEAK_BELOW},
            "classifications": debrief_selectors.CLASSIFICATIONS,
        },
        status=status,
    )


@login_required
def loop_summary(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _loop_for_debrief(request, loop_id)
    debrief = debrief_selectors.loop_debrief(loop=loop, viewer=signed_in_user(request))
    scorecard_views_record(viewer=signed_in_user(request), scorecards=[r.scorecard for r in debrief.rows if not r.seen])
    return render(request, "hiring/summary.html", {"debrief": debrief})
