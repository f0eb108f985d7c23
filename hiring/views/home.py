"""A person's home page, their open interviews and their submitted scorecards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from hiring import policy
from hiring.models import Scorecard
from hiring.selectors.home import (
    HOME_LIST,
    home_page,
    next_interview_to_write,
    open_interviews,
    submitted_interviews,
)
from hiring.selectors.own_interviews import own_interview_rows, own_interviews_listed
from hiring.services.refusals import InputRefused
from hiring.services.reminders import scorecard_remind
from hiring.views import signed_in_user

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = home_page(user=signed_in_user(request), now=now)
    return render(
        request,
        "hiring/home.html",
        {"home": page, "can_plan": policy.can_plan_loops(request.user), "now": now, "shown": HOME_LIST},
    )


@login_required
def my_interviews(request: HttpRequest) -> HttpResponse:
    interviews = own_interviews_listed(open_interviews(user=signed_in_user(request)))
    page = Paginator(interviews, PAGE_SIZE).get_page(request.GET.get("page"))
    items = own_interview_rows(page.object_list)
    return render(request, "hiring/my_interviews.html", {"page": page, "items": items, "now": timezone.now()})


@login_required
def my_scorecards(request: HttpRequest) -> HttpResponse:
    interviews = own_interviews_listed(submitted_interviews(user=signed_in_user(request)))
    page = Paginator(interviews, PAGE_SIZE).get_page(request.GET.get("page"))
    items = own_interview_rows(page.object_list)
    return render(request, "hiring/my_scorecards.html", {"page": page, "items": items, "now": timezone.now()})


@require_GET
@login_required
def scorecard_next(request: HttpRequest) -> HttpResponse:
    """Where a submitted scorecard leads: the next one the interviewer has to write, else their home."""
    interview = next_interview_to_write(user=signed_in_user(request), now=timezone.now())
    if interview is None:
        messages.info(request, "No other scorecard is waiting for you.")
        return redirect("home")
    when = date_format(timezone.localtime(interview.scheduled_at), "D j M")
    messages.info(request, f"Next: your scorecard for {interview.loop.candidate.name} ({interview.name}, {when}).")
    return redirect("scorecard", interview.scorecard.pk)


@require_POST
@login_required
def remind(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    """A recruiter's nudge from their home: the interviewer of an overdue scorecard is emailed now."""
    try:
        scorecard = scorecard_remind(scorecard_id=scorecard_id, by=signed_in_user(request), now=timezone.now())
    except (Scorecard.DoesNotExist, PermissionDenied):
        raise Http404("No such scorecard among the loops you run.") from None
    except InputRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        interviewer = scorecard.interview.interviewer
        messages.success(request, f"Reminder sent to {interviewer.get_full_name() or interviewer.username}.")
    return redirect("home")
