"""A person's home page and their submitted scorecards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hiring import policy
from hiring.selectors.home import interviewer_home, submitted_interviews


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = interviewer_home(user=request.user, now=timezone.now())
    return render(
        request,
        "hiring/home.html",
        {"sections": sections, "can_plan": policy.can_plan_loops(request.user), "now": timezone.now()},
    )


@login_required
def my_scorecards(request: HttpRequest) -> HttpResponse:
    page = Paginator(submitted_interviews(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "hiring/my_scorecards.html", {"page": page})
