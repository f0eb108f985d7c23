"""Real-browser fixtures: Debian's Chromium through Playwright, against pytest-django's live server.

Playwright's own browser download does not work here, so the system Chromium is launched
by path. The data each journey needs is built with the project's factories and services.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import (
    Browser,
    BrowserContext,
    FloatRect,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from hiring import policy
from hiring.models import Interview, Loop, Scorecard
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_submit
from roles.models import Dimension, RubricVersion, Signal
from tests.factories import PASSWORD, UserFactory

# The sync Playwright API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every browser runs in a zone other than the server's UTC, as people's browsers do: half an hour off the hour, and
# on the next day for the morning UTC's clock still calls yesterday. Times must follow static/js/timezone.js's cookie.
# (Chromium names some zones by their older aliases, Asia/Kolkata as Asia/Calcutta; this one it names as is.)
BROWSER_ZONE = "Australia/Adelaide"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
REPOSITORY = Path(__file__).resolve().parents[2]
# Screenshots go to an ignored folder, so `make test` changes no tracked file; `make screenshots`
# points SCREENSHOT_DIR at docs/screenshots to refresh the README's.
SCREENSHOTS = REPOSITORY / os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots")
TIMEOUT_MS = 10_000
# The home page's heading fits the person (hiring.selectors.home): any of these means "signed in, at home".
HOME_HEADING = re.compile("^(My interviews|My hiring decisions|My loops to run|Overview)$")


# Browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Skipped with a message where Chromium is missing, unless REQUIRE_BROWSER=1 (CI), where that fails."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/install.sh does, as root)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, live_server, viewport: ViewportSize) -> BrowserContext:
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="en-GB", timezone_id=BROWSER_ZONE, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return context


def laid_out(locator: Locator) -> FloatRect:
    """Where the element is drawn on the page; the test fails if it is not drawn (hidden or detached)."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not drawn"
    return box


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    """A fresh browser profile (cookies, storage) for each test, desktop-sized."""
    context = _context(browser, live_server, DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    context = _context(browser, live_server, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def log_in() -> Callable[[Page, User], None]:
    """Log a user in through the real login page; the browser lands on their home page."""

    def _log_in(page: Page, user: User) -> None:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name=HOME_HEADING, level=1)).to_be_visible()

    return _log_in


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to <SCREENSHOT_DIR>/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Data -----------------------------------------------------------------------------------------


@dataclass
class People:
    recruiter: User
    hiring_manager: User
    interviewer: User
    colleague: User
    third: User


# tests/factories.py's InterviewerFactory, HiringManagerFactory and RecruiterFactory raise TypeError: their
# `groups = (...)` replaces UserFactory's post-generation hook with a plain model field value. The same users
# are built here through UserFactory's hook instead.
def _user(group: str, username: str, first_name: str, last_name: str) -> User:
    return UserFactory(username=username, first_name=first_name, last_name=last_name, groups=(group,))


@pytest.fixture
def people(transactional_db) -> People:
    return People(
        recruiter=_user(policy.RECRUITERS, "riley", "Riley", "Recruiter"),
        hiring_manager=_user(policy.HIRING_MANAGERS, "harper", "Harper", "Manager"),
        interviewer=_user(policy.INTERVIEWERS, "ines", "Ines", "Interviewer"),
        colleague=_user(policy.INTERVIEWERS, "ivo", "Ivo", "Colleague"),
        third=_user(policy.INTERVIEWERS, "noor", "Noor", "Panelist"),
    )


@dataclass
class PanelLoop:
    """A loop planned through the services, with its interviews by exercise slug."""

    loop: Loop
    rubric: RubricVersion
    people: People
    interviews: dict[str, Interview]
    evidence: dict[tuple[str, str], str] = field(default_factory=dict)  # (exercise, dimension) -> text
    red_flag_note: str = ""

    def scorecard(self, exercise: str) -> Scorecard:
        return Scorecard.objects.get(interview=self.interviews[exercise])

    def dimension(self, slug: str) -> Dimension:
        return self.rubric.dimensions.get(slug=slug)


def plan_loop(*, role: str, candidate: str, people: People, panel: list[tuple[str, User, dt.timedelta]]) -> PanelLoop:
    """Create a loop on a role and plan one interview per (exercise slug, interviewer, offset from now)."""
    rubric = RubricVersion.objects.filter(role__slug=role).order_by("-number").first()
    assert rubric is not None, f"no rubric for {role}: load the role fixtures"
    loop = loop_create(
        candidate_name=candidate,
        candidate_email="",
        candidate_notes="",
        rubric=rubric,
        hiring_manager=people.hiring_manager,
        by=people.recruiter,
    )
    exercises = {e.slug: e for e in rubric.exercises.prefetch_related("dimensions")}
    now = timezone.now()
    rows = [
        PlanRow(
            exercise=exercises[slug],
            interviewer=who,
            scheduled_at=now + offset,
            focus=list(exercises[slug].dimensions.all()),
        )
        for slug, who, offset in panel
    ]
    interviews = loop_plan_save(loop=loop, rows=rows, by=people.recruiter)
    return PanelLoop(
        loop=loop,
        rubric=rubric,
        people=people,
        interviews={exercise_slug(interview): interview for interview in interviews},
    )


def exercise_slug(interview: Interview) -> str:
    """The slug of the exercise an interview was planned from (every interview the tests plan has one)."""
    assert interview.exercise is not None
    return interview.exercise.slug


def submit(
    panel: PanelLoop,
    exercise: str,
    scores: dict[str, int | str],
    *,
    recommendation: str,
    red_flag_note: str = "",
    strong_signal: bool = False,
) -> Scorecard:
    """Submit the interviewer's scorecard through the service; a score of "na" is "not assessed"."""
    interview = panel.interviews[exercise]
    ratings = {}
    for slug, score in scores.items():
        text = f"{interview.interviewer.first_name} on {slug} in {exercise}: worked example with numbers."
        panel.evidence[(exercise, slug)] = text
        ratings[panel.dimension(slug).pk] = RatingInput(
            score=None if score == "na" else int(score), not_assessed=score == "na", evidence=text
        )
    signals = {}
    if red_flag_note:
        flag = Signal.objects.filter(rubric=panel.rubric, kind=Signal.Kind.RED_FLAG).order_by("position").first()
        assert flag is not None
        signals[flag.pk] = red_flag_note
        panel.red_flag_note = red_flag_note
    if strong_signal:
        strong = Signal.objects.filter(rubric=panel.rubric, kind=Signal.Kind.STRONG).order_by("position").first()
        assert strong is not None
        signals[strong.pk] = ""
    scorecard = panel.scorecard(exercise)
    return scorecard_submit(
        scorecard=scorecard,
        by=interview.interviewer,
        revision=scorecard.revision,
        data=ScorecardInput(
            ratings=ratings,
            signals=signals,
            recommendation=recommendation,
            key_takeaways=f"{interview.interviewer.first_name}'s takeaways.",
        ),
    )


# Exercises of the 1–5 role principal-ml-scientist and the dimensions they focus on.
E2E_DESIGN = "end-to-end-ml-feature-design"  # problem-framing, modeling-depth, production-ml, responsible-ai
INCIDENT = "production-incident-simulation"  # production-ml, systems-performance, leadership-principal-ic
EXPERIMENTS = "experimentation-and-causality"  # experimentation-rigor, communication-influence


@pytest.fixture
def interviewer_loop(role_fixtures, people: People) -> PanelLoop:
    """Ines and her colleague Ivo each interviewed two hours ago; Ivo's scorecard is submitted, hers is not."""
    panel = plan_loop(
        role="principal-ml-scientist",
        candidate="Amara Okafor",
        people=people,
        panel=[
            (E2E_DESIGN, people.colleague, -dt.timedelta(hours=3)),
            (EXPERIMENTS, people.interviewer, -dt.timedelta(hours=2)),
        ],
    )
    submit(
        panel,
        E2E_DESIGN,
        {"problem-framing": 4, "modeling-depth": 3, "production-ml": 5, "responsible-ai": 2},
        recommendation="yes",
        red_flag_note="Could not separate their own contribution from the team's.",
        strong_signal=True,
    )
    return panel


@pytest.fixture
def debrief_loop(role_fixtures, people: People) -> PanelLoop:
    """Three submitted scorecards: a red flag with a note, and a split on Production ML (5 against 1)."""
    panel = plan_loop(
        role="principal-ml-scientist",
        candidate="Bao Nguyen",
        people=people,
        panel=[
            (E2E_DESIGN, people.interviewer, -dt.timedelta(days=2, hours=3)),
            (INCIDENT, people.colleague, -dt.timedelta(days=2, hours=2)),
            (EXPERIMENTS, people.third, -dt.timedelta(days=2, hours=1)),
        ],
    )
    submit(
        panel,
        E2E_DESIGN,
        {"problem-framing": 4, "modeling-depth": 4, "production-ml": 5, "responsible-ai": 3},
        recommendation="yes",
        strong_signal=True,
    )
    submit(
        panel,
        INCIDENT,
        {"production-ml": 1, "systems-performance": 3, "leadership-principal-ic": 4},
        recommendation="no",
        red_flag_note="Proposed launching the new ranker with no rollback plan, twice.",
    )
    submit(
        panel,
        EXPERIMENTS,
        {"experimentation-rigor": 4, "communication-influence": "na"},
        recommendation="strong_yes",
    )
    return panel
