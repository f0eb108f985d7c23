"""The decision rule on the debrief, overridden with a reason, walked as the hiring manager: the rule's outcome and
its inputs before the discussion, the reason asked for and refused when empty, then the override on calibration
and in the loop-summary CSV (issue 28)."""

from __future__ import annotations

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from playwright.sync_api import Browser, Page, expect

from hiring.models import Decision
from tests.browser.conftest import DESKTOP, PanelLoop, _context
from tests.browser.test_decision_journey import BEFORE, _sign_in

pytestmark = pytest.mark.browser

REASON = "The rollback gap was a misunderstanding: their written plan has one."


def _no_axe_violations(page: Page, where: str) -> None:
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe on {where}: {[v['id'] for v in violations]}"


def test_a_hiring_manager_overrides_the_rule_with_a_reason_and_calibration_and_the_csv_show_it(
    browser: Browser, live_server, debrief_loop: PanelLoop
):
    loop = debrief_loop.loop
    manager = _context(browser, live_server, DESKTOP).new_page()
    _sign_in(manager, debrief_loop.people.hiring_manager.username)

    # The rule, before the discussion: the default one (the shipped role sets none). The loop's normalised mean
    # is (0.75 + 0.75 + 0.5 + 0.5 + 0.5 + 0.75 + 0.75) / 7 = 0.64 < 0.65, and one red flag is observed: no hire.
    manager.goto(f"/loops/{loop.pk}/debrief/")
    rule = manager.locator("#rule")
    expect(rule.locator("#rule-outcome")).to_contain_text("The rule says: No hire")
    mean_row = rule.locator("tr.rule-mean")
    expect(mean_row).to_contain_text(f"{BEFORE:.2f}")
    expect(mean_row).to_contain_text("at least 0.65")
    expect(mean_row).to_contain_text("not met")
    expect(rule.locator("tr.rule-red_flags")).to_contain_text("1")
    expect(rule.locator("tr.rule-red_flags")).to_contain_text("not met")
    _no_axe_violations(manager, "the debrief")

    # The decision form shows the rule's outcome beside the choices; choosing hire reveals the reason.
    manager.get_by_role("link", name="Record decision").click()
    decision = manager.locator("#decision")
    expect(decision.locator(".rule-beside-choices")).to_contain_text("The decision rule says: No hire")
    reason = decision.get_by_label("Why the decision goes against the rule")
    expect(reason).to_be_hidden()
    decision.get_by_label("Hire", exact=True).check()
    expect(reason).to_be_visible()
    decision.get_by_label("Rationale").fill("Strong on six of seven dimensions.")

    # An empty reason is refused by the server, naming the field; nothing is saved.
    decision.get_by_role("button", name="Record decision").click()
    expect(manager.locator("#decision")).to_contain_text("write why this decision goes the other way")
    assert not Decision.objects.filter(loop=loop).exists()
    _no_axe_violations(manager, "the refused decision")

    decision = manager.locator("#decision")
    decision.get_by_label("Hire", exact=True).check()
    decision.get_by_label("Why the decision goes against the rule").fill(REASON)
    decision.get_by_role("button", name="Record decision").click()
    expect(manager.get_by_text("Decision recorded.")).to_be_visible()
    expect(manager.locator("#decision-rule-at-decision")).to_contain_text("overridden")
    expect(manager.locator("#decision-rule-at-decision")).to_contain_text(REASON)
    saved = Decision.objects.get(loop=loop)
    assert (saved.outcome, saved.rule_outcome, saved.overridden) == ("hire", "no_hire", True)

    # Calibration: one decision taken with the rule's outcome known, overridden upwards.
    manager.goto("/calibration/")
    row = manager.locator("#overrides-managers tbody tr").filter(has_text="Harper Manager")
    expect(row.locator("td")).to_have_text(["1", "1", "100%", "1", "0"])
    role_row = manager.locator("#overrides-roles tbody tr").filter(has_text=debrief_loop.rubric.title)
    expect(role_row.locator("td")).to_have_text(["1", "1", "100%", "1", "0"])
    _no_axe_violations(manager, "calibration")

    # The loop-summary CSV carries both outcomes and the reason.
    manager.goto("/loops/")
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Loops, a row each (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    [ours] = [r for r in rows if r["loop_id"] == str(loop.pk)]
    assert (ours["decision"], ours["rule_outcome"], ours["decision_overridden"]) == ("hire", "no_hire", "yes")
    assert ours["override_reason"] == REASON
