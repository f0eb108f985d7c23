"""The hiring health page in a real browser (issue 31): its charts and the tables beside them say the same,
at 1280 and at 390 px, with no axe violations (WCAG 2.2 AA) and no sideways scroll.

The browser runs in New York time: the page's own script tells the server so (static/js/timezone.js), and
the figures are those computed by hand in tests/hiring/health_world.py.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, screenshot
from tests.browser.test_accessibility import describe
from tests.browser.test_every_page import PAGE_STATE, WCAG_22_AA, sign_in
from tests.hiring.health_world import World

pytestmark = pytest.mark.browser


def chart(page: Page, title: str):
    return page.get_by_role("img", name=title, exact=True)


def read_at(page: Page, width: str) -> None:
    latency = chart(page, "Scorecard latency")
    expect(latency).to_be_visible()
    # the chart's description and the table beside it hold the same figures
    expect(latency).to_have_accessible_description(
        "Hours from the interview to the scorecard's submission, over 6 scorecards; the dashed line is the due "
        "time. Median: 9.0 h; 75th percentile: 25.0 h; 90th percentile: 39.0 h."
    )
    table = page.locator("#latency-table")
    expect(table.get_by_role("row", name="Median 9.0 h")).to_be_visible()
    expect(table.get_by_role("row", name="90th percentile 39.0 h")).to_be_visible()
    expect(table.get_by_role("row", name="Within 24 h 67% (4 of 6)")).to_be_visible()

    weeks = chart(page, "Median scorecard latency by week")
    expect(weeks.locator("rect.bar")).to_have_count(2)
    expect(page.locator("#weeks-chart-desc")).to_contain_text("02 Mar: 10.0 h; 09 Mar: 8.0 h.")
    expect(page.locator("#weeks-table tbody tr")).to_have_count(2)
    expect(page.locator("#weeks-table tbody tr").nth(1)).to_contain_text("8.0 h")

    expect(chart(page, "Time to decision")).to_be_visible()
    expect(
        page.locator("#decisions-table").get_by_role("row", name="Loop created 2 10.5 d 13.7 d 15.7 d")
    ).to_be_visible()

    funnel = chart(page, "Funnel of the loops created in the period")
    expect(funnel.locator("rect.bar")).to_have_count(7)
    expect(page.locator("#funnel-chart-desc")).to_contain_text(
        "Created: 5 (100%); Planned: 3 (60%); All scorecards in: 2 (40%)"
    )
    expect(page.locator("#funnel-table").get_by_role("row", name="All scorecards in 2 40% 67%")).to_be_visible()

    for svg in page.locator("svg.health-chart").all():
        box = svg.bounding_box()
        assert box is not None
        assert page.viewport_size is not None
        assert box["width"] <= page.viewport_size["width"], f"a chart is wider than the page at {width} px"
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response["violations"]
    assert not violations, describe(violations)
    state = page.evaluate(PAGE_STATE)
    assert state["scroll"] <= state["inner"], f"scrolls sideways at {width} px: {state['wide']}"
    screenshot(page, f"hiring-health-{width}")


def test_the_charts_and_their_tables_read_the_same_at_both_widths_with_no_axe_violations(
    browser: Browser, live_server, transactional_db
):
    World()
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="en-GB", timezone_id="America/New_York"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, "health-staff")
    page.get_by_role("link", name="Health").click()
    expect(page.get_by_role("heading", name="Hiring health")).to_be_visible()
    page.get_by_label("From", exact=True).fill("2026-03-02")
    page.get_by_label("Until", exact=True).fill("2026-03-15")
    page.get_by_role("button", name="Show").click()
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        read_at(page, width)
    context.close()
