"""The debrief page (/loops/<id>/debrief/): who sees it, what it shows, and recording the decision."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from factory.declarations import Sequence

from hiring.models import Decision, Loop, ObservedSignal, Rating, Scorecard
from hiring.services.scorecards import (
    RatingInput,
    ScorecardInput,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from roles.models import Dimension, Signal
from tests import factories
from tests.factories import RubricVersionFactory, SignalFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "Sketched the queue and named the retry limits."
RED_FLAG_NOTE = "Blamed the on-call engineer for the outage."
RATIONALE = "Strong systems thinking; the red flag was discussed and explained."


# Helpers ---------------------------------------------------------------------------------------------------


class InterviewFactory(factories.InterviewFactory):
    """An interview that already took place."""

    scheduled_at = Sequence(lambda n: timezone.now() - dt.timedelta(days=1) + dt.timedelta(minutes=n))


def _interviewer(**kwargs):
    return factories.InterviewerFactory(**kwargs)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(loop: Loop) -> str:
    return reverse("loop_debrief", args=[loop.pk])


def _dimensions(loop: Loop) -> list[Dimension]:
    return list(loop.rubric.dimensions.order_by("position"))


def _signal(loop: Loop, kind: str) -> Signal:
    return loop.rubric.signals.get(kind=kind)


def _submitted(loop: Loop, scores, *, evidence: str = EVIDENCE, signals=None, recommendation="yes", **kwargs):
    """A submitted scorecard written straight to the database: scores by dimension position (None: no rating)."""
    scorecard = InterviewFactory(loop=loop, **kwargs).scorecard
    for dimension, score in zip(_dimensions(loop), scores, strict=False):
        if score is not None:
            Rating.objects.create(scorecard=scorecard, dimension=dimension, score=score, evidence=evidence)
    for signal, note in (signals or {}).items():
        ObservedSignal.objects.create(scorecard=scorecard, signal=signal, note=note)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.recommendation = recommendation
    scorecard.save()
    return scorecard


def _complete(loop: Loop, *, score: int = 3, evidence: str = EVIDENCE, **kwargs) -> ScorecardInput:
    """A submittable input for the service: every dimension scored with evidence, and a recommendation."""
    ratings = {d.pk: RatingInput(score=score, evidence=evidence) for d in _dimensions(loop)}
    kwargs.setdefault("recommendation", "yes")
    return ScorecardInput(ratings=ratings, **kwargs)


def _section(html: str, start_marker: str, end_marker: str) -> str:
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


def _evidence_card(html: str, anchor: str) -> str:
    """The evidence card with the given id: up to the next card or the end of the evidence section."""
    start = html.index(f'id="{anchor}"')
    ends = [i for i in (html.find('class="evidence card', start), html.find("</section>", start)) if i != -1]
    return html[start : min(ends)]


@pytest.fixture
def panel():
    """A 1–5 loop: Ann has submitted (a red flag with a note), Ben's scorecard is still a draft."""
    loop = factories.LoopFactory()
    ann = _interviewer(username="ann", first_name="Ann", last_name="Archer")
    ben = _interviewer(username="ben", first_name="Ben", last_name="Baker")
    submitted = _submitted(
        loop, [4, 2, 3], interviewer=ann, signals={_signal(loop, "red_flag"): RED_FLAG_NOTE}, recommendation="no"
    )
    pending = InterviewFactory(loop=loop, interviewer=ben).scorecard
    return SimpleNamespace(loop=loop, ann=ann, ben=ben, submitted=submitted, pending=pending)


def _decide(panel, outcome: str = "hire", rationale: str = RATIONALE):
    return _client(panel.loop.hiring_manager).post(_url(panel.loop), {"outcome": outcome, "rationale": rationale})


# Who may see the page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hiring_manager", "recruiter", "staff"])
def test_the_loops_hiring_manager_recruiter_and_staff_see_the_debrief(panel, staff, who):
    user = staff if who == "staff" else getattr(panel.loop, who)

    response = _client(user).get(_url(panel.loop))

    assert response.status_code == 200
    assert EVIDENCE in response.content.decode()


def test_an_interviewer_on_the_loop_who_has_not_submitted_is_refused_and_sees_no_score(panel):
    response = _client(panel.ben).get(_url(panel.loop))

    html = response.content.decode()
    assert response.status_code == 403
    assert EVIDENCE not in html
    assert RED_FLAG_NOTE not in html
    assert 'id="matrix-heading"' not in html
    assert "evidence-" not in html
    assert "Mean" not in html


def test_an_interviewer_sees_the_debrief_once_their_own_scorecard_is_submitted(panel):
    pending = panel.pending
    scorecard_submit(scorecard=pending, by=panel.ben, revision=pending.revision, data=_complete(panel.loop))

    response = _client(panel.ben).get(_url(panel.loop))

    assert response.status_code == 200
    assert EVIDENCE in response.content.decode()


def test_an_interviewer_not_on_the_loop_gets_not_found(panel):
    assert _client(_interviewer()).get(_url(panel.loop)).status_code == 404


def test_the_hiring_manager_or_recruiter_of_another_loop_gets_not_found(panel):
    other = factories.LoopFactory()

    assert _client(other.hiring_manager).get(_url(panel.loop)).status_code == 404
    assert _client(other.recruiter).get(_url(panel.loop)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(panel):
    response = Client().get(_url(panel.loop))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_url(panel.loop)}"


# What the page shows ---------------------------------------------------------------------------------------


def test_red_flags_come_before_the_matrix_each_with_its_text_and_note(panel):
    signal = _signal(panel.loop, "red_flag")
    other = SignalFactory(rubric=panel.loop.rubric, kind="red_flag", text="Dismissed the customer's complaint.")
    _submitted(
        panel.loop,
        [3, 3, 3],
        interviewer=_interviewer(first_name="Cleo", last_name="Cole"),
        signals={signal: "Blamed QA too.", other: "Called the customer clueless."},
    )

    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    assert html.index('id="red-flags-heading"') < html.index('id="matrix-heading"')
    red_flags = _section(html, 'id="red-flags-heading"', 'id="matrix-heading"')
    assert "Red flags (3)" in red_flags
    assert red_flags.count('class="alert alert-danger mb-2 red-flag"') == 3
    for text, note, who in (
        (signal.text, RED_FLAG_NOTE, "Ann Archer"),
        (signal.text, "Blamed QA too.", "Cleo Cole"),
        (escape(other.text), "Called the customer clueless.", "Cleo Cole"),
    ):
        flag = next(block for block in red_flags.split('class="alert alert-danger') if note in block)
        assert text in flag
        assert who in flag


def test_the_page_names_the_pending_interviewers(panel):
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    completeness = _section(html, 'id="completeness"', "</p>")
    assert "1 of 2" in completeness
    assert "pending: Ben Baker (" in completeness
    assert "Ann Archer" not in completeness


def test_each_matrix_cell_links_to_its_evidence(panel):
    first, second, _third = _dimensions(panel.loop)
    Rating.objects.filter(scorecard=panel.submitted, dimension=second).update(evidence="Missed the retry storm.")
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    for dimension, evidence in ((first, EVIDENCE), (second, "Missed the retry storm.")):
        anchor = f"evidence-{panel.submitted.pk}-{dimension.pk}"
        assert f'href="#{anchor}"' in _section(html, 'id="matrix-heading"', "</table>")
        card = _evidence_card(html, anchor)
        assert evidence in card
        assert dimension.name in card


def test_evidence_and_notes_are_escaped(panel):
    first = _dimensions(panel.loop)[0]
    payload = "<script>alert(1)</script>"
    Rating.objects.filter(scorecard=panel.submitted, dimension=first).update(evidence=f"Wrote {payload} on the board.")
    ObservedSignal.objects.filter(scorecard=panel.submitted).update(note=f"Typed {payload} in chat.")

    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    assert payload not in html
    assert "Wrote &lt;script&gt;alert(1)&lt;/script&gt; on the board." in html
    assert "Typed &lt;script&gt;alert(1)&lt;/script&gt; in chat." in html


def test_a_0_to_4_role_shows_its_mean_and_normalised_mean():
    rubric = RubricVersionFactory(scale_min=0, scale_max=4, dimensions=3, signals=True, locked_at=timezone.now())
    loop = factories.LoopFactory(rubric=rubric)
    _submitted(loop, [2])
    _submitted(loop, [4])

    html = _client(loop.hiring_manager).get(_url(loop)).content.decode()

    assert "scale 0–4" in html
    assert re.search(
        r'<th scope="row" class="sticky-start">Mean \(scale 0–4\)</th><td class="text-center">3\.00</td>', html
    )
    assert re.search(
        r'<th scope="row" class="sticky-start">Normalised mean \(0–1\)</th>'
        r'<td class="text-center normalised-mean">0\.75</td>',
        html,
    )
    assert re.search(
        r'<th scope="row" class="sticky-start">Range \(scale 0–4\)</th><td class="text-center">2–4</td>', html
    )


# Recording the decision ------------------------------------------------------------------------------------


def test_the_hiring_manager_records_the_decision(panel):
    response = _decide(panel, rationale=f"  {RATIONALE}  ")

    assert response.status_code == 302
    assert response["Location"] == _url(panel.loop) + "#decision"
    decision = Decision.objects.get(loop=panel.loop)
    assert (decision.by, decision.outcome, decision.rationale) == (panel.loop.hiring_manager, "hire", RATIONALE)
    assert Loop.objects.get(pk=panel.loop.pk).status == Loop.Status.DECIDED
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()
    decision_section = _section(html, 'id="decision"', "</section>")
    assert "<strong>Hire</strong>" in decision_section
    assert RATIONALE in decision_section
    assert f"recorded by {panel.loop.hiring_manager.username}" in decision_section
    assert 'value="decide"' not in html
    assert "Record decision" not in html
    assert "changed since decided" not in html


def test_a_blank_rationale_is_refused(panel):
    response = _decide(panel, rationale="   ")

    assert response.status_code == 400
    assert "Write the rationale: why this decision." in response.content.decode()
    assert not Decision.objects.exists()
    assert Loop.objects.get(pk=panel.loop.pk).status != Loop.Status.DECIDED


def test_an_empty_decision_names_each_missing_part_once_in_a_summary_that_links_to_it(panel):
    response = _client(panel.loop.hiring_manager).post(_url(panel.loop), {"action": "decide"})

    assert response.status_code == 400
    html = response.content.decode()
    summary = _section(html, 'id="error-summary"', "</div>")
    assert "2 problems to fix; nothing was saved" in summary
    assert 'href="#id_outcome"' in summary
    assert "Choose the decision: hire, no hire or hold." in summary
    assert 'href="#id_rationale"' in summary
    assert "Write the rationale: why this decision." in summary
    assert "This field is required." not in html
    assert not Decision.objects.exists()


def test_the_confirmation_of_a_recorded_decision_is_shown_in_the_decision_panel(panel):
    client = _client(panel.loop.hiring_manager)
    client.post(_url(panel.loop), {"outcome": "hire", "rationale": RATIONALE})

    html = client.get(_url(panel.loop)).content.decode()

    assert "Decision recorded." in _section(html, 'id="decision"', "</section>")
    assert html.count("Decision recorded.") == 1


def test_an_unknown_outcome_is_refused(panel):
    response = _decide(panel, outcome="maybe")

    assert response.status_code == 400
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["recruiter", "interviewer"])
def test_only_the_hiring_manager_records_the_decision(panel, who):
    user = panel.loop.recruiter if who == "recruiter" else panel.ann

    response = _client(user).post(_url(panel.loop), {"outcome": "hire", "rationale": RATIONALE})

    assert response.status_code == 403
    assert not Decision.objects.exists()
    assert Loop.objects.get(pk=panel.loop.pk).status != Loop.Status.DECIDED


@pytest.mark.parametrize("who", ["recruiter", "interviewer"])
def test_the_decision_form_is_only_offered_to_the_hiring_manager(panel, who):
    user = panel.loop.recruiter if who == "recruiter" else panel.ann

    html = _client(user).get(_url(panel.loop)).content.decode()

    assert 'name="rationale"' not in html
    assert "Not decided yet" in html


def test_a_second_decision_is_refused_and_the_first_kept(panel):
    _decide(panel, outcome="hire")
    first = Decision.objects.get(loop=panel.loop)

    response = _decide(panel, outcome="no_hire", rationale="Changed my mind.")

    assert response.status_code == 409
    assert "already has a decision" in response.content.decode()
    assert Decision.objects.count() == 1
    kept = Decision.objects.get(loop=panel.loop)
    assert (kept.pk, kept.outcome, kept.rationale, kept.by, kept.at) == (
        first.pk,
        "hire",
        RATIONALE,
        first.by,
        first.at,
    )


# The lock after the decision -------------------------------------------------------------------------------


def test_after_the_decision_a_pending_draft_can_no_longer_be_saved_or_submitted(panel):
    _decide(panel)
    draft = Scorecard.objects.get(pk=panel.pending.pk)

    with pytest.raises(ValidationError, match="decided"):
        scorecard_save_draft(scorecard=draft, by=panel.ben, revision=draft.revision, data=_complete(panel.loop))
    with pytest.raises(ValidationError, match="decided"):
        scorecard_submit(scorecard=draft, by=panel.ben, revision=draft.revision, data=_complete(panel.loop))

    draft.refresh_from_db()
    assert (draft.status, draft.revision, draft.ratings.count()) == ("draft", 1, 0)


def test_an_amendment_after_the_decision_is_flagged_on_the_debrief(panel):
    _decide(panel)
    scorecard = Scorecard.objects.get(pk=panel.submitted.pk)
    data = ScorecardInput(
        ratings={d.pk: RatingInput(score=3, evidence=EVIDENCE) for d in _dimensions(panel.loop)},
        signals={_signal(panel.loop, "red_flag").pk: RED_FLAG_NOTE},
        recommendation="yes",
    )

    amendment = scorecard_amend(
        scorecard=scorecard, by=panel.ann, revision=scorecard.revision, data=data, reason="Re-read my notes."
    )

    assert amendment.after_decision is True
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()
    matrix = _section(html, 'id="matrix-heading"', "</table>")
    assert "changed since the decision" in matrix
    late = _section(html, 'id="changes-since-decision"', 'id="revisit"')
    assert "Re-read my notes." in late
    assert "Ann Archer" in late


def test_an_amendment_before_the_decision_is_not_flagged_as_after_it(panel):
    scorecard = panel.submitted
    data = ScorecardInput(
        ratings={d.pk: RatingInput(score=3, evidence=EVIDENCE) for d in _dimensions(panel.loop)},
        signals={_signal(panel.loop, "red_flag").pk: RED_FLAG_NOTE},
        recommendation="yes",
    )
    amendment = scorecard_amend(
        scorecard=scorecard, by=panel.ann, revision=scorecard.revision, data=data, reason="Re-read my notes."
    )
    _decide(panel)

    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    assert amendment.after_decision is False
    assert ">amended</span>" in _section(html, 'id="matrix-heading"', "</table>")
    assert "after the decision" not in html


def test_how_each_figure_is_computed_is_one_click_from_the_figures(panel):
    """A closed section beside the decision rule explains the readings and the rule in words (the default here)."""
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()

    section = html[
        html.index('<details class="small mb-3" id="how-computed">') : html.index(
            "</details>", html.index('id="how-computed"')
        )
    ]
    assert "How these figures are computed" in section
    assert "scale (1–5)" in section
    assert "<strong>Split</strong> when the spread is half the scale or more" in section
    assert (
        "the default one (this rubric version sets none): hire when the loop's normalised mean is at least "
        "0.65, no red flag is observed; no hire when any of these is not met." in section
    )
    assert 'href="#how-computed"' in html
    assert html.count("<strong>Split</strong> when the spread") == 1  # one home for the readings' words


def _agenda_items(html: str) -> list[str]:
    start = html.index('id="agenda"')
    section = html[start : html.index("</section>", start)]
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    ]


def test_the_agenda_puts_red_flags_then_the_widest_disagreements_then_the_rest_and_asks_for_missing_cards(panel):
    """Ann: 4, 2, 3 and a red flag; Cara: 4, 5, 2; Ben's card is a draft. Spreads on 1–5: 0, 3/4, 1/4."""
    cara = _interviewer(username="cara", first_name="Cara", last_name="Cole")
    _submitted(panel.loop, [4, 5, 2], interviewer=cara)
    first, second, third = (d.name for d in _dimensions(panel.loop))
    red_flag = _signal(panel.loop, "red_flag").text

    for url in (_url(panel.loop), reverse("loop_summary", args=[panel.loop.pk])):
        html = _client(panel.loop.hiring_manager).get(url).content.decode()
        items = _agenda_items(html)
        assert items[0].startswith("Red flag")
        assert red_flag in items[0]
        assert "Ann Archer" in items[0]
        assert [item.split(":")[0] for item in items[1:]] == [second, third, first]
        assert "scores from 2 to 5, the panel disagrees" in items[1]
        assert "scores from 2 to 3" in items[2]
        assert items[3] == f"{first}: every score 4"
        assert "1 scorecard is not in yet" in html


def test_the_agenda_stops_asking_for_scorecards_once_every_one_is_in(panel):
    Scorecard.objects.filter(pk=panel.pending.pk).update(
        status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now(), recommendation="yes"
    )
    html = _client(panel.loop.hiring_manager).get(_url(panel.loop)).content.decode()
    assert 'id="written-first"' not in html
    assert _agenda_items(html)[0].startswith("Red flag")
