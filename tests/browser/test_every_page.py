"""Every page of the app, as each persona sees it, at 1280 and at 390 px, in the light and the dark theme: axe with
the WCAG 2.2 AA rule tags finds nothing, the page never scrolls sideways, and every fieldset is named by its
first-child legend.

The data is the demo's (hiring.demo, what `make run` shows), which puts every banner and list state on the pages
swept: loops to plan, overdue scorecards (one reminded), drafts, red flags, a decision changed since decided and
one confirmed, a read-only decided plan, a filter matching nothing. One browser, one login per demo account; each
page is loaded once and checked at both widths and in both themes (the viewport resized and the colour scheme
switched in place, as the system setting would). The sweep also checks it reached every named page of the URLconf:
a new page that is neither visited here nor listed in NOT_PAGES with a reason fails it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # the package has no types
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from playwright.sync_api import Browser, Page, expect

from hiring.demo import demo_accounts_create, demo_loops_create
from hiring.models import Decision, Loop, Scorecard
from hiring.selectors.loops import uncovered_dimensions
from tests.browser.conftest import DESKTOP, PHONE, REPOSITORY, _context, exercise_slug
from tests.browser.test_accessibility import describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"1280": DESKTOP, "390": PHONE}
THEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
# The light theme gets every WCAG 2.2 AA rule; the dark one changes colours only, so the rules about colour.
RULES = {
    "light": {"type": "tag", "values": WCAG_22_AA},
    "dark": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
}

# URL names that are not pages a person reads, each with why it is left out of the sweep.
NOT_PAGES = {
    "logout": "a POST that redirects",
    "health": "a JSON health check",
    "loop_export": "a CSV or JSON download",
    "hiring_health_export": "a CSV download",
    "scorecard_autosave": "the form's JSON endpoint",
    "scorecard_next": "a redirect to the next scorecard to write, or home",
    "scorecard_remind": "a POST that redirects (the Remind button of the recruiter's home)",
    "interview_invite": "an .ics calendar file",
    "api_token_revoke": "a POST that redirects",
    "oidc_authentication_init": "a redirect to the identity provider (tests/browser/test_oidc.py)",
    "oidc_authentication_callback": "the identity provider's redirect back (tests/browser/test_oidc.py)",
    "roles:import_publish": "a POST that redirects",
    "roles:fixture": "a version's fixture file, a JSON download",
    "roles:new": "a POST that redirects to the new draft (the staff sweep presses it)",
    "roles:draft_from_version": "a POST that redirects to the new draft",
    "roles:import_edit": "a POST that redirects to the new draft",
    "roles:draft_autosave": "the role editor's JSON endpoint",
    "roles:draft_discard": "a POST that redirects",
    "legal_hold_release": "a POST that redirects (the legal holds page's Release button)",
}
# Django's admin; the JSON API and its generated reference (drf-spectacular); the Harvest-compatible JSON reads.
NOT_PAGE_PREFIXES = ("admin:", "api:", "harvest:")


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
        self.visited.add(match.view_name)  # "namespace:name", or the name alone outside a namespace
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)  # as the system setting changes: static/js/theme.js follows
            expect(page.locator("html")).to_have_attribute("data-bs-theme", theme)
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                page.wait_for_timeout(50)  # one frame for the layout to follow the new width
                found = []
                violations = Axe().run(page, options={"runOnly": RULES[theme]}).response
                if violations["violations"]:
                    found.append(describe(violations["violations"]))
                state = page.evaluate(PAGE_STATE)
                if theme == "light" and state["scroll"] > state["inner"]:
                    found.append(f"scrolls sideways: {state['scroll']} px wide at {state['inner']}; {state['wide']}")
                if theme == "light" and state["fieldsets"]:
                    found.append(f"fieldsets without a first-child legend: {state['fieldsets']}")
                if found:
                    self.problems[f"{name} at {width} px, {theme} ({path})"] = found
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)


def visit(page: Page, sweep: Sweep, name: str, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{name}: {url} answered {response.status}"
    sweep.check(page, name)


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main h1")).to_be_visible()


@dataclass
class World:
    """The demo's loops and scorecards that show each state, found by what they are."""

    draft: Scorecard  # Ines's draft on a loop in progress (overdue: the first role's)
    submitted: Scorecard  # Ines's submitted scorecard on a loop whose debrief she may read
    hidden: Scorecard  # Ivo's submitted scorecard on a loop where Ines's is still a draft: 403 for her
    in_progress: Loop  # Ines is on its panel
    complete: Loop  # every scorecard in, awaiting the hiring manager's decision
    changed: Loop  # decided, then a scorecard amended: changed since decided
    confirmed: Loop  # changed, then confirmed: a decision history of two
    unplanned: Loop  # no interview yet
    uncovered: Loop  # planned with a dimension no interview covers


def anonymous(page: Page, sweep: Sweep, world: World) -> None:
    visit(page, sweep, "login", "/accounts/login/")


def interviewer(page: Page, sweep: Sweep, world: World) -> None:
    w = world
    visit(page, sweep, "interviewer home", "/")
    expect(page.get_by_role("heading", name=re.compile(r"^Overdue scorecards"))).to_be_visible()
    visit(page, sweep, "open interviews", "/interviews/open/")
    visit(page, sweep, "submitted scorecards", "/scorecards/submitted/")
    rubric = w.draft.interview.loop.rubric
    visit(
        page,
        sweep,
        "kit",
        f"/roles/{rubric.role.slug}/?version={rubric.number}#exercise-{exercise_slug(w.draft.interview)}",
    )
    visit(page, sweep, "roles", "/roles/")
    visit(page, sweep, "scorecard form (draft)", f"/scorecards/{w.draft.pk}/")
    visit(page, sweep, "scorecard (submitted)", f"/scorecards/{w.submitted.pk}/")
    visit(page, sweep, "amend", f"/scorecards/{w.submitted.pk}/amend/")
    visit(page, sweep, "loop (interviewer)", f"/loops/{w.in_progress.pk}/")
    visit(page, sweep, "debrief (interviewer)", f"/loops/{w.submitted.interview.loop_id}/debrief/")
    visit(page, sweep, "403: a colleague's scorecard before mine", f"/scorecards/{w.hidden.pk}/", 403)
    visit(page, sweep, "404", "/loops/999999/", 404)
    visit(page, sweep, "API tokens", "/settings/tokens/")
    visit(page, sweep, "account settings (time zone)", "/accounts/settings/")


def hiring_manager(page: Page, sweep: Sweep, world: World) -> None:
    w = world
    visit(page, sweep, "hiring manager home", "/")
    expect(page.locator("#changed-decisions")).to_contain_text(w.changed.candidate.name)
    visit(page, sweep, "pipeline", "/loops/")
    visit(page, sweep, "pipeline, awaiting decision", "/loops/?status=complete")
    visit(page, sweep, "pipeline, changed since decided", "/loops/?changed=on")
    visit(page, sweep, "pipeline, one role", f"/loops/?role={w.complete.rubric.role.slug}")
    visit(page, sweep, "pipeline, a filter matching nothing", "/loops/?since=2099-01-01")
    expect(page.get_by_text("No loops match these filters.")).to_be_visible()
    visit(page, sweep, "pipeline, a search", f"/loops/?q={w.complete.candidate.name.split()[0][:4].lower()}")
    visit(page, sweep, "calibration", "/calibration/")
    visit(page, sweep, "hiring health", "/hiring-health/")
    visit(page, sweep, "calibration, one role", f"/calibration/?role={w.complete.rubric.role.slug}")
    visit(page, sweep, "loop (hiring manager)", f"/loops/{w.complete.pk}/")
    visit(page, sweep, "debrief, changed since decided", f"/loops/{w.changed.pk}/debrief/")
    visit(page, sweep, "debrief, decision confirmed", f"/loops/{w.confirmed.pk}/debrief/")
    visit(page, sweep, "summary, changed since decided", f"/loops/{w.changed.pk}/summary/")
    visit(page, sweep, "debrief", f"/loops/{w.complete.pk}/debrief/")
    visit(page, sweep, "debrief, leniency-adjusted", f"/loops/{w.complete.pk}/debrief/?adjusted=1")
    page.locator("#decision").get_by_role("button", name="Record decision").click()
    expect(page.locator("#error-summary")).to_be_focused()
    sweep.check(page, "debrief, an empty decision refused (error summary)")
    page.locator("#decision").get_by_label("Hold").check()
    page.locator("#decision").get_by_label("Rationale").fill("Waiting for a reference.")
    page.locator("#decision").get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    sweep.check(page, "debrief after the decision")
    visit(page, sweep, "summary", f"/loops/{w.complete.pk}/summary/")


def recruiter(page: Page, sweep: Sweep, world: World) -> None:
    w = world
    visit(page, sweep, "recruiter home", "/")
    chase = page.locator("#to-chase")
    expect(chase).to_contain_text("reminded 2 hours ago")
    expect(chase.get_by_role("button", name=re.compile("^Remind")).first).to_be_visible()
    expect(page.locator("#to-plan")).to_contain_text(w.unplanned.candidate.name)
    visit(page, sweep, "new loop", "/loops/new/")
    page.get_by_role("button", name=re.compile("^Create loop")).click()
    expect(page.locator("#error-summary")).to_be_focused()
    sweep.check(page, "new loop, refused (error summary)")
    visit(page, sweep, "plan (no interviews yet)", f"/loops/{w.unplanned.pk}/plan/")
    visit(page, sweep, "plan (a dimension uncovered)", f"/loops/{w.uncovered.pk}/plan/")
    visit(page, sweep, "plan (decided: read only)", f"/loops/{w.changed.pk}/plan/")
    visit(page, sweep, "loop (recruiter, a dimension uncovered)", f"/loops/{w.uncovered.pk}/")
    visit(page, sweep, "pipeline (recruiter)", "/loops/")
    visit(page, sweep, "outcomes import", "/outcomes/import/")


def staff(page: Page, sweep: Sweep, world: World) -> None:
    visit(page, sweep, "staff overview", "/")
    visit(page, sweep, "audit log", "/audit/")
    expect(page.get_by_role("main")).to_contain_text("Interviewer reminded")
    visit(page, sweep, "legal holds", "/legal-holds/")
    visit(page, sweep, "role import", "/roles/import/")
    page.locator("input[type=file]").set_input_files(
        str(REPOSITORY / "tests" / "roles" / "blueprints" / "data-engineer-1-to-4.md")
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    sweep.check(page, "role import preview")
    visit(page, sweep, "roles (staff)", "/roles/")
    page.get_by_role("button", name="New role", exact=True).click()
    expect(page.get_by_role("heading", name="New role: New role")).to_be_visible()
    sweep.check(page, "role editor")
    page.get_by_role("button", name="Preview as interviewers will see it").click()
    expect(page.locator("#draft-preview")).to_be_visible()
    sweep.check(page, "role draft preview")


PERSONAS: list[tuple[str | None, Callable[[Page, Sweep, World], None]]] = [
    (None, anonymous),
    ("interviewer", interviewer),
    ("hiring-manager", hiring_manager),
    ("recruiter", recruiter),
    ("admin", staff),
]


@pytest.fixture
def world(role_fixtures, transactional_db) -> World:
    users = demo_accounts_create(password=PASSWORD)
    demo_loops_create(users=users)
    ines = users["interviewer"]
    mine = Scorecard.objects.filter(interview__interviewer=ines).select_related("interview__loop__rubric__role")
    draft = mine.filter(status=Scorecard.Status.DRAFT, interview__loop__status=Loop.Status.IN_PROGRESS).order_by(
        "interview__scheduled_at"
    )[0]
    submitted = mine.filter(status=Scorecard.Status.SUBMITTED, interview__loop__status=Loop.Status.COMPLETE)[0]
    hidden = Scorecard.objects.filter(
        interview__loop=draft.interview.loop, interview__interviewer=users["interviewer2"], status="submitted"
    )[0]
    decided = Loop.objects.filter(status=Loop.Status.DECIDED)
    unplanned = Loop.objects.filter(status=Loop.Status.PLANNED, interviews__isnull=True)[0]
    planned = Loop.objects.filter(status=Loop.Status.PLANNED, interviews__isnull=False).distinct()
    return World(
        draft=draft,
        submitted=submitted,
        hidden=hidden,
        in_progress=draft.interview.loop,
        complete=Loop.objects.filter(status=Loop.Status.COMPLETE).order_by("pk")[0],
        changed=decided.filter(decision_changed=True).order_by("pk")[0],
        confirmed=decided.filter(decision_changed=False, decisions__kind=Decision.Kind.CONFIRMED)[0],
        unplanned=unplanned,
        uncovered=next(loop for loop in planned if uncovered_dimensions(loop=loop)),
    )


def test_every_page_has_no_axe_violations_and_no_sideways_scroll_at_both_widths_in_both_themes(
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
