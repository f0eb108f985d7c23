"""The home page per role: what a hiring manager, a recruiter and an interviewer see first, bounded lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.models import Decision, Loop, Scorecard
from hiring.selectors import home
from hiring.selectors.home import HOME_LIST, interviewer_sections
from hiring.services.loop_status import loop_status_refresh
from tests.factories import InterviewerFactory, InterviewFactory, LoopFactory

pytestmark = pytest.mark.django_db


def _html(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found is not None
    return found.group(1).strip()


def _loop(hiring_manager, *, status: str, name: str, submitted_hours_ago: float | None = None, **kw) -> Loop:
    """A loop of the given status with one interview; its scorecard submitted that long ago, if given (the stored
    figures follow, as after every write: ``loop_status_refresh``)."""
    interview = InterviewFactory(
        loop__hiring_manager=hiring_manager,
        loop__candidate__name=name,
        scheduled_at=timezone.now() - dt.timedelta(days=3),
        **{f"loop__{key}": value for key, value in kw.items()},
    )
    if submitted_hours_ago is not None:
        Scorecard.objects.filter(interview=interview).update(
            status=Scorecard.Status.SUBMITTED,
            recommendation="yes",
            submitted_at=timezone.now() - dt.timedelta(hours=submitted_hours_ago),
        )
    loop_status_refresh(interview.loop)
    Loop.objects.filter(pk=interview.loop_id).update(status=status)
    return Loop.objects.get(pk=interview.loop_id)


def _decide(loop: Loop) -> None:
    decision = Decision.objects.create(loop=loop, outcome="hire", rationale="Clear yes.", by=loop.hiring_manager)
    Loop.objects.filter(pk=loop.pk).update(status=Loop.Status.DECIDED, decision=decision)


def test_a_hiring_manager_sees_what_awaits_their_decision_first_longest_wait_first(login, hiring_manager):
    _loop(hiring_manager, status="complete", name="Wendy Waitedlong", submitted_hours_ago=50)
    _loop(hiring_manager, status="complete", name="Walt Waitedless", submitted_hours_ago=3)
    progressing = _loop(hiring_manager, status="in_progress", name="Pia Progress")
    decided = _loop(hiring_manager, status="complete", name="Dora Decided", submitted_hours_ago=80)
    _decide(decided)
    _loop(LoopFactory().hiring_manager, status="complete", name="Olly Otherteam", submitted_hours_ago=1)

    html = _html(login(hiring_manager))

    assert _h1(html) == "My hiring decisions"
    assert html.index('id="awaiting-decision"') < html.index('id="in-progress"') < html.index('id="recently-decided"')
    awaiting = _section(html, "awaiting-decision")
    assert "Awaiting your decision (2)" in awaiting
    assert awaiting.index("Wendy Waitedlong") < awaiting.index("Walt Waitedless")
    assert "waiting 2\xa0days" in _text(awaiting)
    assert "Pia Progress" not in awaiting
    assert "Olly Otherteam" not in html
    assert reverse("loop_debrief", args=[Loop.objects.get(candidate__name="Wendy Waitedlong").pk]) in awaiting
    assert "Pia Progress" in _section(html, "in-progress")
    assert reverse("loop_detail", args=[progressing.pk]) in _section(html, "in-progress")
    recently = _section(html, "recently-decided")
    assert "Dora Decided" in recently
    assert "Hire" in recently
    assert reverse("loop_summary", args=[decided.pk]) in recently
    # A hiring manager with no interviews of their own gets no interviewer sections.
    assert 'id="write-heading"' not in html
    assert "Upcoming (" not in html


def test_a_hiring_manager_on_a_panel_also_sees_their_own_interviews(login, hiring_manager):
    InterviewFactory(interviewer=hiring_manager, loop__candidate__name="Ivan Ownpanel")

    html = _html(login(hiring_manager))

    assert "Ivan Ownpanel" in _section(html, "upcoming-heading")


def test_a_recruiter_sees_loops_to_plan_overdue_scorecards_to_chase_and_recent_decisions(login, recruiter):
    unplanned = LoopFactory(recruiter=recruiter, candidate__name="Una Unplanned")
    late = InterviewFactory(
        loop__recruiter=recruiter,
        loop__candidate__name="Lars Late",
        scheduled_at=timezone.now() - dt.timedelta(hours=30),
    )
    InterviewFactory(loop__recruiter=recruiter, loop__candidate__name="Tim Ontime", scheduled_at=timezone.now())
    decided = _loop(LoopFactory().hiring_manager, status="complete", name="Dee Decided", recruiter=recruiter)
    _decide(decided)
    LoopFactory(candidate__name="Nemo Notmine")

    html = _html(login(recruiter))

    assert _h1(html) == "My loops to run"
    to_plan = _section(html, "to-plan")
    assert "Loops to plan (1)" in to_plan
    assert "Una Unplanned" in to_plan
    assert reverse("loop_plan", args=[unplanned.pk]) in to_plan
    chase = _section(html, "to-chase")
    assert "Overdue scorecards to chase (1)" in chase
    assert "Lars Late" in chase
    assert late.interviewer.get_full_name() in chase
    assert "overdue by 6\xa0hours" in _text(chase)
    assert "Tim Ontime" not in chase
    assert "Dee Decided" in _section(html, "recent-decisions")
    assert "Nemo Notmine" not in html
    assert "Awaiting your decision" not in html
    assert 'id="write-heading"' not in html


def test_an_interviewer_gets_a_write_scorecard_action_and_a_relative_due_time(login, interviewer):
    interview = InterviewFactory(interviewer=interviewer, scheduled_at=timezone.now() - dt.timedelta(hours=2))

    html = _html(login(interviewer))

    assert _h1(html) == "My interviews"
    section = _section(html, "write-heading")
    assert f'href="{reverse("scorecard", args=[interview.scorecard.pk])}">Write scorecard' in section
    assert "due in 21\xa0hours" in _text(section)
    assert "Awaiting your decision" not in html
    assert "Loops to plan" not in html


def test_long_lists_show_the_next_ten_and_link_to_a_paginated_page_of_all_open_interviews(login, interviewer):
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(HOME_LIST + 45):
        InterviewFactory(interviewer=interviewer, scheduled_at=start + dt.timedelta(hours=n))
    client = login(interviewer)

    html = _html(client)
    upcoming = _section(html, "upcoming-heading")
    first = _html(client, reverse("my_interviews"))
    second = _html(client, reverse("my_interviews") + "?page=2")

    assert f"Upcoming ({HOME_LIST + 45})" in upcoming
    assert upcoming.count("Write scorecard") == HOME_LIST
    assert f"All {HOME_LIST + 45} open interviews" in html
    assert first.count("Write scorecard") == 50
    assert second.count("Write scorecard") == HOME_LIST - 5
    assert "Page 2 of 2" in second


def test_the_open_interviews_page_and_the_home_counts_leave_out_submitted_and_decided(login, interviewer):
    InterviewFactory(interviewer=interviewer, loop__candidate__name="Opal Open")
    submitted = InterviewFactory(interviewer=interviewer, loop__candidate__name="Sid Submitted")
    Scorecard.objects.filter(interview=submitted).update(
        status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
    )
    loop_status_refresh(submitted.loop)
    decided = InterviewFactory(interviewer=interviewer, loop__candidate__name="Dan Decided")
    Loop.objects.filter(pk=decided.loop_id).update(status=Loop.Status.DECIDED)

    html = _html(login(interviewer), reverse("my_interviews"))
    counted = interviewer_sections(user=interviewer, now=timezone.now())

    assert "Opal Open" in html
    assert "Sid Submitted" not in html
    assert "Dan Decided" not in html
    assert (counted.open_total, counted.submitted.total) == (1, 1)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["hiring_manager", "recruiter", "staff"])
def test_a_managers_home_costs_the_same_queries_for_a_short_or_long_history(login, request, who):
    user = request.getfixturevalue(who)
    counts = []
    for history in (1, 12):
        for _ in range(history):
            for status in ("complete", "in_progress", "planned", "decided"):
                loop = _loop(LoopFactory().hiring_manager, status=status, name="Candidate", submitted_hours_ago=5)
                Loop.objects.filter(pk=loop.pk).update(
                    **{"recruiter" if who == "recruiter" else "hiring_manager": user}
                )
                if status == "decided":
                    _decide(Loop.objects.get(pk=loop.pk))
            LoopFactory(**{"recruiter" if who == "recruiter" else "hiring_manager": user})  # nothing planned
        counts.append(_queries(login(user)))
    assert counts[0] == counts[1]


def test_an_interviewers_home_costs_the_same_queries_and_html_for_a_long_or_longer_history(login):
    counts, sizes = [], []
    for history in (12, 40):
        interviewer = InterviewerFactory()
        for n in range(history):
            for hours in (-30, -2, 30):
                InterviewFactory(
                    interviewer=interviewer,
                    loop__candidate__name="Candidate Name",
                    scheduled_at=timezone.now() + dt.timedelta(hours=hours, minutes=n),
                )
        client = login(interviewer)
        counts.append(_queries(client))
        sizes.append(len(client.get("/").content))
    assert counts[0] == counts[1]
    assert abs(sizes[0] - sizes[1]) < 2_000, sizes  # ten rows per list either way; only ids and times differ


def test_open_interviews_past_the_count_cap_are_said_to_be_at_least_that_many(login, interviewer, monkeypatch):
    """Open interviews are counted only up to HOME_COUNT_CAP (the count reads no more rows than that): past it the
    page says "n+" and links to the full list."""
    monkeypatch.setattr(home, "HOME_COUNT_CAP", HOME_LIST + 2)
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(HOME_LIST + 5):
        InterviewFactory(interviewer=interviewer, scheduled_at=start + dt.timedelta(hours=n))

    html = _html(login(interviewer))

    upcoming = _section(html, "upcoming-heading")
    assert f"Upcoming ({HOME_LIST + 2}+)" in upcoming
    assert upcoming.count("Write scorecard") == HOME_LIST
    assert f'href="{reverse("my_interviews")}">All {HOME_LIST + 2}+ open interviews' in html
