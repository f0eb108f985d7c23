"""Every page of the app, as each persona sees it, at 1280 and at 390 px: axe with the WCAG 2.2 AA rule tags
finds nothing, the page never scrolls sideways, and every fieldset is named by its first-child legend.

One browser, one login per persona; each page is loaded once and checked at both widths (the viewport is
resized in place). The sweep also checks it reached every named page of the URLconf: a new page that is
neither visited here nor listed in NOT_PAGES with a reason fails it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from playwright.sync_api import Browser, Page, expect

from hiring.models import Scorecard
from tests.browser.conftest import (
    DESKTOP,
    E2E_DESIGN,
    EXPERIMENTS,
    INCIDENT,
    PHONE,
    REPOSITORY,
    PanelLoop,
    People,
    _context,
    plan_loop,
)
from tests.browser.test_accessibility import describe

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"1280": DESKTOP, "390": PHONE}

# URL names that are not pages a person reads, each with why it is left out of the sweep.
NOT_PAGES = {
    "logout": "a POST that redirects",
    "health": "a JSON health check",
    "loop_export": "a CSV or JSON download",
    "hiring_health_export": "a CSV download",
    "scorecard_autosave": "the form's JSON endpoint",
    "api_token_revoke": "a POST that redirects",
    "oidc_authentication_init": "a redirect to the identity provider (tests/browser/test_oidc.py)",
    "oidc_authentication_callback": "the identity provider's redirect back (tests/browser/test_oidc.py)",
    "roles:import_publish": "a POST that redirects",
}
NOT_PAGE_PREFIXES = ("admin:", "api:")  # Django's admin; the JSON API and its generated reference (drf-spectacular)


PAGE_STATE = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  fieldsets: [...document.querySelectorAll('fieldset')]
    .filter((f) => !(f.firstElementChild && f.firstElementChild.tagName === 'LEGEND'
                     && f.firstElementChild.textContent.trim()))
    .map((f) => f.outerHTML.slice(0, 120)),
  wide: [...document.querySelectorAll('body *')].filter((el) => {
      if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) return false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll' || s === 'hidden') return false; }
      return true; })
    .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
})"""


@dataclass
class Sweep:
    """What the sweep found: problems by page and width, and the URL names it visited."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)

    def check(self, page: Page, name: str) -> None:
        path = page.url.removeprefix(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2])
        match = resolve(path.split("?")[0].split("#")[0])
        self.visited.add(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            page.wait_for_timeout(50)  # one frame for the layout to follow the new width
            found = []
            violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response
            if violations["violations"]:
                found.append(describe(violations["violations"]))
            state = page.evaluate(PAGE_STATE)
            if state["scroll"] > state["inner"]:
                found.append(f"scrolls sideways: {state['scroll']} px wide at {state['inner']}; {state['wide']}")
            if state["fieldsets"]:
                found.append(f"fieldsets without a first-child legend: {state['fieldsets']}")
            if found:
                self.problems[f"{name} at {width} px ({path})"] = found
        page.set_viewport_size(DESKTOP)


def visit(page: Page, sweep: Sweep, name: str, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{name}: {url} answered {response.status}"
    sweep.check(page, name)


def sign_in(page: Page, username: str) -> None:
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main h1")).to_be_visible()


@dataclass
class World:
    people: People
    staff_username: str
    debrief: PanelLoop  # three submitted scorecards, awaiting a decision; Ines's own is submitted
    open_loop: PanelLoop  # Ines has a draft to write; Ivo's is submitted; planned by the recruiter
    unplanned_loop_id: int


def anonymous(page: Page, sweep: Sweep, world: World) -> None:
    visit(page, sweep, "login", "/accounts/login/")


def interviewer(page: Page, sweep: Sweep, world: World) -> None:
    d, o = world.debrief, world.open_loop
    visit(page, sweep, "interviewer home", "/")
    visit(page, sweep, "open interviews", "/interviews/open/")
    visit(page, sweep, "submitted scorecards", "/scorecards/submitted/")
    visit(page, sweep, "kit", f"/roles/{o.rubric.role.slug}/?version={o.rubric.number}#exercise-{EXPERIMENTS}")
    visit(page, sweep, "roles", "/roles/")
    visit(page, sweep, "scorecard form (draft)", f"/scorecards/{o.scorecard(EXPERIMENTS).pk}/")
    visit(page, sweep, "scorecard (submitted)", f"/scorecards/{d.scorecard(E2E_DESIGN).pk}/")
    visit(page, sweep, "amend", f"/scorecards/{d.scorecard(E2E_DESIGN).pk}/amend/")
    visit(page, sweep, "loop (interviewer)", f"/loops/{o.loop.pk}/")
    visit(page, sweep, "debrief (interviewer)", f"/loops/{d.loop.pk}/debrief/")
    visit(page, sweep, "403: a colleague's scorecard before mine", f"/scorecards/{o.scorecard(E2E_DESIGN).pk}/", 403)
    visit(page, sweep, "404", "/loops/999999/", 404)
    visit(page, sweep, "API tokens", "/settings/tokens/")
    visit(page, sweep, "account settings (time zone)", "/accounts/settings/")


def hiring_manager(page: Page, sweep: Sweep, world: World) -> None:
    d = world.debrief
    visit(page, sweep, "hiring manager home", "/")
    visit(page, sweep, "pipeline", "/loops/")
    visit(page, sweep, "pipeline, awaiting decision", "/loops/?status=complete")
    visit(page, sweep, "pipeline, one role", f"/loops/?role={d.rubric.role.slug}")
    visit(page, sweep, "calibration", "/calibration/")
    visit(page, sweep, "hiring health", "/hiring-health/")
    visit(page, sweep, "calibration, one role", f"/calibration/?role={d.rubric.role.slug}")
    visit(page, sweep, "loop (hiring manager)", f"/loops/{d.loop.pk}/")
    visit(page, sweep, "debrief", f"/loops/{d.loop.pk}/debrief/")
    visit(page, sweep, "debrief, leniency-adjusted", f"/loops/{d.loop.pk}/debrief/?adjusted=1")
    page.get_by_role("link", name="Record decision").first.click()
    page.locator("#decision").get_by_label("Hold").check()
    page.locator("#decision").get_by_label("Rationale").fill("Waiting for a reference.")
    page.locator("#decision").get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    sweep.check(page, "debrief after the decision")
    visit(page, sweep, "summary", f"/loops/{d.loop.pk}/summary/")


def recruiter(page: Page, sweep: Sweep, world: World) -> None:
    visit(page, sweep, "recruiter home", "/")
    visit(page, sweep, "new loop", "/loops/new/")
    visit(page, sweep, "plan (no interviews yet)", f"/loops/{world.unplanned_loop_id}/plan/")
    visit(page, sweep, "plan", f"/loops/{world.open_loop.loop.pk}/plan/")
    visit(page, sweep, "loop (recruiter)", f"/loops/{world.open_loop.loop.pk}/")
    visit(page, sweep, "pipeline (recruiter)", "/loops/")


def staff(page: Page, sweep: Sweep, world: World) -> None:
    visit(page, sweep, "staff overview", "/")
    visit(page, sweep, "audit log", "/audit/")
    visit(page, sweep, "role import", "/roles/import/")
    page.locator("input[type=file]").set_input_files(
        str(REPOSITORY / "tests" / "roles" / "blueprints" / "data-engineer-1-to-4.md")
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    sweep.check(page, "role import preview")


PERSONAS: list[tuple[str | None, Callable[[Page, Sweep, World], None]]] = [
    (None, anonymous),
    ("ines", interviewer),
    ("harper", hiring_manager),
    ("riley", recruiter),
    ("staff", staff),
]


@pytest.fixture
def world(role_fixtures, people: People) -> World:
    from hiring.services.loops import loop_create
    from tests.browser.conftest import submit
    from tests.factories import UserFactory

    UserFactory(username="staff", first_name="Sam", last_name="Staff", is_staff=True, is_superuser=True)
    debrief = plan_loop(
        role="principal-ml-scientist",
        candidate="Bao Nguyen",
        people=people,
        panel=[
            (E2E_DESIGN, people.interviewer, -dt.timedelta(days=2, hours=3)),
            (INCIDENT, people.colleague, -dt.timedelta(days=2, hours=2)),
            (EXPERIMENTS, people.third, -dt.timedelta(days=2, hours=1)),
        ],
    )
    scores = {"problem-framing": 4, "modeling-depth": 4, "production-ml": 5, "responsible-ai": 3}
    submit(debrief, E2E_DESIGN, scores, recommendation="yes", strong_signal=True)
    submit(
        debrief,
        INCIDENT,
        {"production-ml": 1, "systems-performance": 3, "leadership-principal-ic": 4},
        recommendation="no",
        red_flag_note="Proposed launching the new ranker with no rollback plan, twice.",
    )
    submit(debrief, EXPERIMENTS, {"experimentation-rigor": 4, "communication-influence": "na"}, recommendation="yes")
    open_loop = plan_loop(
        role="principal-ml-scientist",
        candidate="Amara Okafor",
        people=people,
        panel=[
            (E2E_DESIGN, people.colleague, -dt.timedelta(hours=30)),
            (EXPERIMENTS, people.interviewer, -dt.timedelta(hours=2)),
        ],
    )
    submit(open_loop, E2E_DESIGN, scores, recommendation="yes")
    assert Scorecard.objects.get(pk=open_loop.scorecard(EXPERIMENTS).pk).status == Scorecard.Status.DRAFT
    unplanned = loop_create(
        candidate_name="Chen Wei",
        candidate_email="",
        candidate_notes="",
        rubric=debrief.rubric,
        hiring_manager=people.hiring_manager,
        by=people.recruiter,
    )
    return World(
        people=people, staff_username="staff", debrief=debrief, open_loop=open_loop, unplanned_loop_id=unplanned.pk
    )


def test_every_page_has_no_axe_violations_and_no_sideways_scroll_at_both_widths(
    browser: Browser, live_server, world: World
):
    sweep = Sweep()
    for username, pages in PERSONAS:
        context = _context(browser, live_server, DESKTOP)
        page = context.new_page()
        if username:
            sign_in(page, username)
        pages(page, sweep, world)
        context.close()

    report = "\n\n".join(f"{where}:\n" + "\n".join(found) for where, found in sweep.problems.items())
    assert not report, report
    assert set(page_names()) <= sweep.visited, f"pages not swept: {set(page_names()) - sweep.visited}"


def page_names() -> list[str]:
    """Every named URL of the URLconf that is a page (NOT_PAGES and NOT_PAGE_PREFIXES left out)."""
    names: list[str] = []

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return [n for n in names if n not in NOT_PAGES and not n.startswith(NOT_PAGE_PREFIXES)]
