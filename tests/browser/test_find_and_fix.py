"""Finding a candidate from the header, an empty pipeline, and a refused form's error summary, at 1280 and 390 px,
each page checked with axe (no violations) and for sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from playwright.sync_api import Browser, Page, expect

from hiring.models import Decision
from tests.browser.conftest import DESKTOP, PHONE, PanelLoop, _context
from tests.browser.test_accessibility import describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

AXE = Axe()


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1280", "390"])
def sized(request: pytest.FixtureRequest, browser: Browser, live_server) -> Iterator[tuple[Page, int]]:
    context = _context(browser, live_server, request.param)
    yield context.new_page(), request.param["width"]
    context.close()


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def clean(page: Page, width: int) -> None:
    """No axe violations, and nothing wider than the window."""
    result = AXE.run(page)
    assert result.violations_count == 0, describe(result.response["violations"])
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_name_typed_in_the_header_search_reaches_the_debrief_in_one_more_click(
    sized: tuple[Page, int], debrief_loop: PanelLoop
) -> None:
    page, width = sized
    loop = debrief_loop.loop
    sign_in(page, debrief_loop.people.hiring_manager.username)
    search = page.get_by_role("search", name="Find a candidate").get_by_role("searchbox")
    expect(search).to_be_visible()  # on a phone too: not folded into the menu
    clean(page, width)

    # Typed without its accent or capitals, part of the name: one candidate, so straight to their loop.
    search.fill("bao ngu")
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/$"))
    page.get_by_role("link", name="Debrief").click()  # the one click: typed, Enter, Debrief
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/debrief/$"))
    expect(page.get_by_role("heading", name="Bao Nguyen", level=1)).to_be_visible()
    print(f"\nclicks from the search box to the debrief at {width} px: type, Enter, 1 click")


def test_a_search_that_finds_nothing_shows_the_pipeline_empty_with_its_actions(
    sized: tuple[Page, int], debrief_loop: PanelLoop
) -> None:
    page, width = sized
    sign_in(page, debrief_loop.people.hiring_manager.username)
    search = page.get_by_role("search", name="Find a candidate").get_by_role("searchbox")
    search.fill("nobody by this name")
    search.press("Enter")

    expect(page.get_by_role("heading", name="Pipeline", level=1)).to_be_visible()
    expect(page.get_by_text("No loops match these filters.")).to_be_visible()
    expect(page.get_by_label("Candidate name or email")).to_have_value("nobody by this name")
    expect(page.get_by_role("link", name="Loops, a row each (CSV)")).to_be_visible()
    clean(page, width)

    # Filters apply as they change: choosing a status reloads the page with it, and the quick filter agrees.
    page.get_by_label("Status").select_option("complete")
    expect(page).to_have_url(re.compile(r"status=complete"))
    expect(page.get_by_role("link", name="Awaiting decision")).to_have_attribute("aria-current", "page")
    assert "role=" not in page.url  # empty fields are left out of the address

    page.get_by_role("link", name="clear them all").click()
    expect(page.get_by_role("link", name="Bao Nguyen", exact=True)).to_be_visible()


def test_an_empty_decision_is_summarised_at_the_top_of_the_form_and_each_problem_leads_to_its_field(
    sized: tuple[Page, int], debrief_loop: PanelLoop
) -> None:
    page, width = sized
    sign_in(page, debrief_loop.people.hiring_manager.username)
    page.goto(f"/loops/{debrief_loop.loop.pk}/debrief/")
    page.get_by_role("button", name="Record decision").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("2 problems to fix; nothing was saved")
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    clean(page, width)

    summary.get_by_role("link", name=re.compile("^Rationale:")).click()
    expect(page.locator("#id_rationale")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Decision:")).click()
    expect(page.locator("input[name=outcome]").first).to_be_focused()
    assert not Decision.objects.filter(loop=debrief_loop.loop).exists()
