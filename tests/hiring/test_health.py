"""Hiring health (issue 31): every figure against values computed by hand on the loops of health_world.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import Loop, Scorecard
from hiring.selectors import health
from hiring.services.health_columns import health_columns_rebuild
from tests.factories import InterviewerFactory, InterviewFactory, UserFactory
from tests.hiring.health_world import NEW_YORK, SINCE, UNTIL, World, built_world, local


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from built_world(django_db_blocker)


def report(user, *, now: dt.datetime | None = None, **filters) -> health.HealthReport:
    with timezone.override(NEW_YORK):
        return health.hiring_health(
            user=user, filters=health.HealthFilter(since=SINCE, until=UNTIL, **filters), now=now
        )


def hours(spread: health.Spread) -> tuple[float | None, ...]:
    return tuple(None if h is None else round(h, 4) for h in spread.hours.values())


def test_scorecard_latency_is_held_to_the_hand_computed_percentiles_and_share(world, db):
    latency = report(world.staff).latency
    assert latency.submitted == 6
    assert hours(latency.spread) == (9.0, 25.0, 39.0)
    assert (latency.within_due, latency.missing) == (4, 1)
    assert latency.within_due_share == pytest.approx(4 / 6)


def test_weeks_are_the_viewers_weeks_a_sunday_interview_at_2330_local_in_its_own_week(world, db):
    weeks = report(world.staff).weeks
    assert [week.week for week in weeks] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    first, second = (week.latency for week in weeks)
    assert (first.submitted, hours(first.spread), first.within_due, first.missing) == (3, (10.0, 20.0, 26.0), 2, 0)
    # b2 (Sunday 15 March, 23:30 local, Monday in UTC) is in the second week: 6, 8, 48
    assert (second.submitted, hours(second.spread), second.within_due, second.missing) == (
        3,
        (8.0, 28.0, 40.0),
        2,
        1,
    )


def test_interviewers_are_listed_slowest_median_first_with_their_own_figures(world, db):
    rows = report(world.staff).interviewers
    assert [row.username for row in rows] == ["y", "z", "x"]
    y, z, x = (row.latency for row in rows)
    assert (y.submitted, hours(y.spread), y.within_due, y.missing) == (2, (18.0, 24.0, 27.6), 1, 1)
    assert (z.submitted, hours(z.spread), z.within_due, z.missing) == (1, (10.0, 10.0, 10.0), 1, 0)
    assert (x.submitted, hours(x.spread), x.within_due, x.missing) == (3, (8.0, 28.0, 40.0), 2, 0)
    assert [row.username for row in report(world.staff, sort="fastest").interviewers] == ["x", "z", "y"]
    assert [row.username for row in report(world.staff, sort="on_time").interviewers] == ["y", "x", "z"]


def test_time_to_decision_runs_from_the_last_scorecard_and_from_creation_to_the_first_decision(world, db):
    decisions = report(world.staff).decisions
    assert decisions.decided == 2
    # A: last card 5 March 20:00 EST -> decided 6 March 10:00 EST: 14 h; E: 4 March 11:30 EST -> 9 March
    # 12:00 EDT: 119.5 h (one hour of it lost to daylight saving time)
    last = decisions.from_last_scorecard
    assert (last.count, hours(last)) == (2, (66.75, 93.125, 108.95))
    # A: 2 March 09:00 EST -> 6 March 10:00 EST: 97 h; E: 20 February 12:00 EST -> 9 March 12:00 EDT: 407 h
    created = decisions.from_creation
    assert (created.count, hours(created)) == (2, (252.0, 329.5, 376.0))
    assert created.days["median"] == pytest.approx(10.5)


def test_the_funnel_counts_the_loops_created_in_the_period_at_every_stage_they_reached(world, db):
    funnel = report(world.staff).funnel
    assert [(s.key, s.count) for s in funnel.stages] == [("created", 5), ("planned", 3), ("all_in", 2), ("decided", 1)]
    assert [s.of_created_pct for s in funnel.stages] == pytest.approx([100, 60, 40, 20])
    assert [s.of_previous_pct for s in funnel.stages[1:]] == pytest.approx([60, 200 / 3, 50])
    assert [(o.key, o.count) for o in funnel.outcomes] == [("hire", 1), ("no_hire", 0), ("hold", 0)]


def test_stalled_loops_are_those_past_their_interviews_with_a_scorecard_missing_and_those_changed(world, db):
    result = report(world.staff)
    assert [(item.loop.pk, item.missing, item.since) for item in result.waiting.items] == [
        (world.c.pk, 1, local(12, 10))
    ]
    assert result.waiting.total == 1
    assert [item.loop.pk for item in result.changed.items] == [world.a.pk]


def test_a_hiring_manager_sees_the_figures_of_their_own_loops_only(world, db):
    result = report(world.m1)
    # A and C: 4, 10, 30, 48
    assert (result.latency.submitted, hours(result.latency.spread), result.latency.missing) == (
        4,
        (20.0, 34.5, 42.6),
        1,
    )
    assert result.decisions.decided == 2  # A and E
    assert result.funnel.created == 2  # A and C
    assert result.waiting.total == 1
    assert result.changed.total == 1


def test_one_roles_and_one_managers_figures(world, db):
    beta = report(world.staff, role="beta")
    assert (beta.latency.submitted, hours(beta.latency.spread), beta.latency.missing) == (1, (48.0, 48.0, 48.0), 1)
    assert beta.funnel.created == 2
    assert beta.decisions.decided == 0
    m2 = report(world.staff, hiring_manager=world.m2.pk)
    assert (m2.latency.submitted, hours(m2.latency.spread)) == (2, (7.0, 7.5, 7.8))
    assert m2.waiting.total == 0
    assert m2.changed.total == 0


def test_an_interviewer_sees_their_own_latency_over_the_last_twelve_weeks(world, db):
    own = health.own_latency(user=world.y, now=local(16, 12))
    assert (own.submitted, hours(own.spread), own.within_due, own.missing) == (2, (18.0, 24.0, 27.6), 1, 1)


# The page, its file and bad input --------------------------------------------------------------------------


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["browser_tz"] = "America%2FNew_York"
    return client


def test_the_page_shows_each_figure_in_the_table_beside_its_chart(world, db):
    response = client_for(world.staff).get("/hiring-health/", {"since": "2026-03-02", "until": "2026-03-15"})
    assert response.status_code == 200
    page = response.content.decode()
    for chart in ("latency-chart", "weeks-chart", "decisions-chart", "funnel-chart"):
        assert f'aria-labelledby="{chart}-title" aria-describedby="{chart}-desc"' in page
    assert '<th scope="row">Median</th><td>9.0 h</td>' in page
    assert '<th scope="row">90th percentile</th><td>39.0 h</td>' in page
    assert "67% <span" in page  # 4 of 6 within the due time
    assert f'href="/loops/{world.c.pk}/"' in page


def test_the_page_costs_the_same_queries_with_more_loops(world, db, django_assert_num_queries):
    client = client_for(world.staff)
    query = {"since": "2026-03-02", "until": "2026-03-15"}
    client.get("/hiring-health/", query)  # sessions, the time zone and caches settled
    with CaptureQueriesContext(connection) as before:
        client.get("/hiring-health/", query)
    for day in (3, 4, 5):
        loop = world.loop(world.beta, world.m2, local(day, 8), Loop.Status.IN_PROGRESS)
        world.card(loop, world.z, local(day, 9), 5)
        world.card(loop, UserFactory(), local(day, 11), None)
    with django_assert_num_queries(len(before)):
        response = client.get("/hiring-health/", query)
    assert report(world.staff).latency.submitted == 9
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-03-15", "until": "2026-03-02"}, "The end date is before the start date."),
        ({"since": "2026-03-02", "until": "9999-12-31"}, "Choose a date between the years 2000 and 2099."),
        ({"since": "2024-01-01", "until": "2026-03-02"}, "Choose a period of at most 366 days."),
        ({"role": "no-such-role"}, "Select a valid choice."),
        ({"hiring_manager": "999999"}, "Select a valid choice."),
        ({"since": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_with_a_message_never_a_500(world, db, query, message):
    response = client_for(world.staff).get("/hiring-health/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = client_for(world.staff).get("/hiring-health/export/", query)
    assert export.status_code == 400
    assert message in export.content.decode()


def test_a_period_with_nothing_in_it_shows_an_empty_state(world, db):
    response = client_for(world.staff).get("/hiring-health/", {"since": "2025-01-01", "until": "2025-01-31"})
    assert response.status_code == 200
    assert "Nothing happened in this period" in response.content.decode()


def test_an_interviewer_may_not_open_the_page_or_its_file(world, db):
    for url in ("/hiring-health/", "/hiring-health/export/"):
        assert client_for(world.x).get(url).status_code == 403


def test_the_file_holds_the_pages_figures_with_names_neutralised(world, db):
    response = client_for(world.staff).get("/hiring-health/export/", {"since": "2026-03-02", "until": "2026-03-15"})
    assert isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "measure", "value"]
    cells = {(section, item, measure): value for section, item, measure, value in rows[1:]}
    assert cells[("latency", "all", "median_hours")] == "9.000"
    assert cells[("latency", "all", "p90_hours")] == "39.000"
    assert cells[("latency", "all", "within_due_share")] == "0.667"
    assert cells[("latency_week", "2026-03-09", "missing")] == "1"
    assert cells[("interviewer", "y", "p90_hours")] == "27.600"
    assert cells[("interviewer", "y", "name")] == "'=HYPERLINK(1)"  # would run as a formula in a spreadsheet
    assert cells[("decision", "from_creation", "median_days")] == "10.500"
    assert cells[("funnel", "all_in", "share_of_previous")] == "0.667"
    assert cells[("stalled", "waiting_for_scorecards", "count")] == "1"


def test_an_interviewers_home_says_how_quickly_their_own_scorecards_came_in(db):
    me = InterviewerFactory()
    now = timezone.now()
    for hours_after in (2, 30):  # one within the 24 hours, one late
        interview = InterviewFactory(interviewer=me, scheduled_at=now - dt.timedelta(days=3))
        Scorecard.objects.filter(interview=interview).update(
            status=Scorecard.Status.SUBMITTED,
            recommendation="yes",
            submitted_at=interview.scheduled_at + dt.timedelta(hours=hours_after),
        )
    InterviewFactory(interviewer=me, scheduled_at=now - dt.timedelta(days=2))  # a draft past its due time
    health_columns_rebuild()  # the scorecards were written around the services
    page = client_for(me).get("/").content.decode()
    assert "within <strong>16.0 h</strong> of the interview, nine in ten within 27.2 h" in page
    assert "1 of 2 within the 24 h due time; 1 still missing past it." in page
