"""End-to-end journeys of the three kinds of user, in a real Chromium against the live server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from hiring.models import Decision, Interview, Loop, Scorecard
from roles.models import RubricVersion
from tests.browser.conftest import BROWSER_ZONE, EXPERIMENTS, INCIDENT, PanelLoop, People, laid_out, screenshot

pytestmark = pytest.mark.browser


def tab_until(page: Page, predicate: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies `predicate` (a JS expression over `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({predicate}))(document.activeElement)"):
            return
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} Tabs never reached an element where {predicate}; focus is on {focused}")


def _autosave_holds(response, *texts: str) -> bool:
    """Whether this is an autosave whose posted form holds all the texts (so it saved the latest state)."""
    body = response.request.post_data or ""
    return "/autosave/" in response.url and all(text in body for text in texts)


def focused(page: Page, attribute: str) -> str | None:
    return page.evaluate(f"document.activeElement.getAttribute({attribute!r})")


# 1. Recruiter ---------------------------------------------------------------------------------


def _uncovered_by_default(role_slug: str) -> list[str]:
    """Dimension names that no required exercise of the role's blueprint focuses on."""
    blueprint = json.loads((settings.ROLE_FIXTURES_DIR / role_slug / "v1.json").read_text())["rubric"]
    covered = {slug for e in blueprint["exercises"] if not e["optional"] for slug in e["dimensions"]}
    return [d["name"] for d in blueprint["dimensions"] if d["slug"] not in covered]


NOT_COVERED = re.compile(r"^\s*No interview covers")  # the loop page's alert, not the flash message


def test_recruiter_creates_and_plans_a_loop_then_exports_it(page: Page, log_in, role_fixtures, people: People):
    role = "principal-research-scientist"
    rubric = RubricVersion.objects.select_related("role").get(role__slug=role)
    uncovered = _uncovered_by_default(role)
    assert uncovered, "the 0–4 role's exercises are expected to leave some dimensions uncovered"
    candidate = "Zoë Adeyemi-Laurent"

    log_in(page, people.recruiter)
    page.get_by_role("main").get_by_role("link", name="New loop").click()
    expect(page.get_by_role("heading", name="New loop", level=1)).to_be_visible()
    page.get_by_label("Candidate name").fill(candidate)
    page.get_by_label("Candidate email").fill("zoe@example.com")
    page.get_by_label("Role").select_option(
        label=f"{rubric.title} (scale {rubric.scale_min}–{rubric.scale_max}, rubric v{rubric.number})"
    )
    page.get_by_label("Hiring manager").select_option(label="Harper Manager")
    page.get_by_role("button", name="Create loop and plan interviews").click()

    expect(page).to_have_url(re.compile(r"/loops/\d+/plan/$"))
    expect(page.get_by_role("heading", name="Plan the interviews")).to_be_visible()
    expect(page.get_by_text(f"Loop created for {candidate}.")).to_be_visible()
    loop = Loop.objects.get(candidate__name=candidate)
    assert loop.rubric_id == rubric.pk
    assert loop.hiring_manager == people.hiring_manager

    rows = page.locator("form fieldset.card")
    expect(rows).to_have_count(rubric.exercises.count())
    panel = ["Ines Interviewer", "Ivo Colleague", "Noor Panelist"]
    first_day = timezone.localdate() + dt.timedelta(days=7)
    times = []
    for index in range(rows.count()):
        row = rows.nth(index)
        expect(row.get_by_label("Include")).to_be_checked()
        row.get_by_label("Interviewer").select_option(label=panel[index % len(panel)])
        when = dt.datetime.combine(first_day, dt.time(9 + index, 30))
        times.append(when)
        row.get_by_label(f"Time ({BROWSER_ZONE})", exact=True).fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save plan").click()

    # The next step: the loop's page, which names what no interview covers.
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/$"))
    expect(page.get_by_text("Plan saved, but no interview covers:")).to_be_visible()
    for name in uncovered:
        expect(page.get_by_role("alert").filter(has_text=NOT_COVERED)).to_contain_text(name)
    interviews = list(Interview.objects.filter(loop=loop).select_related("interviewer").order_by("scheduled_at"))
    zone = zoneinfo.ZoneInfo(BROWSER_ZONE)  # typed in the browser's zone, stored in UTC
    assert [timezone.localtime(i.scheduled_at, zone).replace(tzinfo=None) for i in interviews] == times
    assert [i.interviewer.get_full_name() for i in interviews] == [panel[n % len(panel)] for n in range(len(times))]

    # Back on the plan, cover what is missing by adding it to the first interview's focus: the warning follows.
    page.get_by_role("link", name="Plan interviews").click()
    expect(page.locator("#coverage-warning")).to_be_visible()
    first = rows.first
    first.locator("details.plan-focus > summary").click()
    for name in uncovered:
        first.get_by_label(name, exact=True).check()
    expect(page.locator("#coverage-ok")).to_be_visible()
    expect(page.locator("#coverage-warning")).to_be_hidden()
    first.get_by_label(uncovered[0], exact=True).uncheck()
    expect(page.locator("#coverage-warning")).to_contain_text(uncovered[0])
    first.get_by_label(uncovered[0], exact=True).check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved. Every rubric dimension is covered")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=NOT_COVERED)).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pipeline").click()
    expect(page.get_by_role("heading", name="Pipeline", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=candidate, exact=True)).to_be_visible()
    screenshot(page, "pipeline")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Loops, a row each (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = download.path().read_bytes()
    assert raw.startswith("\ufeff".encode()), "the CSV starts with a BOM so spreadsheets read it as UTF-8"
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, rows_out = table[0], table[1:]
    assert header[:3] == ["loop_id", "candidate", "role"]
    assert "decision_rationale" in header
    ours = [row for row in rows_out if row[header.index("candidate")] == candidate]
    assert len(ours) == 1, rows_out
    assert ours[0][header.index("role")] == rubric.title
    assert ours[0][header.index("loop_id")] == str(loop.pk)
    assert ours[0][header.index("scorecards_expected")] == str(len(times))


# 2. Interviewer -------------------------------------------------------------------------------


def test_interviewer_scores_with_the_keyboard_and_sees_colleagues_after_submitting(
    page: Page, context, log_in, interviewer_loop: PanelLoop
):
    panel = interviewer_loop
    me = panel.people.interviewer
    mine = panel.scorecard(EXPERIMENTS)
    colleague_card = Scorecard.objects.get(interview__loop=panel.loop, interview__interviewer=panel.people.colleague)
    rigor, communication = panel.dimension("experimentation-rigor"), panel.dimension("communication-influence")
    rigor_evidence = "Designed a switchback test; computed power before launch and named two confounders."
    communication_evidence = "Explained the causal graph to a PM in plain words; checked understanding."
    takeaways = "Careful experimenter; strongest on causality."

    log_in(page, me)
    to_write = page.get_by_role("region", name=re.compile("To write"))
    expect(to_write).to_contain_text(panel.loop.candidate.name)
    screenshot(page, "interviewer-home")
    to_write.get_by_role("link", name=f"Write scorecard for {panel.loop.candidate.name}").click()
    expect(page).to_have_url(re.compile(rf"/scorecards/{mine.pk}/$"))
    expect(page.get_by_role("heading", name=panel.loop.candidate.name, level=1)).to_be_visible()

    # The kit sits beside the form at 1280 px: the brief and the focus dimensions' anchors, no other tab.
    exercise = panel.interviews[EXPERIMENTS].exercise
    assert exercise is not None
    kit_box = laid_out(page.locator("#kit"))
    form_box = laid_out(page.locator("#scorecard-form"))
    assert kit_box["x"] + kit_box["width"] <= form_box["x"], "the kit is beside the form"
    expect(page.locator("#kit")).to_contain_text(exercise.brief)
    expect(page.locator("#kit")).to_contain_text(rigor.name)
    # Its full guide opens at this exercise only.
    page.get_by_role("link", name="Full interview guide for this exercise").click()
    expect(page.locator(f"#exercise-{EXPERIMENTS}")).to_contain_text("Mainly assesses")
    expect(page.locator(".kit-block[id^=exercise-]")).to_have_count(1)
    expect(page.get_by_text("derived", exact=True)).to_have_count(0)
    screenshot(page, "role-kit")
    page.go_back()

    # Keyboard only. Key takeaways come first; then Tab to each radio group, Space and arrows to choose.
    tab_until(page, "el.name === 'key_takeaways'")
    page.keyboard.type(takeaways)
    tab_until(page, f"el.name === 'score_{rigor.pk}'")
    # Levels run lowest first, in one row; Tab enters an unanswered group at its first option.
    assert focused(page, "value") == str(panel.rubric.scale_min)
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name=score_{rigor.pk}][value='4']")).to_be_checked()
    above = panel.rubric.scale_levels.get(value=4).label
    expect(page.locator(f"#id_score_{rigor.pk}_anchor")).to_contain_text(above)
    expect(page.locator("#scorecard-progress")).to_have_text("1 of 2 focus dimensions scored")
    expect(page.locator(f"#id_evidence_{rigor.pk}_required")).to_be_hidden()
    tab_until(page, f"el.name === 'evidence_{rigor.pk}'", limit=3)
    page.keyboard.type(rigor_evidence)

    tab_until(page, f"el.name === 'score_{communication.pk}'")
    page.keyboard.press("Space")
    with page.expect_response(
        lambda r: _autosave_holds(r, rigor_evidence, takeaways, f'name="score_{communication.pk}"\r\n\r\n5')
    ) as saved:
        for _ in range(4):
            page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name=score_{communication.pk}][value='5']")).to_be_checked()
    # A 5 is at the end of the scale: "evidence required" shows at once; submitting without it must refuse.
    expect(page.locator(f"#id_evidence_{communication.pk}_required")).to_be_visible()
    expect(page.locator("#scorecard-progress")).to_have_text("2 of 2 focus dimensions scored")
    assert saved.value.ok
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d:\d\d\.$"))

    page.reload()
    expect(page.locator(f"input[name=score_{rigor.pk}][value='4']")).to_be_checked()
    expect(page.locator(f"input[name=score_{communication.pk}][value='5']")).to_be_checked()
    expect(page.locator(f"textarea[name=evidence_{rigor.pk}]")).to_have_value(rigor_evidence)
    expect(page.locator("textarea[name=key_takeaways]")).to_have_value(takeaways)
    mine.refresh_from_db()
    assert mine.status == Scorecard.Status.DRAFT
    assert mine.revision > 1

    # Blind scoring: the colleague's scorecard stays closed until mine is submitted.
    response = page.goto(f"/scorecards/{colleague_card.pk}/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("hidden until your own scorecard for this loop is submitted")
    page.go_back()
    expect(page.locator(f"input[name=score_{rigor.pk}][value='4']")).to_be_checked()
    screenshot(page, "scorecard-form")

    # Submitting without a recommendation and without evidence for the 5 is refused, text kept.
    tab_until(page, "el.type === 'submit' && el.value === 'submit'", limit=120)
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_contain_text("problems to fix; nothing was submitted, your text is kept")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary").get_by_text("Give your overall recommendation.")).to_be_visible()
    summary = page.locator("#error-summary")
    expect(summary.get_by_text("a score of 5 is at the end of the scale; write the")).to_be_visible()
    expect(page.locator(f"textarea[name=evidence_{rigor.pk}]")).to_have_value(rigor_evidence)
    assert Scorecard.objects.get(pk=mine.pk).status == Scorecard.Status.DRAFT

    tab_until(page, f"el.name === 'evidence_{communication.pk}'")
    page.keyboard.type(communication_evidence)
    tab_until(page, "el.name === 'recommendation'")
    assert focused(page, "value") == "strong_no"
    page.keyboard.press("Space")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=recommendation][value='yes']")).to_be_checked()
    with page.expect_response(lambda r: _autosave_holds(r, communication_evidence, 'name="recommendation"\r\n\r\nyes')):
        tab_until(page, "el.type === 'submit' && el.value === 'submit'")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Draft saved at"))
    page.keyboard.press("Enter")

    # The next step: Ines owes no other scorecard, so she is home, where the submitted one is listed.
    expect(page.get_by_text(f"Scorecard for {panel.loop.candidate.name} submitted")).to_be_visible()
    expect(page.get_by_text("No other scorecard is waiting for you.")).to_be_visible()
    expect(page.get_by_role("heading", name="My interviews", level=1)).to_be_visible()
    page.get_by_role("link", name=f"View scorecard for {panel.loop.candidate.name}").click()
    expect(page.get_by_text("Scorecard · Submitted")).to_be_visible()
    mine.refresh_from_db()
    assert mine.status == Scorecard.Status.SUBMITTED
    assert mine.recommendation == "yes"
    assert {r.dimension_id: (r.score, r.evidence) for r in mine.ratings.all()} == {
        rigor.pk: (4, rigor_evidence),
        communication.pk: (5, communication_evidence),
    }

    # Now the colleague's scorecard opens, evidence and all.
    page.get_by_role("link", name="loop", exact=True).click()
    colleague_row = page.get_by_role("row").filter(has_text="Ivo Colleague")
    colleague_row.get_by_role("link", name="Submitted").click()
    expect(page).to_have_url(re.compile(rf"/scorecards/{colleague_card.pk}/$"))
    for (exercise_slug, _slug), text in panel.evidence.items():
        if panel.interviews[exercise_slug].interviewer == panel.people.colleague:
            expect(page.get_by_role("main")).to_contain_text(text)
    expect(page.get_by_role("main")).to_contain_text(panel.red_flag_note)


# 3. Hiring manager ----------------------------------------------------------------------------


def test_hiring_manager_reads_the_debrief_decides_and_prints(page: Page, log_in, debrief_loop: PanelLoop, tmp_path):
    panel = debrief_loop
    loop = panel.loop
    split = panel.dimension("production-ml")
    low_card = panel.scorecard(INCIDENT)
    anchor = f"evidence-{low_card.pk}-{split.pk}"
    rationale = "The rollback gap is a principal-level red flag; the panel split on production ML confirms it."

    log_in(page, panel.people.hiring_manager)
    # Home → debrief is one click: the loop waits in "Awaiting your decision", with how long it has waited.
    awaiting = page.get_by_role("region", name=re.compile("Awaiting your decision"))
    expect(awaiting).to_contain_text("waiting")
    awaiting.get_by_role("link", name=f"Debrief of {loop.candidate.name}").click()
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/debrief/$"))
    expect(page.locator("#completeness")).to_contain_text("3 of 3")

    red_flags = page.locator("#red-flags")
    expect(red_flags).to_contain_text("Red flags (1)")
    expect(red_flags).to_contain_text(panel.red_flag_note)
    assert page.evaluate(
        "() => Boolean(document.getElementById('red-flags').compareDocumentPosition("
        "document.querySelector('.matrix')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    ), "the red flags come before the score matrix"
    assert laid_out(red_flags)["y"] < laid_out(page.locator(".matrix"))["y"]
    column = list(panel.rubric.dimensions.order_by("position").values_list("pk", flat=True)).index(split.pk)
    reading = page.locator(".matrix tfoot tr").filter(has_text="Reading").locator("td")
    expect(reading.nth(column)).to_contain_text("Split")
    screenshot(page, "debrief")

    cell = page.locator(f".matrix a[href='#{anchor}']")
    expect(cell).to_have_text("1")
    cell.click()
    expect(page).to_have_url(re.compile(rf"#{anchor}$"))
    assert page.evaluate("document.querySelector(':target')?.id") == anchor
    assert page.evaluate("document.activeElement.id") == anchor, "keyboard focus follows the link to the evidence"
    target = page.locator(f"#{anchor}")
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text(panel.evidence[(INCIDENT, "production-ml")])
    expect(target).to_contain_text("1 of 5")

    decision = page.locator("#decision")
    decision.get_by_label("No hire").check()
    decision.get_by_label("Rationale").fill(rationale)
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(decision).to_contain_text("No hire")
    expect(decision).to_contain_text(rationale)
    expect(decision.get_by_role("button", name="Record decision")).to_have_count(0)
    assert Decision.objects.get(loop=loop).outcome == "no_hire"

    page.get_by_role("link", name="printable summary").click()
    expect(page).to_have_url(re.compile(rf"/loops/{loop.pk}/summary/$"))
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("heading", name=loop.candidate.name)).to_be_visible()
    expect(page.get_by_text(rationale)).to_be_visible()
    expect(page.locator("section[aria-labelledby=s-decision]")).to_contain_text("No hire")
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
