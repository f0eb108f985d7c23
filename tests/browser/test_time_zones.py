"""The browser's own time zone, told to the server by the real static/js/timezone.js in Chromium (the context's
``timezone_id``; no test sets the cookie): settings name it, plans are entered and shown in it, autosave reports it."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hiring.models import Interview, Scorecard
from hiring.services.loops import loop_create
from roles.models import RubricVersion
from tests.browser.conftest import BROWSER_ZONE, EXPERIMENTS, PanelLoop, People

pytestmark = pytest.mark.browser

ZONE = zoneinfo.ZoneInfo(BROWSER_ZONE)


def test_settings_name_the_browsers_zone_and_a_plan_is_entered_and_shown_in_it(
    page: Page, log_in, role_fixtures, people: People
):
    rubric = RubricVersion.objects.filter(role__slug="principal-ml-scientist").order_by("-number").first()
    assert rubric is not None
    loop = loop_create(
        candidate_name="Zone Candidate",
        candidate_email="",
        candidate_notes="",
        rubric=rubric,
        hiring_manager=people.hiring_manager,
        by=people.recruiter,
    )
    log_in(page, people.recruiter)

    page.goto("/accounts/settings/")
    expect(page.get_by_label("Time zone")).to_have_value("")
    expect(page.get_by_label("Time zone").locator("option:checked")).to_have_text(
        f"Follow this browser ({BROWSER_ZONE})"
    )
    expect(page.locator("#active-zone")).to_have_text(BROWSER_ZONE)

    page.goto(f"/loops/{loop.pk}/plan/")
    first_exercise = rubric.exercises.order_by("position").first()  # the plan's first row
    assert first_exercise is not None
    title = first_exercise.title
    page.locator("fieldset.plan-row").first.get_by_label(f"Time ({BROWSER_ZONE})").fill("2031-03-03T10:00")
    page.get_by_role("button", name="Save plan").click()

    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/$"))
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text("Mon 3 Mar, 10:00 ACDT")
    interview = Interview.objects.get(loop=loop, exercise__title=title)
    assert interview.scheduled_at == dt.datetime(2031, 3, 2, 23, 30, tzinfo=dt.UTC)  # 10:00 in Adelaide, in UTC
    page.goto(f"/loops/{loop.pk}/plan/")
    expect(page.locator("fieldset.plan-row").first.get_by_label(f"Time ({BROWSER_ZONE})")).to_have_value(
        "2031-03-03T10:00"
    )


def test_autosave_reports_the_time_it_saved_in_the_browsers_zone(page: Page, log_in, interviewer_loop: PanelLoop):
    scorecard = interviewer_loop.scorecard(EXPERIMENTS)
    rigor = interviewer_loop.dimension("experimentation-rigor")
    log_in(page, interviewer_loop.people.interviewer)
    page.goto(f"/scorecards/{scorecard.pk}/")

    page.locator(f"textarea[name=evidence_{rigor.pk}]").fill("Named the metric before the test ran.")
    status = page.locator("#autosave-status")
    expect(status).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d:\d\d\.$"))

    saved = Scorecard.objects.get(pk=scorecard.pk).updated_at
    assert status.inner_text() == f"Draft saved at {timezone.localtime(saved, ZONE):%H:%M:%S}."
