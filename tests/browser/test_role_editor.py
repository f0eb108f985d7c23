"""The role editor, as a role editor uses it at 1280 px: a role from scratch (v1), a copy of it, then its v2, and one
from an imported document; a second tab's stale autosave is told who changed the draft. Every editor page has no
axe violations."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from playwright.sync_api import Page, expect

from roles.models import RoleDraft, RolePublication, RubricVersion
from tests.browser.conftest import REPOSITORY
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


def test_a_role_editor_writes_a_role_publishes_v1_copies_it_publishes_v2_and_imports_one(
    page: Page, log_in, transactional_db
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
    expect(page.get_by_role("heading", name="Written communication")).to_be_visible()
    expect(page.get_by_text(anchor)).to_be_visible()
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

    # Edit the first role: v2, while v1 stays as it was.
    page.goto("/roles/support-engineer/")
    _no_axe_violations(page, "kit with the editor's buttons", found)
    page.get_by_role("button", name="Edit (new version)").click()
    expect(page.get_by_role("button", name="Publish as version 2")).to_be_visible()
    page.get_by_label("Dimension 2: name", exact=True).fill("Writing for customers")
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
