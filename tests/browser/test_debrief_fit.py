"""The debrief of an eight-interview loop fits: the decision form is in view at 1280 px without scrolling, every
interviewer's score on a dimension is readable on a 390 px phone without sideways scrolling, and after recording a
decision its confirmation is in view.

Run with `-s` to print the figures (page height, where the decision form starts, how far one scrolls to reach it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from hiring import policy
from hiring.models import Loop, Scorecard
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_submit
from roles.models import RubricVersion
from tests.browser.conftest import DESKTOP, PHONE, _context, _user
from tests.browser.test_find_and_fix import clean
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

RECOMMENDATIONS = ["strong_yes", "yes", "yes", "no", "yes", "strong_no", "no", "yes"]


def eight_interview_loop(manager: User, recruiter: User) -> Loop:
    """A loop on principal-ml-scientist with eight interviewers, every scorecard submitted with evidence."""
    rubric = RubricVersion.objects.filter(role__slug="principal-ml-scientist").order_by("-number").first()
    assert rubric is not None
    loop = loop_create(
        candidate_name="Søren Ødegård",
        candidate_email="soren@example.com",
        candidate_notes="",
        rubric=rubric,
        hiring_manager=manager,
        by=recruiter,
    )
    exercises = list(rubric.exercises.prefetch_related("dimensions").order_by("position"))
    dimensions = list(rubric.dimensions.order_by("position"))
    start = timezone.now() - dt.timedelta(days=3)
    rows = []
    for n in range(8):
        interviewer = _user(policy.INTERVIEWERS, f"panel{n}", f"Panelist{n}", f"Number{n}")
        exercise = exercises[n % len(exercises)]
        rows.append(
            PlanRow(
                exercise=exercise,
                interviewer=interviewer,
                scheduled_at=start + dt.timedelta(hours=n),
                focus=dimensions,
            )
        )
    for n, interview in enumerate(loop_plan_save(loop=loop, rows=rows, by=recruiter)):
        scorecard = Scorecard.objects.get(interview=interview)
        ratings = {
            d.pk: RatingInput(
                score=1 + (n + i) % 5,
                not_assessed=False,
                evidence=f"{interview.interviewer.first_name} on {d.name}: a worked example, with the numbers "
                "they gave and what they would change next time.",
            )
            for i, d in enumerate(dimensions)
        }
        scorecard_submit(
            scorecard=scorecard,
            by=interview.interviewer,
            revision=scorecard.revision,
            data=ScorecardInput(
                ratings=ratings,
                signals={},
                recommendation=RECOMMENDATIONS[n],
                key_takeaways=f"{interview.interviewer.first_name}'s takeaways: clear on trade-offs, "
                "less so on rollout.",
            ),
        )
    loop.refresh_from_db()
    return loop


@pytest.fixture
def big_loop(role_fixtures, transactional_db) -> tuple[Loop, User]:
    manager = _user(policy.HIRING_MANAGERS, "harper", "Harper", "Manager")
    recruiter = _user(policy.RECRUITERS, "riley", "Riley", "Recruiter")
    return eight_interview_loop(manager, recruiter), manager


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def measure(page: Page) -> dict[str, float]:
    """The page's height, the decision form's top and how far one scrolls from the top to see its first choice."""
    return page.evaluate(
        """() => {
        const action = document.querySelector('input[name=action][value=decide]');
        const form = action.closest('form');
        const first = form.querySelector('input[name=outcome]');
        const top = form.getBoundingClientRect().top + window.scrollY;
        const firstBottom = first.getBoundingClientRect().bottom + window.scrollY;
        return {height: document.documentElement.scrollHeight, form_top: top,
                scroll_to_form: Math.max(0, firstBottom - window.innerHeight)};
    }"""
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_decision_of_an_eight_interview_loop_is_in_reach_and_its_matrix_readable(
    browser: Browser, live_server, big_loop: tuple[Loop, User], viewport: ViewportSize
) -> None:
    loop, manager = big_loop
    context = _context(browser, live_server, viewport)
    page = context.new_page()
    try:
        sign_in(page, manager.username)
        page.goto(f"/loops/{loop.pk}/debrief/")
        figures = measure(page)
        print(f"\ndebrief at {viewport['width']} px: {figures}")
        clean(page, viewport["width"])
        if viewport is DESKTOP:
            assert figures["scroll_to_form"] == 0, "the decision's first choice is below the fold at 1280 px"
        else:
            # The phone reaches the form in one tap from the top, and every interviewer's score on a dimension
            # is visible without sideways scrolling.
            expect(page.locator("#record-decision-link")).to_be_in_viewport()
            card = page.locator(".dimension-card").first
            expect(card).to_be_visible()
            scores = card.locator(".dimension-score")
            expect(scores).to_have_count(8)
            for n in range(8):
                box = scores.nth(n).bounding_box()
                assert box is not None
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= viewport["width"]
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            # A score on a card leads to its evidence, opening the dimension's closed section.
            first = scores.first.get_by_role("link")
            anchor = first.get_attribute("href")
            assert anchor is not None
            first.click()
            evidence = page.locator(anchor)
            expect(evidence).to_be_visible()
            expect(evidence).to_be_in_viewport()
            page.evaluate("window.scrollTo(0, 0)")
        page.locator("input[name=outcome][value=hire]").check()
        page.locator("#id_rationale").fill("The panel agrees on depth; the rollout gaps are coachable.")
        # the loop's red flags make the default rule say no hire: hiring overrides it, and the page asks why
        page.get_by_label("Why the decision goes against the rule").fill("The red flags were discussed and cleared.")
        page.get_by_role("button", name="Record decision").click()
        confirmation = page.get_by_text("Decision recorded.")
        expect(confirmation).to_be_in_viewport()
    finally:
        context.close()
