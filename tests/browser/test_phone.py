"""At a phone's width (390×844) the page never scrolls sideways; only the score matrix's own box does."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import EXPERIMENTS, PanelLoop, screenshot

pytestmark = pytest.mark.browser

PAGE_WIDTHS = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"


def page_widths(page: Page) -> dict:
    return page.evaluate(PAGE_WIDTHS)


def wider_than_the_page(page: Page) -> list[str]:
    """Elements whose right edge passes the viewport (outside any horizontally scrolling box), for the report."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
          return [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !scrolls(el))
            .slice(0, 10)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
              + ` right=${Math.round(el.getBoundingClientRect().right)}`);
        }"""
    )


def test_scorecard_form_does_not_scroll_sideways_on_a_phone(phone_page: Page, log_in, interviewer_loop: PanelLoop):
    page = phone_page
    log_in(page, interviewer_loop.people.interviewer)
    page.goto(f"/scorecards/{interviewer_loop.scorecard(EXPERIMENTS).pk}/")
    expect(page.locator("#scorecard-form")).to_be_visible()
    screenshot(page, "phone-scorecard")

    widths = page_widths(page)
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways: {widths}; {wider_than_the_page(page)}"


def test_debrief_does_not_scroll_sideways_on_a_phone_but_its_matrix_does(
    phone_page: Page, log_in, debrief_loop: PanelLoop
):
    page = phone_page
    log_in(page, debrief_loop.people.hiring_manager)
    page.goto(f"/loops/{debrief_loop.loop.pk}/debrief/")
    box = page.locator(".matrix-box")
    expect(box.locator("thead th.dimension-head")).to_have_count(8)
    screenshot(page, "phone-debrief")

    widths = page_widths(page)
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways: {widths}; {wider_than_the_page(page)}"
    sizes = box.evaluate("(el) => ({scroll: el.scrollWidth, client: el.clientWidth})")
    assert sizes["scroll"] > sizes["client"], f"the 8-dimension matrix should scroll inside its box: {sizes}"
    # The recommendation column stays in view (sticky) below the panel summary, and the box scrolls for real.
    box.scroll_into_view_if_needed()
    expect(box.get_by_role("columnheader", name="Recommendation")).to_be_in_viewport()
    box.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    assert box.evaluate("(el) => el.scrollLeft") > 0
    expect(box.get_by_role("columnheader", name="Recommendation")).to_be_in_viewport()
    assert page.evaluate("window.scrollX") == 0
