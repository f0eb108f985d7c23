"""Submit while an autosave is on its way: never a conflict with oneself, never a character lost.

The autosave answers slowly here (the draft is saved at once, the answer takes 0.4 s more), so a
Submit clicked between 0 and 1.5 s after the last keystroke lands before, during and after the
autosave that fires 1.2 s after typing stops.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from hiring.models import Rating, Scorecard
from hiring.services import scorecards as scorecard_services
from tests.browser.conftest import EXPERIMENTS, PanelLoop, People, plan_loop

pytestmark = pytest.mark.browser

SUBMITS = 20
SLOW_ANSWER_S = 0.4


@pytest.fixture
def slow_autosave(monkeypatch):
    """Autosave writes the draft at once but its answer reaches the browser SLOW_ANSWER_S later."""
    save = scorecard_services.scorecard_save_draft

    def slow(**kwargs):
        saved = save(**kwargs)
        time.sleep(SLOW_ANSWER_S)
        return saved

    monkeypatch.setattr(scorecard_services, "scorecard_save_draft", slow)


def _loop(people: People, n: int) -> PanelLoop:
    return plan_loop(
        role="principal-ml-scientist",
        candidate=f"Race Candidate {n}",
        people=people,
        panel=[(EXPERIMENTS, people.interviewer, -dt.timedelta(hours=2))],
    )


def _fill_scores(page: Page, panel: PanelLoop) -> None:
    for slug in ("experimentation-rigor", "communication-influence"):
        page.locator(f"input[name=score_{panel.dimension(slug).pk}][value='3']").check()
    page.locator("input[name=recommendation][value=yes]").check()


def test_submit_during_an_autosave_is_never_a_conflict_and_keeps_every_character(
    page: Page, log_in, role_fixtures, people: People, slow_autosave
):
    log_in(page, people.interviewer)
    conflicts, lost = [], []
    for n in range(SUBMITS):
        panel = _loop(people, n)
        scorecard = panel.scorecard(EXPERIMENTS)
        rigor = panel.dimension("experimentation-rigor")
        page.goto(f"/scorecards/{scorecard.pk}/")
        _fill_scores(page, panel)
        text = f"Run {n}: powered the test before launch, named two confounders and a guardrail."
        page.locator(f"textarea[name=evidence_{rigor.pk}]").click()
        page.keyboard.type(text)
        page.wait_for_timeout(round(1500 * n / (SUBMITS - 1)))  # 0 … 1.5 s after the last keystroke
        page.get_by_role("button", name="Submit scorecard").click()
        outcome = page.locator(".alert-success, #conflict, .alert-danger").first
        expect(outcome).to_be_visible()
        if page.locator("#conflict").count() or f"Race Candidate {n} submitted" not in (outcome.text_content() or ""):
            conflicts.append((n, outcome.text_content()))
        scorecard.refresh_from_db()
        saved = Rating.objects.get(scorecard=scorecard, dimension=rigor).evidence
        if scorecard.status != Scorecard.Status.SUBMITTED or saved != text:
            lost.append((n, scorecard.status, saved))
    assert conflicts == []
    assert lost == []


def test_a_real_second_tab_still_gets_the_conflict_and_keeps_its_text(
    context: BrowserContext, log_in, role_fixtures, people: People
):
    first = context.new_page()
    log_in(first, people.interviewer)
    panel = _loop(people, 0)
    scorecard = panel.scorecard(EXPERIMENTS)
    rigor = panel.dimension("experimentation-rigor")
    second = context.new_page()
    for tab in (first, second):
        tab.goto(f"/scorecards/{scorecard.pk}/")

    first.locator(f"textarea[name=evidence_{rigor.pk}]").fill("Written in the first tab.")
    expect(first.locator("#autosave-status")).to_contain_text("Draft saved at")

    box = second.locator(f"textarea[name=evidence_{rigor.pk}]")
    box.fill("Written in the second tab.")
    problem = second.locator("#autosave-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("another tab or window")
    expect(box).to_have_value("Written in the second tab.")
    assert Rating.objects.get(scorecard=scorecard, dimension=rigor).evidence == "Written in the first tab."

    _fill_scores(second, panel)
    second.get_by_role("button", name="Submit scorecard").click()
    expect(second.locator("#conflict")).to_be_visible()
    expect(second.locator(f"textarea[name=evidence_{rigor.pk}]")).to_have_value("Written in the second tab.")
    scorecard.refresh_from_db()
    assert scorecard.status == Scorecard.Status.DRAFT
