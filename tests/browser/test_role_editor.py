"""The role editor, as a role editor uses it at 1280 px: a role from scratch (v1), a copy of it, then its v2 (an
anchor's words and a dimension's name changed), and one from an imported document; a second tab's stale autosave is
told who changed the draft. A loop scored on v1 through the scorecard page keeps v1's words on its scorecard, its
debrief and its ratings export, while a loop created after gets v2. Every editor page has no axe violations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from hiring.models import Loop, Scorecard
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from roles.models import RoleDraft, RolePublication, RubricVersion
from tests.browser.conftest import DESKTOP, REPOSITORY, People, _context, screenshot
from tests.browser.test_accessibility import describe
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

IMPORTED = "data-engineer-1-to-4.md"


def _no_axe_violations(page: Page, where: str, found: dict[str, str]) -> None:
    violations = Axe().run(page).response["violations"]
    if violations:
        found[where] = describe(violations)


def _saved(page: Page) -> None:
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d\.$"))


def _loop_on(rubric: RubricVersion, people: People) -> Scorecard:
    """Setup through the services (the brief allows it): a loop on this version, one interview two hours ago
    focusing on every dimension (the role has no exercises); its scorecard is written on the page."""
    loop = loop_create(
        candidate_name="Casey Morgan",
        candidate_email="",
        candidate_notes="",
        rubric=rubric,
        hiring_manager=people.hiring_manager,
        by=people.recruiter,
    )
    row = PlanRow(
        exercise=None,
        title="Support scenario",
        interviewer=people.interviewer,
        scheduled_at=timezone.now() - dt.timedelta(hours=2),
        focus=list(rubric.dimensions.all()),
    )
    [interview] = loop_plan_save(loop=loop, rows=[row], by=people.recruiter)
    return Scorecard.objects.get(interview=interview)


def test_a_role_editor_writes_a_role_publishes_v1_copies_it_publishes_v2_and_imports_one(
    page: Page, log_in, transactional_db, browser: Browser, live_server, people: People
):
    editor = UserFactory(username="rowan", first_name="Rowan", last_name="Reyes", groups=["Role editors"])
    found: dict[str, str] = {}
    log_in(page, editor)

    # From scratch: the skeleton, typed into (the script saves as one types), then published as v1.
    page.goto("/roles/")
    page.get_by_role("button", name="New role", exact=True).click()
    expect(page.get_by_role("heading", name="New role: New role")).to_be_visible()
    _no_axe_violations(page, "editor (new role)", found)
    page.get_by_label("Title", exact=True).fill("Support Engineer")
    page.get_by_label("Dimension 1: name", exact=True).fill("Troubleshooting")
    _saved(page)
    assert RoleDraft.objects.get().document["rubric"]["dimensions"][0]["name"] == "Troubleshooting"
    page.get_by_role("button", name="Add an anchor to dimension 1").click()
    page.get_by_label("Dimension 1: level of anchor 1", exact=True).fill("4")
    page.get_by_label("Dimension 1: up to level (a band; blank for one level)", exact=True).fill("5")
    anchor = "Finds the root cause and prevents a repeat"
    page.get_by_label("Dimension 1: what anchor 1 looks like", exact=True).fill(anchor)
    page.get_by_role("button", name="Add a dimension").click()
    page.get_by_label("Dimension 2: name", exact=True).fill(
        "troubleshooting"
    )  # the same name twice: refused on publish
    page.get_by_role("button", name="Publish as a new role").click()
    expect(page.locator("#f-rubric-dimensions-1-name-errors")).to_contain_text("duplicates dimension 1")
    _no_axe_violations(page, "editor (a refused publish)", found)
    assert not RubricVersion.objects.exists()
    page.get_by_label("Dimension 2: name", exact=True).fill("Written communication")
    page.get_by_role("button", name="Preview as interviewers will see it").click()
    expect(page.locator("#draft-preview")).to_be_visible()
    kit = page.locator("article.kit")
    expect(kit.get_by_role("heading", name="Written communication")).to_be_visible()
    expect(kit.get_by_text(anchor)).to_be_visible()
    # The scorecard an interviewer will fill in, below the kit: each level with its anchor, and nothing usable.
    scorecard_preview = page.locator("#scorecard-preview-fields")
    expect(scorecard_preview.locator("legend", has_text="Written communication")).to_be_visible()
    troubleshooting_fields = scorecard_preview.get_by_role("group", name="Troubleshooting focus", exact=True)
    level_4 = troubleshooting_fields.get_by_role("radio", name=re.compile("^4"))
    expect(level_4).to_have_attribute("data-anchor", f"Above the bar — {anchor}")
    expect(level_4).to_be_disabled()
    expect(scorecard_preview.get_by_label("Evidence for Written communication")).to_be_disabled()
    page.locator("#scorecard-preview").scroll_into_view_if_needed()
    screenshot(page, "role-editor-scorecard-preview")
    _no_axe_violations(page, "draft preview", found)
    page.get_by_role("link", name="Back to the editor").click()
    page.get_by_role("button", name="Publish as a new role").click()
    expect(page.get_by_role("heading", name="Support Engineer", level=1)).to_be_visible()
    v1 = RubricVersion.objects.get(role__slug="support-engineer")
    assert v1.number == 1
    assert [d.name for d in v1.dimensions.all()] == ["Troubleshooting", "Written communication"]

    # A copy: a new role with the same rubric.
    page.get_by_role("button", name="Copy into a new role").click()
    expect(page.get_by_role("heading", name="New role: Copy of Support Engineer")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Support Lead")
    _saved(page)
    page.get_by_role("button", name="Publish as a new role").click()
    expect(page.get_by_role("heading", name="Support Lead", level=1)).to_be_visible()
    copy = RubricVersion.objects.get(role__slug="support-lead")
    assert [d.name for d in copy.dimensions.all()] == ["Troubleshooting", "Written communication"]

    # A loop on v1, scored by its interviewer on the scorecard page, where the anchors are v1's.
    scorecard = _loop_on(v1, people)
    troubleshooting, writing = v1.dimensions.all()
    interviewer = _context(browser, live_server, DESKTOP).new_page()
    log_in(interviewer, people.interviewer)
    interviewer.goto(f"/scorecards/{scorecard.pk}/")
    interviewer.locator(f"input[name=score_{troubleshooting.pk}][value='4']").check()
    expect(interviewer.locator(f"#id_score_{troubleshooting.pk}_anchor")).to_contain_text(anchor)
    interviewer.locator(f"#id_evidence_{troubleshooting.pk}").fill("Traced the outage to a stale DNS cache.")
    interviewer.locator(f"input[name=score_{writing.pk}][value='3']").check()
    interviewer.locator(f"#id_evidence_{writing.pk}").fill("Clear steps, some jargon left in.")
    interviewer.locator("#recommendation").get_by_label("Yes", exact=True).check()
    interviewer.get_by_role("button", name="Submit scorecard").click()
    expect(interviewer.get_by_text("Scorecard for Casey Morgan submitted")).to_be_visible()
    assert Scorecard.objects.get(pk=scorecard.pk).status == Scorecard.Status.SUBMITTED

    # Edit the first role: v2, while v1 stays as it was.
    page.goto("/roles/support-engineer/")
    _no_axe_violations(page, "kit with the editor's buttons", found)
    page.get_by_role("button", name="Edit (new version)").click()
    expect(page.get_by_role("button", name="Publish as version 2")).to_be_visible()
    page.get_by_label("Dimension 2: name", exact=True).fill("Writing for customers")
    new_anchor = "Fixes the root cause and writes up how to spot it next time"
    page.get_by_label("Dimension 1: what anchor 1 looks like", exact=True).fill(new_anchor)
    _saved(page)

    # Meanwhile the same draft, open in a second tab, is behind: its save is refused, naming who saved.
    other = page.context.new_page()
    other.goto(page.url)
    page.get_by_label("Purpose", exact=True).fill("Keeps customers' systems running.")
    _saved(page)
    other.get_by_label("Level", exact=True).fill("Senior")
    expect(other.locator("#draft-conflict")).to_have_text(
        re.compile(r"^Rowan Reyes changed this draft at \d\d:\d\d: reload to see their changes\.$")
    )
    _no_axe_violations(other, "editor (a stale tab)", found)
    other.close()
    assert RoleDraft.objects.get().document["role"]["level"] == ""

    page.get_by_role("button", name="Publish as version 2").click()
    expect(page.get_by_role("heading", name="Support Engineer", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Writing for customers")).to_be_visible()
    v2 = RubricVersion.objects.get(role__slug="support-engineer", number=2)
    assert v2.purpose == "Keeps customers' systems running."
    assert [d.name for d in RubricVersion.objects.get(pk=v1.pk).dimensions.all()][1] == "Written communication"
    assert RolePublication.objects.filter(actor=editor).count() == 3
    assert not RoleDraft.objects.exists()

    # The loop scored on v1 keeps v1's words: its scorecard (the kit beside it), its debrief, its ratings export.
    interviewer.goto(f"/scorecards/{scorecard.pk}/")
    expect(interviewer.locator("main")).to_contain_text("Written communication")
    expect(interviewer.locator("#kit")).to_contain_text(anchor)
    expect(interviewer.locator("main")).not_to_contain_text("Writing for customers")
    expect(interviewer.locator("main")).not_to_contain_text(new_anchor)
    manager = _context(browser, live_server, DESKTOP).new_page()
    log_in(manager, people.hiring_manager)
    manager.goto(f"/loops/{scorecard.interview.loop_id}/debrief/")
    evidence = manager.locator("#evidence-heading").locator("..")
    expect(evidence).to_contain_text("Written communication")
    expect(evidence).to_contain_text(f"Above the bar — {anchor}")  # the score of 4 and the 4–5 band it fell in
    expect(manager.locator("main")).not_to_contain_text("Writing for customers")
    expect(manager.locator("main")).not_to_contain_text(new_anchor)
    _no_axe_violations(manager, "debrief of a loop scored on v1", found)
    recruiter = _context(browser, live_server, DESKTOP).new_page()
    log_in(recruiter, people.recruiter)
    recruiter.goto("/loops/")
    with recruiter.expect_download() as download:
        recruiter.get_by_role("link", name="Every rating with its evidence (CSV)").click()
    ratings = list(csv.DictReader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    assert sorted((r["rubric_version"], r["dimension"], r["score"]) for r in ratings) == [
        ("1", "Troubleshooting", "4"),
        ("1", "Written communication", "3"),
    ]

    # A loop created now is on v2: the recruiter's new-loop page offers v2 only, and its plan names v2's dimension.
    recruiter.goto("/loops/new/")
    recruiter.get_by_label("Candidate name").fill("Jordan Lee")
    recruiter.get_by_label("Role").select_option(label="Support Engineer (scale 1–5, rubric v2)")
    recruiter.get_by_label("Hiring manager").select_option(value=str(people.hiring_manager.pk))
    recruiter.get_by_role("button", name=re.compile("Create")).click()
    expect(recruiter.locator("main")).to_contain_text("Writing for customers")
    new_loop = Loop.objects.select_related("rubric").get(candidate__name="Jordan Lee")
    assert (new_loop.rubric.role.slug, new_loop.rubric.number) == ("support-engineer", 2)
    for other in (interviewer, manager, recruiter):
        other.context.close()

    # From an import: the document opens in the editor with its review list, and publishes as it is corrected.
    page.goto("/roles/import/")
    page.locator("input[type=file]").set_input_files(str(REPOSITORY / "tests" / "roles" / "blueprints" / IMPORTED))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Open in the editor").click()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    _no_axe_violations(page, "editor (an import, with its review list)", found)
    page.get_by_label("Title", exact=True).fill("Data Engineer (imported)")
    _saved(page)
    page.get_by_role("button", name="Publish as a new role").click()
    expect(page.get_by_role("heading", name="Data Engineer (imported)", level=1)).to_be_visible()
    imported = RubricVersion.objects.get(title="Data Engineer (imported)")
    assert (imported.scale_min, imported.scale_max) == (1, 4)

    assert not found, "\n\n".join(f"{where}:\n{report}" for where, report in found.items())
