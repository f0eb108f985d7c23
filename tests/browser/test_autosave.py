"""Autosave under a slow network: what is typed while a save is on its way must be saved too."""

from __future__ import annotations

import re
import time

import pytest
from django.db import OperationalError
from playwright.sync_api import Page, Route, expect

from hiring.models import Rating
from tests.browser.conftest import EXPERIMENTS, PanelLoop

pytestmark = pytest.mark.browser


def _saved_evidence(scorecard_id: int, dimension_id: int) -> str:
    """What the server has saved so far; "" while the live server's write holds the table (SQLite's shared-cache
    test database refuses a read then rather than waiting), to be read again at the next poll."""
    try:
        rating = Rating.objects.filter(scorecard_id=scorecard_id, dimension_id=dimension_id).first()
    except OperationalError:
        return ""
    return rating.evidence if rating else ""


def test_an_edit_typed_during_a_slow_autosave_is_saved_as_well(page: Page, log_in, interviewer_loop: PanelLoop):
    scorecard = interviewer_loop.scorecard(EXPERIMENTS)
    rigor = interviewer_loop.dimension("experimentation-rigor")
    held: list[Route] = []

    log_in(page, interviewer_loop.people.interviewer)
    page.goto(f"/scorecards/{scorecard.pk}/")

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # the first autosave hangs, as on a slow connection

    page.route("**/autosave/", hold_the_first)
    evidence = page.locator(f"textarea[name=evidence_{rigor.pk}]")
    evidence.click()
    page.keyboard.type("First part.")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the first autosave went out"

    page.keyboard.type(" Second part.")
    page.wait_for_timeout(1600)  # the next autosave is due 1.2 s after typing, while the first is in flight
    held[0].continue_()
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Draft saved at|Unsaved|Saving"))

    deadline = time.monotonic() + 4
    while time.monotonic() < deadline and _saved_evidence(scorecard.pk, rigor.pk) != "First part. Second part.":
        page.wait_for_timeout(200)
    status = page.locator("#autosave-status").text_content()
    assert _saved_evidence(scorecard.pk, rigor.pk) == "First part. Second part.", (
        f"only {_saved_evidence(scorecard.pk, rigor.pk)!r} reached the server; the page says {status!r}"
    )
