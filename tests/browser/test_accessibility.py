"""axe-core on every page the journeys visit, in the states they visit it: no violations allowed.

One test per kind of user (the role library is loaded once per test, which is what costs time);
each page is checked on its own and every page's violations are reported, rule, impact and nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from playwright.sync_api import Page, expect

from tests.browser.conftest import E2E_DESIGN, EXPERIMENTS, INCIDENT, PanelLoop

pytestmark = pytest.mark.browser

Check = Callable[[str], None]


def describe(violations: list[dict]) -> str:
    """Each violation's rule id, impact and help, then every node it found: its target and what is wrong."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}  {node.get('html', '')[:120]}\n        {summary}")
    return "\n".join(lines)


def open_page(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None, f"{url} gave no response"
    assert response.status == status, f"{url} answered {response.status}"


def anonymous_pages(page: Page, panel: None, check: Check) -> None:
    open_page(page, "/accounts/login/")
    check("login")


def recruiter_pages(page: Page, panel: PanelLoop, check: Check) -> None:
    open_page(page, "/")
    check("recruiter home")
    open_page(page, "/loops/new/")
    check("new loop")
    open_page(page, f"/loops/{panel.loop.pk}/plan/")
    expect(page.locator("#coverage-warning")).to_be_visible()
    check("plan")
    open_page(page, "/loops/")
    check("pipeline")
    open_page(page, f"/loops/{panel.loop.pk}/")
    check("loop detail (recruiter)")


def interviewer_pages(page: Page, panel: PanelLoop, check: Check) -> None:
    open_page(page, "/")
    check("home")
    open_page(page, f"/roles/{panel.rubric.role.slug}/?version={panel.rubric.number}#exercise-{EXPERIMENTS}")
    check("kit")
    open_page(page, f"/loops/{panel.loop.pk}/")
    check("loop detail (interviewer)")
    open_page(page, f"/scorecards/{panel.scorecard(EXPERIMENTS).pk}/")
    check("scorecard form")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Submit scorecard").click()
    assert response.value.status == 400
    expect(page.get_by_text("Nothing was submitted")).to_be_visible()
    check("scorecard form after a refused submit (field errors)")
    open_page(page, f"/scorecards/{panel.scorecard(E2E_DESIGN).pk}/", status=403)
    check("403 page")


def hiring_manager_pages(page: Page, panel: PanelLoop, check: Check) -> None:
    open_page(page, f"/scorecards/{panel.scorecard(INCIDENT).pk}/")
    expect(page.get_by_text(panel.red_flag_note)).to_be_visible()
    check("submitted scorecard")
    open_page(page, f"/loops/{panel.loop.pk}/debrief/")
    check("debrief")
    page.get_by_label("Hold").check()
    page.get_by_label("Rationale").fill("Waiting for a reference.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    check("debrief after the decision")
    open_page(page, f"/loops/{panel.loop.pk}/summary/")
    check("summary")


# The visit gets the panel the named fixture gives (None for the anonymous visitor).
Visit = Callable[[Page, Any, Check], None]
USERS: dict[str, tuple[str | None, str | None, Visit]] = {
    "anonymous": (None, None, anonymous_pages),
    "recruiter": ("recruiter", "interviewer_loop", recruiter_pages),
    "interviewer": ("interviewer", "interviewer_loop", interviewer_pages),
    "hiring manager": ("hiring_manager", "debrief_loop", hiring_manager_pages),
}


@pytest.mark.parametrize("who", list(USERS))
def test_pages_have_no_axe_violations(who: str, page: Page, log_in, people, request):
    user, scenario, visit = USERS[who]
    panel = request.getfixturevalue(scenario) if scenario else None
    if user:
        log_in(page, getattr(people, user))
    found: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        found[name] = Axe().run(page).response["violations"]

    visit(page, panel, check)

    report = "\n".join(f"axe violations on {name}:\n{describe(v)}" for name, v in found.items() if v)
    if report:
        print(report)
    assert not report, report
