"""Issue 17, points 1, 5 and 6 at 1280 and 390 px: the scorecard with its kit beside (or above) the form,
the plan's live coverage warning, the interview guide without provenance for interviewers.

Each page is checked with axe (no violations), for sideways scrolling and for fieldsets named by a
first-child legend; screenshots go through the shared helper (`make screenshots` refreshes the README's).
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from django.utils import timezone
from playwright.sync_api import Page, expect

from hiring.models import Rating, Scorecard
from hiring.services.statistics import loop_statistics_refresh
from roles.models import Dimension, RubricVersion
from tests.browser.conftest import E2E_DESIGN, People, laid_out, plan_loop, screenshot
from tests.browser.test_accessibility import describe
from tests.factories import InterviewFactory, LoopFactory, UserFactory

pytestmark = pytest.mark.browser

WIDTHS = ["desktop", "phone"]


def _page(request, width: str) -> Page:
    return request.getfixturevalue("page" if width == "desktop" else "phone_page")


def assert_page_fits_and_passes_axe(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    unnamed = page.evaluate(
        "Array.from(document.querySelectorAll('fieldset'))"
        ".filter(f => !(f.firstElementChild && f.firstElementChild.tagName === 'LEGEND'))"
        ".map(f => f.outerHTML.slice(0, 80))"
    )
    assert unnamed == [], unnamed
    violations = Axe().run(page).response["violations"]
    assert not violations, describe(violations)


@pytest.fixture
def four_dimension_card(role_fixtures, people: People):
    """Ines interviewed on the four-dimension exercise two hours ago; her scorecard is a fresh draft."""
    return plan_loop(
        role="principal-ml-scientist",
        candidate="Amara Okafor",
        people=people,
        panel=[(E2E_DESIGN, people.interviewer, -dt.timedelta(hours=2))],
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_scorecard_keeps_its_kit_at_hand_and_shows_the_rules_as_you_score(
    request, width, log_in, four_dimension_card
):
    page = _page(request, width)
    panel = four_dimension_card
    card = panel.scorecard(E2E_DESIGN)
    framing = panel.dimension("problem-framing")
    log_in(page, panel.people.interviewer)
    page.goto(f"/scorecards/{card.pk}/")

    kit, form = page.locator("#kit"), page.locator("#scorecard-form")
    if width == "desktop":
        expect(kit).to_have_attribute("open", "")
        assert laid_out(kit)["x"] + laid_out(kit)["width"] <= laid_out(form)["x"]
    else:
        expect(kit).not_to_have_attribute("open", "")  # folded above the form on a phone
        assert laid_out(kit)["y"] < laid_out(form)["y"]
        kit.locator("summary").click()
    expect(kit).to_contain_text(panel.interviews[E2E_DESIGN].exercise.brief)
    expect(kit).to_contain_text(framing.name)

    expect(page.locator("#scorecard-progress")).to_have_text("0 of 4 focus dimensions scored")
    page.locator(f"input[name=score_{framing.pk}][value='5']").check()
    expect(page.locator(f"#id_evidence_{framing.pk}_required")).to_be_visible()  # 5 is an end of the scale
    expect(page.locator(f"#id_score_{framing.pk}_anchor")).to_contain_text("Exceptional")
    expect(page.locator("#scorecard-progress")).to_have_text("1 of 4 focus dimensions scored")
    page.locator(f"input[name=score_{framing.pk}][value='3']").check()
    expect(page.locator(f"#id_evidence_{framing.pk}_required")).to_be_hidden()

    flag = page.locator(".signals-red_flag input[type=checkbox]").first
    note = page.locator(".signals-red_flag .signal-note").first
    expect(note).to_be_hidden()
    flag.check()
    expect(note).to_be_visible()
    expect(note).to_contain_text("required for a red flag")

    bar = page.locator("#scorecard-bar")
    expect(bar.get_by_role("button", name="Submit scorecard")).to_be_in_viewport()  # sticky at the bottom
    page.evaluate("window.scrollTo(0, 0)")
    assert_page_fits_and_passes_axe(page)
    screenshot(page, f"scorecard-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_plan_warns_about_uncovered_dimensions_as_the_focus_changes(request, width, log_in, four_dimension_card):
    page = _page(request, width)
    panel = four_dimension_card
    log_in(page, panel.people.recruiter)
    page.goto(f"/loops/{panel.loop.pk}/plan/")
    first = page.locator("fieldset.plan-row").first
    expect(page.locator("#coverage-warning")).to_be_visible()  # only one exercise planned

    first.locator("details.plan-focus > summary").click()
    boxes = first.locator("input[data-dimension]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    expect(page.locator("#coverage-ok")).to_be_visible()
    expect(page.locator("#coverage-warning")).to_be_hidden()
    boxes.first.uncheck()
    expect(page.locator("#coverage-warning")).to_be_visible()
    assert_page_fits_and_passes_axe(page)
    screenshot(page, f"plan-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_interviewers_get_the_guide_and_staff_the_provenance_one_click_away(
    request, width, log_in, four_dimension_card
):
    page = _page(request, width)
    panel = four_dimension_card
    log_in(page, panel.people.interviewer)
    page.goto(f"/scorecards/{panel.scorecard(E2E_DESIGN).pk}/")
    if width == "phone":
        page.locator("#kit summary").click()
    page.get_by_role("link", name="Full interview guide for this exercise").click()
    expect(page.locator(".kit-block[id^=exercise-]")).to_have_count(1)
    expect(page.get_by_text("derived", exact=True)).to_have_count(0)
    expect(page.get_by_text("Show where this kit comes from")).to_have_count(0)
    assert_page_fits_and_passes_axe(page)
    screenshot(page, f"kit-exercise-{width}")

    staff = panel.people.recruiter
    staff.is_staff = True
    staff.save()
    page.context.clear_cookies()
    log_in(page, staff)
    page.goto(f"/roles/{panel.rubric.role.slug}/?version={panel.rubric.number}")
    page.get_by_role("link", name="Show where this kit comes from").click()
    expect(page.get_by_text("derived", exact=True).first).to_be_visible()
    expect(page.get_by_text(panel.rubric.source)).to_be_visible()


def _agreed_history(rubric: RubricVersion, dimension: Dimension) -> None:
    """Ten earlier loops where two interviewers scored `dimension` (1–5): Krippendorff's alpha 0.77, so a mean of
    two scorecards reaches 0.8 (Spearman–Brown: 2·0.77 / (1 + 0.77) = 0.87) and one does not."""
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 4), (1, 2), (4, 4), (2, 4)]
    for pair in pairs:
        loop = LoopFactory(rubric=rubric)
        for score in pair:
            card = InterviewFactory(loop=loop, interviewer=UserFactory(), focus=[dimension]).scorecard
            Scorecard.objects.filter(pk=card.pk).update(
                status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
            )
            Rating.objects.create(scorecard=card, dimension=dimension, score=score, evidence="Seen in the interview.")
        loop_statistics_refresh(loop=loop)


def test_the_plans_interviews_per_dimension_follow_the_rows_as_they_change(page, log_in, four_dimension_card):
    panel = four_dimension_card
    framing = panel.dimension("problem-framing")
    _agreed_history(panel.rubric, framing)
    log_in(page, panel.people.recruiter)
    page.goto(f"/loops/{panel.loop.pk}/plan/")
    line = page.locator(f'#panel-size tr[data-dimension="{framing.pk}"]')
    expect(line.locator("td").nth(1)).to_have_text("2")  # needed, from the ten loops
    expect(line.locator(".planned-count")).to_have_text("1")  # the design interview
    expect(line.locator(".panel-short")).to_be_visible()

    other = page.locator("fieldset.plan-row").nth(1)
    other.locator("input[data-include]").check()
    other.locator("details.plan-focus > summary").click()
    other.locator(f'input[data-dimension="{framing.pk}"]').check()

    expect(line.locator(".planned-count")).to_have_text("2")
    expect(line.locator(".panel-short")).to_be_hidden()
    page.locator("fieldset.plan-row").first.locator("details.plan-focus > summary").click()
    page.locator("fieldset.plan-row").first.locator(f'input[data-dimension="{framing.pk}"]').uncheck()
    expect(line.locator(".planned-count")).to_have_text("1")
    expect(line.locator(".panel-short")).to_be_visible()
    assert_page_fits_and_passes_axe(page)
