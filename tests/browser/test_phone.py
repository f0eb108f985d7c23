"""At a phone's width (390×844): no page scrolls sideways (only the score matrix's own box does), and the scorecard
names each level and keeps its save bar clear of the control in focus."""

from __future__ import annotations

import re

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


FOCUSED_UNDER_THE_BAR = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const scrolled = () => window.scrollY + document.querySelector('main').scrollTop;
  for (let still = 0, last = -1, frames = 0; still < 2 && frames < 60; frames++) {  // until the page stops scrolling
    await frame();
    still = scrolled() === last ? still + 1 : 0;
    last = scrolled();
  }
  const bar = document.getElementById('scorecard-bar').getBoundingClientRect();
  const focused = document.activeElement;
  if (focused.closest('#scorecard-bar')) return null;
  const box = (focused.closest('.sc-level') || focused).getBoundingClientRect();
  const name = `${focused.tagName.toLowerCase()} ${focused.name || ''}=${focused.value || ''}`.trim();
  return {name, covered: box.bottom > bar.top + 0.5 && box.top < bar.bottom - 0.5, top: box.top, bottom: box.bottom};
}"""


def test_a_phone_scorecard_names_each_level_and_its_save_bar_never_covers_the_focused_control(
    phone_page: Page, log_in, interviewer_loop: PanelLoop
):
    page = phone_page
    rigor = interviewer_loop.dimension("experimentation-rigor")
    labels = dict(rigor.rubric.scale_levels.values_list("value", "label"))
    log_in(page, interviewer_loop.people.interviewer)
    page.goto(f"/scorecards/{interviewer_loop.scorecard(EXPERIMENTS).pk}/")

    # Before any level is picked, each shows its number and what it means.
    for value, label in labels.items():
        level = page.locator(f"label[for=id_score_{rigor.pk}_{value}]")
        expect(level).to_have_text(f"{value} {label}")
        expect(level.locator(".sc-level-label")).to_be_visible()

    # Keyboard through the form, and through every level of each dimension (Not assessed included) with the
    # arrow keys: the control in focus is never under the save bar, nor out of sight behind it.
    page.locator("textarea[name=key_takeaways]").focus()
    seen, covered = [], []
    for _ in range(80):
        state = page.evaluate(FOCUSED_UNDER_THE_BAR)
        if state is None:  # reached the bar's own buttons: the form is done
            break
        seen.append(state["name"])
        covered += [state] if state["covered"] else []
        if state["name"].startswith("input score_") and not state["name"].endswith("=na"):
            page.keyboard.press("ArrowDown")  # the next level of the same dimension
        else:
            page.keyboard.press("Tab")
    assert any(name.endswith("=na") for name in seen), f"never reached Not assessed: {seen}"
    assert covered == [], covered
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Draft saved at"))  # the levels picked, saved


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
