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


def test_debrief_does_not_scroll_sideways_on_a_phone_and_shows_a_card_per_dimension(
    phone_page: Page, log_in, debrief_loop: PanelLoop
):
    page = phone_page
    log_in(page, debrief_loop.people.hiring_manager)
    page.goto(f"/loops/{debrief_loop.loop.pk}/debrief/")
    # The wide matrix gives way to a card per dimension: every interviewer's score on it, no sideways scrolling.
    expect(page.locator(".matrix-box")).to_be_hidden()
    expect(page.locator(".dimension-card")).to_have_count(8)
    screenshot(page, "phone-debrief")

    widths = page_widths(page)
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways: {widths}; {wider_than_the_page(page)}"
    split = page.locator(".dimension-card").filter(has_text=debrief_loop.dimension("production-ml").name)
    scores = split.locator(".dimension-score")
    expect(scores).to_have_count(2)
    expect(scores.nth(0)).to_contain_text("Ines Interviewer")
    expect(scores.nth(1)).to_contain_text("Ivo Colleague")
    expect(split.get_by_text("Split")).to_be_visible()
    for n in range(2):
        box = scores.nth(n).get_by_role("link").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= widths["inner"], f"a score is cut off on a phone: {box}"
    assert page.evaluate("window.scrollX") == 0
