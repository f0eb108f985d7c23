"""An amendment after the decision, walked as the four personas: it reaches the hiring manager, who resolves it,
and every surface shows the same numbers as the hand computation."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core import mail
from django.template.defaultfilters import floatformat
from playwright.sync_api import Browser, Page, expect

from hiring.models import Decision, Loop
from tests.browser.conftest import DESKTOP, E2E_DESIGN, HOME_HEADING, PHONE, PanelLoop, _context
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

# debrief_loop on the 1–5 role, after Ines amends Production ML from 5 to 4 (normalised (s - 1) / 4):
# problem framing 4 → .75, modeling depth 4 → .75, production ML (4, 1) → .375, responsible AI 3 → .5,
# systems performance 3 → .5, leadership 4 → .75, experimentation rigor 4 → .75, communication: not assessed.
AFTER = (0.75 + 0.75 + 0.375 + 0.5 + 0.5 + 0.75 + 0.75) / 7
BEFORE = (0.75 + 0.75 + 0.5 + 0.5 + 0.5 + 0.75 + 0.75) / 7


def _sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=HOME_HEADING, level=1)).to_be_visible()


def _persona(browser: Browser, live_server, username: str) -> Page:
    page = _context(browser, live_server, {"width": 1280, "height": 900}).new_page()
    _sign_in(page, username)
    return page


def test_an_amendment_after_the_decision_reaches_the_hiring_manager_who_resolves_it(
    browser: Browser, live_server, debrief_loop: PanelLoop
):
    panel = debrief_loop
    loop = panel.loop
    people = panel.people
    manager = _persona(browser, live_server, people.hiring_manager.username)

    # Hiring manager: the decision is one click from the top of the debrief.
    manager.goto(f"/loops/{loop.pk}/debrief/")
    expect(manager.locator("#loop-normalised-mean")).to_have_text(floatformat(BEFORE, 2))
    manager.get_by_role("link", name="Record decision").click()
    decision = manager.locator("#decision")
    expect(decision).to_be_in_viewport()
    decision.get_by_label("No hire").check()
    decision.get_by_label("Rationale").fill("The rollback gap decides it.")
    decision.get_by_role("button", name="Record decision").click()
    expect(manager.get_by_text("Decision recorded.")).to_be_visible()
    expect(manager.locator("#changed-badge")).to_have_count(0)

    # Interviewer: amends a score after the decision, with a reason.
    interviewer = _persona(browser, live_server, people.interviewer.username)
    card = panel.scorecard(E2E_DESIGN)
    production = panel.dimension("production-ml")
    interviewer.goto(f"/scorecards/{card.pk}/")
    interviewer.get_by_role("link", name="Amend this scorecard").click()
    interviewer.locator(f"input[name=score_{production.pk}][value='4']").check()
    interviewer.locator("textarea[name=reason]").fill("Checked my notes: the rollout plan was only partly theirs.")
    interviewer.get_by_role("button", name="Save amendment").click()
    expect(interviewer.get_by_text("Amendment saved")).to_be_visible()

    [email] = mail.outbox
    assert email.to == [people.hiring_manager.email]
    assert f"- {production.name}: score: 5 → 4" in email.body

    # Hiring manager: home says so, the debrief shows exactly what changed, and the decision is confirmed.
    manager.goto("/")
    changed = manager.locator("#changed-decisions")
    expect(changed).to_contain_text(loop.candidate.name)
    changed.get_by_role("link", name=loop.candidate.name).click()
    expect(manager.locator("#changed-badge")).to_be_visible()
    changes = manager.locator("#changes-since-decision")
    expect(changes).to_contain_text("Checked my notes")
    expect(changes.locator("tr").filter(has_text=f"{production.name}: score")).to_contain_text("5")
    expect(manager.locator("#loop-normalised-mean")).to_have_text(floatformat(AFTER, 2))
    manager.set_viewport_size(PHONE)
    width, viewport = manager.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, "the before/after table scrolls in its own box on a phone, not the page"
    manager.set_viewport_size(DESKTOP)
    recommendation_head = manager.locator(".matrix thead th.sticky-end")
    box = recommendation_head.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 1280, "the recommendation column stays in view at 1280 px"
    revisit = manager.locator("#revisit")
    expect(revisit.get_by_label("No hire")).to_be_checked()
    revisit.get_by_label("Rationale").fill("One point lower on production ML does not change the outcome.")
    revisit.get_by_role("button", name="Confirm or change the decision").click()
    expect(manager.get_by_text("Decision confirmed")).to_be_visible()
    expect(manager.locator("#changed-badge")).to_have_count(0)
    assert [d.kind for d in Decision.objects.filter(loop=loop).order_by("pk")] == ["decided", "confirmed"]
    current = Loop.objects.get(pk=loop.pk).decision
    assert current is not None
    assert current.kind == "confirmed"

    # Recruiter: pipeline, summary and export show the same figure as the debrief.
    recruiter = _persona(browser, live_server, people.recruiter.username)
    recruiter.goto("/loops/")
    row = recruiter.locator("table.pipeline tbody tr").filter(has_text=loop.candidate.name)
    expect(row).to_contain_text(floatformat(AFTER, 2))
    expect(row).not_to_contain_text("changed since decided")
    recruiter.goto(f"/loops/{loop.pk}/summary/")
    expect(recruiter.locator("#loop-normalised-mean")).to_have_text(floatformat(AFTER, 2))
    expect(recruiter.locator("section[aria-labelledby=s-takeaways]")).to_contain_text("Ines's takeaways.")
    recruiter.goto("/loops/")
    with recruiter.expect_download() as download:
        recruiter.get_by_role("link", name="Loops, a row each (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    [ours] = [r for r in rows if r["loop_id"] == str(loop.pk)]
    assert ours["normalised_mean"] == f"{AFTER:.3f}"
    assert ours["decision_changed_since_decided"] == "no"

    # Admin: the audit log has the decision, the amendment and the confirmation.
    UserFactory(username="admin-h14", is_staff=True, is_superuser=True)
    admin = _persona(browser, live_server, "admin-h14")
    admin.goto("/audit/")
    expect(admin.locator("main")).to_contain_text("Decision confirmed: No hire")
    expect(admin.locator("main")).to_contain_text(re.compile("amended .*after the decision"))
