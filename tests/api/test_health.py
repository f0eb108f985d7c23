"""GET /api/v1/hiring-health/: the page's figures as JSON, through the same policy and form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.models import Profile
from tests.hiring.health_world import World, built_world

PERIOD = {"since": "2026-03-02", "until": "2026-03-15"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from built_world(django_db_blocker)


@pytest.fixture
def new_yorker(world: World, db):
    """The staff member, reading in New York time (a token has no browser: the profile's zone applies)."""
    Profile.objects.update_or_create(user=world.staff, defaults={"time_zone": "America/New_York"})
    return world.staff


def test_the_api_gives_the_pages_figures(api, new_yorker, world: World):
    body = api(new_yorker, scope="read").get("hiring-health/", PERIOD).json()
    assert body["period"] == {"since": "2026-03-02", "until": "2026-03-15"}
    assert body["latency"] == {
        "submitted": 6,
        "median_hours": 9.0,
        "p75_hours": 25.0,
        "p90_hours": 39.0,
        "within_due": 4,
        "within_due_share": pytest.approx(4 / 6),
        "missing": 1,
    }
    assert [(w["week"], w["latency"]["submitted"], w["latency"]["missing"]) for w in body["weeks"]] == [
        ("2026-03-02", 3, 0),
        ("2026-03-09", 3, 1),
    ]
    assert [(i["username"], i["latency"]["median_hours"]) for i in body["interviewers"]] == [
        ("y", 18.0),
        ("z", 10.0),
        ("x", 8.0),
    ]
    assert body["interviewer_count"] == 3
    assert body["decisions"]["from_creation"]["median_days"] == pytest.approx(10.5)
    assert [(s["stage"], s["count"]) for s in body["funnel"]["stages"]] == [
        ("created", 5),
        ("planned", 3),
        ("all_in", 2),
        ("decided", 1),
    ]
    assert [(loop["loop"], loop["missing"]) for loop in body["waiting"]["loops"]] == [(world.c.pk, 1)]
    assert body["changed"]["total"] == 1


def test_a_hiring_manager_gets_their_own_loops_figures_and_an_interviewer_is_refused(api, world: World, db):
    # B only; m2 has no time zone of their own, so the days are the site's (UTC), where b2 falls on 16 March
    latency = api(world.m2).get("hiring-health/", PERIOD).json()["latency"]
    assert (latency["submitted"], latency["median_hours"]) == (1, 8.0)
    refused = api(world.x).get("hiring-health/", PERIOD)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"since": "2026-03-15", "until": "2026-03-02"}, 422, "until"),
        ({"since": "2026-03-02", "until": "9999-12-31"}, 422, "until"),
        ({"role": "no-such-role"}, 422, "role"),
        ({"since": "yesterday"}, 400, "since"),
        ({"sort": "sideways"}, 400, "sort"),
    ],
)
def test_bad_filters_are_refused_with_the_field_named(api, world: World, db, query, status, field):
    response = api(world.staff).get("hiring-health/", query)
    assert response.status_code == status
    assert field in response.json()["fields"]
