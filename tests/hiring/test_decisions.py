"""Decisions that know what they rested on: the basis, changes since decided, the email, confirm or re-decide."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring import signals
from hiring.models import Decision, DecisionBasis, Loop, Rating, Scorecard
from hiring.services.decisions import DecisionConflict, loop_decide, loop_decision_revisit
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_amend
from tests import factories

pytestmark = pytest.mark.django_db

EVIDENCE = "Walked through the retry design with numbers."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submitted(loop: Loop, interviewer, scores: list[int]) -> Scorecard:
    scorecard = factories.InterviewFactory(loop=loop, interviewer=interviewer).scorecard
    for dimension, score in zip(loop.rubric.dimensions.order_by("position"), scores, strict=False):
        Rating.objects.create(scorecard=scorecard, dimension=dimension, score=score, evidence=EVIDENCE)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.recommendation = "yes"
    scorecard.key_takeaways = f"{interviewer.first_name}: solid."
    scorecard.save()
    return scorecard


def _input(loop: Loop, scores: list[int]) -> ScorecardInput:
    dimensions = loop.rubric.dimensions.order_by("position")
    return ScorecardInput(
        ratings={d.pk: RatingInput(score=s, evidence=EVIDENCE) for d, s in zip(dimensions, scores, strict=False)},
        recommendation="yes",
    )


@pytest.fixture
def decided():
    """A 1–5 loop with Ann's and Ben's submitted scorecards, decided "no hire" by its hiring manager."""
    loop = factories.LoopFactory()
    ann = factories.InterviewerFactory(username="ann", first_name="Ann", last_name="Archer")
    ben = factories.InterviewerFactory(username="ben", first_name="Ben", last_name="Baker")
    first = _submitted(loop, ann, [2, 3, 3])
    second = _submitted(loop, ben, [3, 3, 4])
    decision = loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Below the bar.")
    return SimpleNamespace(loop=loop, ann=ann, ben=ben, first=first, second=second, decision=decision)


def _amend(decided, scores=(3, 3, 3), reason="Re-read my notes: the design was better than I wrote."):
    card = Scorecard.objects.get(pk=decided.first.pk)
    return scorecard_amend(
        scorecard=card, by=decided.ann, revision=card.revision, data=_input(decided.loop, list(scores)), reason=reason
    )


def _debrief(loop: Loop, user=None) -> str:
    return _client(user or loop.hiring_manager).get(reverse("loop_debrief", args=[loop.pk])).content.decode()


# The basis ------------------------------------------------------------------------------------------------


def test_a_decision_records_the_scorecard_revisions_it_was_made_on(decided):
    basis = set(DecisionBasis.objects.filter(decision=decided.decision).values_list("scorecard_id", "revision"))
    assert basis == {(decided.first.pk, decided.first.revision), (decided.second.pk, decided.second.revision)}
    assert Loop.objects.get(pk=decided.loop.pk).decision == decided.decision
    assert "changed since decided" not in _debrief(decided.loop)


def test_a_decision_needs_a_submitted_scorecard_or_an_explicit_reason():
    loop = factories.LoopFactory()
    factories.InterviewFactory(loop=loop)  # a draft only
    with pytest.raises(ValidationError, match="No scorecard is submitted yet"):
        loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Withdrew.")
    assert not Decision.objects.filter(loop=loop).exists()
    assert Loop.objects.get(pk=loop.pk).status != Loop.Status.DECIDED

    decision = loop_decide(
        loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Candidate withdrew.", without_scorecards=True
    )
    assert decision.without_scorecards
    assert "decided without interviews" in _debrief(loop)


def test_the_decision_form_without_scorecards_says_why_it_is_refused():
    loop = factories.LoopFactory()
    response = _client(loop.hiring_manager).post(
        reverse("loop_debrief", args=[loop.pk]), {"action": "decide", "outcome": "hold", "rationale": "Waiting."}
    )
    assert response.status_code == 400
    assert "Decide without interviews" in response.content.decode()
    assert not Decision.objects.filter(loop=loop).exists()


# An amendment after the decision ----------------------------------------------------------------------------


def test_an_amendment_after_the_decision_marks_it_changed_and_shows_what_changed(decided):
    amendment = _amend(decided)

    html = _debrief(decided.loop)
    assert 'id="changed-badge"' in html
    changes = html[html.index('id="changes-since-decision"') : html.index('id="revisit"')]
    assert "Ann Archer" in changes
    assert "Re-read my notes: the design was better than I wrote." in changes
    first_dimension = decided.loop.rubric.dimensions.order_by("position").first()
    assert f"{first_dimension.name}: score" in changes
    assert "<td>2</td><td>3</td>" in changes  # before, after
    assert amendment.revision == Scorecard.objects.get(pk=decided.first.pk).revision


def test_the_hiring_manager_is_emailed_once_the_amendment_is_committed(decided, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _amend(decided)

    [email] = mail.outbox
    assert email.to == [decided.loop.hiring_manager.email]
    assert decided.loop.candidate.name in email.subject
    assert "Re-read my notes" in email.body
    assert ": 2 → 3" in email.body
    assert reverse("loop_debrief", args=[decided.loop.pk]) in email.body


def test_an_amendment_before_any_decision_emails_nobody(django_capture_on_commit_callbacks):
    loop = factories.LoopFactory()
    ann = factories.InterviewerFactory()
    card = _submitted(loop, ann, [2, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        scorecard_amend(scorecard=card, by=ann, revision=card.revision, data=_input(loop, [3, 3, 3]), reason="Typo.")
    assert mail.outbox == []


def test_the_hiring_managers_home_lists_decisions_changed_since_decided(decided):
    home = _client(decided.loop.hiring_manager).get(reverse("home")).content.decode()
    assert 'id="changed-decisions"' not in home
    _amend(decided)
    home = _client(decided.loop.hiring_manager).get(reverse("home")).content.decode()
    section = home[home.index('id="changed-decisions"') :]
    assert decided.loop.candidate.name in section
    assert reverse("loop_debrief", args=[decided.loop.pk]) in section
    assert 'id="changed-decisions"' not in _client(decided.ann).get(reverse("home")).content.decode()


def test_the_pipeline_and_the_exports_mark_a_changed_decision(decided):
    other = factories.LoopFactory(hiring_manager=decided.loop.hiring_manager)
    _submitted(other, decided.ben, [4, 4, 4])
    loop_decide(loop=other, by=other.hiring_manager, outcome="hire", rationale="Strong.")
    _amend(decided)
    client = _client(decided.loop.hiring_manager)

    page = client.get(reverse("loop_pipeline")).content.decode()
    assert page.count('text-bg-warning">changed since decided') == 1
    filtered = client.get(reverse("loop_pipeline"), {"changed": "on"}).content.decode()
    assert decided.loop.candidate.name in filtered
    assert other.candidate.name not in filtered

    export = client.get(reverse("loop_export"), {"kind": "summary", "format": "csv"})
    assert isinstance(export, StreamingHttpResponse)
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    changed = {int(r["loop_id"]): r["decision_changed_since_decided"] for r in rows}
    assert changed == {decided.loop.pk: "yes", other.pk: "no"}
    document = client.get(reverse("loop_export"), {"kind": "summary", "format": "json"})
    assert isinstance(document, StreamingHttpResponse)
    loops = {d["loop"]: d for d in json.loads(document.getvalue())["loops"]}
    assert loops[decided.loop.pk]["decision_changed_since_decided"] is True
    assert loops[other.pk]["decision_changed_since_decided"] is False


def test_the_summary_shows_the_change_and_the_key_takeaways(decided):
    _amend(decided)
    html = _client(decided.loop.hiring_manager).get(reverse("loop_summary", args=[decided.loop.pk])).content.decode()
    assert 'id="changed-badge"' in html
    assert "Changed since the decision: Ann Archer" in html
    assert "Ann: solid." in html
    assert "Ben: solid." in html


# Confirm or decide again ----------------------------------------------------------------------------------


def _revisit(decided, outcome: str, rationale: str = "The amendment does not move the picture.", reason: str = ""):
    return _client(decided.loop.hiring_manager).post(
        reverse("loop_debrief", args=[decided.loop.pk]),
        {
            "action": "revisit",
            "supersedes": decided.decision.pk,
            "outcome": outcome,
            "rationale": rationale,
            "override_reason": reason,
        },
    )


def test_the_hiring_manager_confirms_the_decision_on_the_amended_scorecards(decided):
    _amend(decided)

    response = _revisit(decided, "no_hire")

    assert response.status_code == 302
    history = list(Decision.objects.filter(loop=decided.loop).order_by("pk"))
    assert [(d.kind, d.outcome) for d in history] == [("decided", "no_hire"), ("confirmed", "no_hire")]
    assert history[0].rationale == "Below the bar."  # the first decision is kept as it was
    loop = Loop.objects.get(pk=decided.loop.pk)
    assert loop.decision == history[1]
    basis = dict(DecisionBasis.objects.filter(decision=history[1]).values_list("scorecard_id", "revision"))
    assert basis[decided.first.pk] == Scorecard.objects.get(pk=decided.first.pk).revision
    html = _debrief(decided.loop)
    assert 'id="changed-badge"' not in html
    assert "confirmed after changes" in html
    assert "Decision history (2 entries)" in html


def test_the_hiring_manager_records_a_new_decision_and_the_signal_is_sent(decided):
    _amend(decided)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.decision_changed.connect(receiver)
    try:
        # after the amendment the means are 3, 3 and 3.5 of 1–5: normalised (0.5 + 0.5 + 0.625) / 3 = 0.54 < 0.65,
        # so the rule says no hire and hiring overrides it
        response = _revisit(
            decided, "hire", "With the corrected design score the panel is at the bar.", reason="Design is what counts."
        )
    finally:
        signals.decision_changed.disconnect(receiver)

    assert response.status_code == 302
    loop = Loop.objects.get(pk=decided.loop.pk)
    assert loop.decision is not None
    assert (loop.decision.kind, loop.decision.outcome) == ("revised", "hire")
    assert (loop.decision.rule_outcome, loop.decision.overridden) == ("no_hire", True)
    assert loop.decision.override_reason == "Design is what counts."
    assert [r["decision"] for r in received] == [loop.decision]
    assert received[0]["supersedes"] == decided.decision
    assert Decision.objects.filter(loop=loop).count() == 2


def test_confirming_when_nothing_changed_is_refused(decided):
    with pytest.raises(ValidationError, match="nothing to confirm"):
        loop_decision_revisit(
            loop=decided.loop, by=decided.loop.hiring_manager, supersedes=decided.decision, outcome="no_hire",
            rationale="Still no.",
        )  # fmt: skip
    assert Decision.objects.filter(loop=decided.loop).count() == 1


def test_revisiting_a_decision_someone_already_revisited_is_a_conflict(decided):
    _amend(decided)
    loop_decision_revisit(
        loop=decided.loop, by=decided.loop.hiring_manager, supersedes=decided.decision, outcome="no_hire",
        rationale="Still no.",
    )  # fmt: skip

    response = _revisit(decided, "hire")

    assert response.status_code == 409
    assert Decision.objects.filter(loop=decided.loop).count() == 2
    current = Loop.objects.get(pk=decided.loop.pk).decision
    assert current is not None
    assert current.outcome == "no_hire"
    with pytest.raises(DecisionConflict):
        loop_decision_revisit(
            loop=decided.loop, by=decided.loop.hiring_manager, supersedes=decided.decision, outcome="hire",
            rationale="Hire.",
        )  # fmt: skip


def test_only_the_hiring_manager_revisits_the_decision(decided):
    _amend(decided)
    with pytest.raises(PermissionDenied):
        loop_decision_revisit(
            loop=decided.loop, by=decided.ann, supersedes=decided.decision, outcome="hire", rationale="I say hire."
        )
    response = _client(decided.ann).post(
        reverse("loop_debrief", args=[decided.loop.pk]),
        {"action": "revisit", "supersedes": decided.decision.pk, "outcome": "hire", "rationale": "I say hire."},
    )
    assert response.status_code == 403
    assert Decision.objects.filter(loop=decided.loop).count() == 1


def test_a_revisit_without_a_rationale_or_for_another_loops_decision_changes_nothing(decided):
    _amend(decided)
    assert _revisit(decided, "hire", rationale="  ").status_code == 400
    stranger = factories.DecisionFactory()
    response = _client(decided.loop.hiring_manager).post(
        reverse("loop_debrief", args=[decided.loop.pk]),
        {"action": "revisit", "supersedes": stranger.pk, "outcome": "hire", "rationale": "Hire."},
    )
    assert response.status_code == 400
    assert "not one of this loop&#x27;s decisions" in response.content.decode()
    assert Decision.objects.filter(loop=decided.loop).count() == 1


# The page says what really happens ---------------------------------------------------------------------------


def test_the_debrief_never_calls_an_amendable_loop_locked(decided):
    html = _debrief(decided.loop)
    assert "locked" not in html.lower()
    response = _client(decided.loop.hiring_manager).post(
        reverse("loop_debrief", args=[decided.loop.pk]), {"action": "decide", "outcome": "hire", "rationale": "x"}
    )
    assert response.status_code == 409


def test_the_record_decision_button_is_at_the_top_and_the_panel_summary_has_takeaways():
    loop = factories.LoopFactory()
    ann = factories.InterviewerFactory(first_name="Ann")
    _submitted(loop, ann, [2, 3, 3])
    html = _debrief(loop)
    assert html.index('id="record-decision-link"') < html.index('id="panel"') < html.index('id="red-flags"')
    panel = html[html.index('id="panel"') : html.index('id="red-flags"')]
    assert "Ann: solid." in panel
    assert "<strong>Yes</strong>" in panel
    matrix = html[html.index('id="matrix-heading"') :]
    assert '<th scope="col" class="sticky-end">Recommendation</th>' in matrix


def test_a_loop_with_no_interviews_says_so():
    loop = factories.LoopFactory()
    assert "No interviews planned." in _debrief(loop)
    assert "0 of 0" not in _debrief(loop)
    home = _client(loop.hiring_manager).get(reverse("home")).content.decode()
    assert "No interviews planned" in home
    assert "0 of 0" not in home
