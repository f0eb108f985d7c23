"""Outcomes import and legal holds in a real browser at 1280 px: reached from the menu, a refused input listed by
row and column (outcomes) or by field (holds) with focus on the summary, then accepted. No axe violations."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from hiring.models import Decision, HiringOutcome, LegalHold
from tests.browser.test_accessibility import describe
from tests.factories import CandidateFactory, DecisionFactory, LoopFactory, RecruiterFactory, UserFactory

pytestmark = pytest.mark.browser


def _no_axe_violations(page: Page, where: str, found: dict[str, str]) -> None:
    violations = Axe().run(page).response["violations"]
    if violations:
        found[where] = describe(violations)


def test_a_recruiter_imports_outcomes_after_fixing_a_refused_file(page: Page, log_in, transactional_db, tmp_path: Path):
    recruiter = RecruiterFactory(username="rae")
    hired = DecisionFactory(loop=LoopFactory(recruiter=recruiter), outcome=Decision.Outcome.HIRE).loop
    found: dict[str, str] = {}
    header = "loop_id,date,rating,scale_min,scale_max,still_employed\n"
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(
        header + f"{hired.pk},2026-02-01,7,1,5,yes\n424242,2026-02-01,3,1,5,yes\n{hired.pk},2026-03-01,3,1,5,maybe\n"
    )
    good.write_text(header + f"{hired.pk},2026-02-01,4,1,5,yes\n")
    log_in(page, recruiter)

    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Import hiring outcomes")).to_be_visible()
    _no_axe_violations(page, "outcomes import", found)
    page.get_by_label("Outcomes file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("3 problems in the file; nothing was saved")
    expect(summary).to_contain_text("Row 2, rating: 7 is outside its stated scale 1–5.")
    expect(summary).to_contain_text("Row 3, loop_id: no loop 424242 among the loops you run.")
    expect(summary).to_contain_text("Row 4, still_employed: “maybe” is not yes or no.")
    _no_axe_violations(page, "outcomes import, refused", found)
    assert not HiringOutcome.objects.exists()

    page.get_by_label("Outcomes file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_text("1 hiring outcomes recorded.")).to_be_visible()
    assert HiringOutcome.objects.get().loop == hired
    assert not found, found


def test_a_compliance_officer_sets_and_releases_a_hold(page: Page, log_in, transactional_db):
    officer = UserFactory(username="carla")
    officer.groups.add(Group.objects.get_or_create(name="Compliance")[0])
    candidate = CandidateFactory(name="Noor Held")
    found: dict[str, str] = {}
    log_in(page, officer)

    page.get_by_role("link", name="Legal holds").click()
    expect(page.get_by_role("heading", name="Legal holds")).to_be_visible()
    _no_axe_violations(page, "legal holds", found)
    page.get_by_label("Candidate id").fill(str(candidate.pk))
    page.get_by_role("button", name="Set the hold").click()

    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Give the reason for the hold")
    _no_axe_violations(page, "legal holds, refused", found)
    assert not LegalHold.objects.exists()

    page.get_by_label("Reason").fill("EEOC charge 846-2026")
    page.get_by_role("button", name="Set the hold").click()
    hold = LegalHold.objects.get()
    expect(page.get_by_text(f"Legal hold {hold.pk} set")).to_be_visible()
    expect(page.get_by_role("row", name="Noor Held")).to_contain_text("EEOC charge 846-2026")

    page.get_by_role("button", name=f"Release hold {hold.pk}").click()

    expect(page.get_by_text(f"Legal hold {hold.pk} released.")).to_be_visible()
    hold.refresh_from_db()
    assert hold.released_by == officer
    assert not found, found
