"""A person's home page, their open interviews and their submitted scorecards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hiring import policy
from hiring.selectors.home import HOME_LIST, home_page, interview_items, open_interviews, submitted_interviews
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
    page = Paginator(open_interviews(user=signed_in_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    items = interview_items(page.object_list)
    return render(request, "hiring/my_interviews.html", {"page": page, "items": items, "now": timezone.now()})


@login_required
def my_scorecards(request: HttpRequest) -> HttpResponse:
    page = Paginator(submitted_interviews(user=signed_in_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    items = interview_items(page.object_list)
    return render(request, "hiring/my_scorecards.html", {"page": page, "items": items, "now": timezone.now()})
