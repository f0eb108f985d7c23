"""Issue 17, points 2–4, at 1280 and 390 px: each role's home page, the debrief read and decided in four
clicks from the login form, and the pipeline's quick filter, links and collapsible dimension columns."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from hiring.models import Decision
from tests.browser.conftest import DESKTOP, PHONE, PanelLoop, _context, laid_out, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = {"1280": DESKTOP, "390": PHONE}


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser: Browser, live_server) -> Iterator[tuple[Page, str]]:
    context = _context(browser, live_server, WIDTHS[request.param])
    yield context.new_page(), request.param
    context.close()


class Clicks:
    """Counts the clicks a journey takes (typing is not a click)."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def check(self, locator) -> None:
        locator.check()
        self.count += 1


def fits(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def sign_in(page: Page, clicks: Clicks, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    clicks.click(page.get_by_role("button", name="Log in"))


def test_hiring_manager_goes_from_the_login_form_to_a_recorded_decision_in_four_clicks(
    sized: tuple[Page, str], debrief_loop: PanelLoop
):
    page, width = sized
    panel, loop = debrief_loop, debrief_loop.loop
    clicks = Clicks(page)
    sign_in(page, clicks, panel.people.hiring_manager.username)

    expect(page.get_by_role("heading", name="My hiring decisions", level=1)).to_be_visible()
    awaiting = page.get_by_role("region", name=re.compile("Awaiting your decision"))
    expect(awaiting).to_contain_text(loop.candidate.name)
    expect(awaiting).to_contain_text("waiting")
    assert laid_out(awaiting)["y"] < laid_out(page.get_by_role("region", name=re.compile("Loops in progress")))["y"]
    fits(page)
    screenshot(page, f"hiring-manager-home-{width}")

    clicks.click(awaiting.get_by_role("link", name=f"Debrief of {loop.candidate.name}"))
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/debrief/$"))
    # Panel summary, then red flags, then the matrix; evidence per dimension side by side. The decision comes
    # before the matrix: beside the panel from 1200 px, right after the suggestion on a phone.
    order = page.evaluate(
        "() => ['panel', 'red-flags', 'matrix-heading', 'evidence-heading', 'decision']"
        ".map((id) => document.getElementById(id).getBoundingClientRect().top + window.scrollY)"
    )
    assert order[:4] == sorted(order[:4]), order
    assert order[4] < order[2], order
    split = panel.dimension("production-ml")
    # Each dimension's evidence is one click away: closed, it keeps the page short.
    page.locator("details.evidence-dimension summary").filter(has_text=split.name).click()
    cards = page.get_by_role("region", name=re.compile(split.name)).locator(".evidence")
    expect(cards).to_have_count(2)
    expect(cards.first).to_be_visible()
    if width == "1280":
        first, second = laid_out(cards.nth(0)), laid_out(cards.nth(1))
        assert first["y"] == second["y"], "the two interviewers' evidence on one dimension sit side by side"
        box = page.locator(".matrix-box").evaluate("(el) => [el.scrollWidth, el.clientWidth]")
        assert box[0] <= box[1], f"the 8-dimension matrix is cut off at 1280 px: {box}"
    fits(page)
    screenshot(page, f"debrief-{width}")

    # The decision form is one click from the top of the page.
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("link", name="Record decision").first.scroll_into_view_if_needed()
    page.get_by_role("link", name="Record decision").first.click()  # a jump, not counted: scrolling would do
    decision = page.locator("#decision")
    expect(decision.get_by_label("No hire")).to_be_in_viewport()
    clicks.check(decision.get_by_label("No hire"))
    decision.get_by_label("Rationale").fill("The rollback gap is a red flag at this level.")
    clicks.click(decision.get_by_role("button", name="Record decision"))
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    assert Decision.objects.get(loop=loop).outcome == "no_hire"
    assert clicks.count == 4, clicks.count  # log in, debrief, outcome, record


def test_recruiter_home_lists_loops_to_plan_and_overdue_scorecards_to_chase(
    sized: tuple[Page, str], interviewer_loop: PanelLoop
):
    page, width = sized
    panel = interviewer_loop
    sign_in(page, Clicks(page), panel.people.recruiter.username)

    expect(page.get_by_role("heading", name="My loops to run", level=1)).to_be_visible()
    chase = page.get_by_role("region", name=re.compile("Overdue scorecards to chase"))
    expect(chase).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Loops to plan"))).to_be_visible()
    expect(page.get_by_role("heading", name="Awaiting your decision")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile("^To write"))).to_have_count(0)
    fits(page)
    screenshot(page, f"recruiter-home-{width}")


def test_interviewer_home_has_a_direct_write_scorecard_action(sized: tuple[Page, str], interviewer_loop: PanelLoop):
    page, width = sized
    panel = interviewer_loop
    sign_in(page, Clicks(page), panel.people.interviewer.username)

    to_write = page.get_by_role("region", name=re.compile("To write"))
    expect(to_write).to_contain_text("due in")
    fits(page)
    screenshot(page, f"interviewer-home-{width}")
    to_write.get_by_role("link", name=f"Write scorecard for {panel.loop.candidate.name}").click()
    expect(page).to_have_url(re.compile(r"/scorecards/\d+/$"))


def test_pipeline_quick_filter_row_links_and_collapsible_dimensions(sized: tuple[Page, str], debrief_loop: PanelLoop):
    page, width = sized
    panel = debrief_loop
    sign_in(page, Clicks(page), panel.people.hiring_manager.username)
    page.goto("/loops/")

    page.get_by_role("link", name="Awaiting decision").click()
    expect(page).to_have_url(re.compile(r"status=complete"))
    expect(page.get_by_role("link", name="Awaiting decision")).to_have_attribute("aria-current", "page")
    row = page.locator("table.pipeline tbody tr").filter(has_text=panel.loop.candidate.name)
    expect(row.get_by_role("link", name=f"Debrief of {panel.loop.candidate.name}")).to_have_attribute(
        "href", f"/loops/{panel.loop.pk}/debrief/"
    )
    expect(row.get_by_role("link", name=f"Summary of {panel.loop.candidate.name}")).to_be_visible()
    fits(page)

    page.goto(f"/loops/?role={panel.rubric.role.slug}")
    dimension_heads = page.locator("table.pipeline thead th.dimension-col")
    expect(dimension_heads).to_have_count(8)
    fits(page)
    screenshot(page, f"pipeline-{width}")
    page.get_by_label(re.compile("Show the 8 dimension columns")).uncheck()
    expect(dimension_heads.first).to_be_hidden()
    if width == "1280":  # with the dimensions hidden, the loop's figures all fit beside the name
        expect(page.locator("table.pipeline thead").get_by_text("Signals")).to_be_in_viewport(ratio=1)
    fits(page)
