"""Times are entered and shown in the person's time zone (their setting, else their browser's) and stored in UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Profile
from hiring.models import Interview
from tests.hiring.test_views import _plan_data, lead_loop, lead_rubric  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _first_interview_utc(loop) -> dt.datetime:
    first = Interview.objects.filter(loop=loop).order_by("scheduled_at").first()
    assert first is not None
    return first.scheduled_at.astimezone(dt.UTC)


def test_a_plan_is_entered_in_the_browsers_zone_and_stored_in_utc(login, lead_loop, interviewer):  # noqa: F811
    client = login(lead_loop.recruiter)
    client.cookies["browser_tz"] = "Asia%2FTokyo"  # as static/js/timezone.js writes it: encodeURIComponent

    page = client.get(f"/loops/{lead_loop.pk}/plan/")
    assert "times in Asia/Tokyo" in page.content.decode()
    client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))

    assert _first_interview_utc(lead_loop) == dt.datetime(2031, 3, 3, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo


def test_the_profiles_zone_wins_over_the_browsers(login, lead_loop, interviewer):  # noqa: F811
    client = login(lead_loop.recruiter)
    client.cookies["browser_tz"] = "Asia%2FTokyo"

    response = client.post("/accounts/settings/", {"time_zone": "Europe/Paris"})
    assert response.status_code == 302
    assert Profile.objects.get(user=lead_loop.recruiter).time_zone == "Europe/Paris"
    assert "times in Europe/Paris" in client.get(f"/loops/{lead_loop.pk}/plan/").content.decode()
    client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))

    assert _first_interview_utc(lead_loop) == dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris (CET)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "x" * 500])
def test_an_unknown_zone_is_refused_and_changes_nothing(login, interviewer, zone):
    client = login(interviewer)
    client.post("/accounts/settings/", {"time_zone": "Europe/Paris"})

    response = client.post("/accounts/settings/", {"time_zone": zone})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=interviewer).time_zone == "Europe/Paris"


def test_a_bad_browser_cookie_falls_back_to_the_sites_zone(login, lead_loop, settings):  # noqa: F811
    client = login(lead_loop.recruiter)
    client.cookies["browser_tz"] = "Not/AZone"

    assert f"times in {settings.TIME_ZONE}" in client.get(f"/loops/{lead_loop.pk}/plan/").content.decode()


def test_the_settings_page_is_reachable_from_the_user_menu(login, interviewer):
    home = login(interviewer).get("/").content.decode()
    assert 'href="/accounts/settings/"' in home


def test_settings_name_the_browsers_zone_as_its_script_writes_it(login, interviewer):
    client = login(interviewer)
    client.cookies["browser_tz"] = "America%2FNew_York"

    page = client.get("/accounts/settings/").content.decode()

    assert "Follow this browser (America/New_York)" in page
