"""Races on PostgreSQL: two writers at the same instant, each on its own connection; nothing is lost or doubled.

The services lock the row (select_for_update) and compare revisions, so the second writer waits for the
first to commit and then finds the revision moved on: it gets a conflict that carries the current state,
and none of its text is written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from hiring.models import Amendment, AuditEvent, Decision, DecisionBasis, Loop, Rating, Scorecard
from hiring.selectors.decisions import decision_state
from hiring.services import scorecards as scorecard_services
from hiring.services.decisions import DecisionConflict, loop_decide
from hiring.services.scorecards import (
    ScorecardConflict,
    _validate,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from tests.factories import InterviewFactory, UserFactory
from tests.security.scenario import full_input, submit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (select_for_update)"),
    pytest.mark.django_db(transaction=True),
]


def race(*writers: Callable[[], object]) -> list[tuple[str, object]]:
    """Run the writers at once, each in its own thread and database connection; ("ok", value) or ("error", exc)."""
    barrier = threading.Barrier(len(writers))
    results: list[tuple[str, object]] = [("error", RuntimeError("did not run"))] * len(writers)

    def run(index: int, writer: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", writer())
        except Exception as error:  # the loser's exception is the point of the test
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a writer is stuck (deadlock?)"
    return results


def fresh(scorecard: Scorecard) -> Scorecard:
    """A separate instance per thread, as two requests would each load their own."""
    return Scorecard.objects.select_related("interview__loop__rubric", "interview__interviewer").get(pk=scorecard.pk)


def split(results):
    wins = [value for kind, value in results if kind == "ok"]
    losses = [value for kind, value in results if kind == "error"]
    return wins, losses


def long_text(tag: str) -> str:
    return f"{tag} " + "word " * 3000 + f"end of {tag}"


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_submits_one_wins_the_other_conflicts(round_: int) -> None:
    interview = InterviewFactory()
    scorecard = interview.scorecard
    rubric = interview.loop.rubric
    texts = {"A": long_text("Tab A"), "B": long_text("Tab B")}

    def writer(tag: str):
        def write():
            card = fresh(scorecard)
            return scorecard_submit(
                scorecard=card, by=interview.interviewer, revision=1, data=full_input(rubric, texts[tag])
            )

        return write

    wins, losses = split(race(writer("A"), writer("B")))

    assert len(wins) == 1, losses
    assert len(losses) == 1
    loss = losses[0]
    assert isinstance(loss, ScorecardConflict | ValidationError), repr(loss)
    stored = Scorecard.objects.get(pk=scorecard.pk)
    assert stored.status == Scorecard.Status.SUBMITTED
    assert stored.revision == 2
    winner = wins[0].key_takeaways
    assert winner in texts.values()
    assert stored.key_takeaways == winner
    evidence = list(Rating.objects.filter(scorecard=scorecard).values_list("evidence", flat=True))
    assert evidence == [winner] * rubric.dimensions.count(), "the scorecard holds exactly the winner's text"
    if isinstance(loss, ScorecardConflict):
        assert loss.scorecard.revision == 2
        assert loss.scorecard.is_submitted
        assert loss.scorecard.key_takeaways == winner
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMIT).count() == 1


def test_two_simultaneous_draft_saves_keep_one_whole_text_and_report_the_other() -> None:
    interview = InterviewFactory()
    scorecard = interview.scorecard
    rubric = interview.loop.rubric
    texts = {"A": long_text("Window A"), "B": long_text("Window B")}

    def writer(tag: str):
        def write():
            return scorecard_save_draft(
                scorecard=fresh(scorecard), by=interview.interviewer, revision=1, data=full_input(rubric, texts[tag])
            )

        return write

    wins, losses = split(race(writer("A"), writer("B")))

    assert len(wins) == 1
    assert len(losses) == 1
    assert isinstance(losses[0], ScorecardConflict), repr(losses[0])
    stored = Scorecard.objects.get(pk=scorecard.pk)
    assert stored.revision == 2
    assert stored.status == Scorecard.Status.DRAFT
    assert set(Rating.objects.filter(scorecard=scorecard).values_list("evidence", flat=True)) == {wins[0].key_takeaways}
    assert losses[0].scorecard.revision == 2
    assert losses[0].scorecard.key_takeaways == wins[0].key_takeaways


def test_two_simultaneous_amendments_make_one_amendment() -> None:
    interview = InterviewFactory()
    rubric = interview.loop.rubric
    scorecard = submit(interview.scorecard, "Evidence as first submitted")
    revision = scorecard.revision
    texts = {"A": long_text("Amendment A"), "B": long_text("Amendment B")}

    def writer(tag: str):
        def write():
            return scorecard_amend(
                scorecard=fresh(scorecard),
                by=interview.interviewer,
                revision=revision,
                data=full_input(rubric, texts[tag]),
                reason=f"Correction {tag}",
            )

        return write

    wins, losses = split(race(writer("A"), writer("B")))

    assert len(wins) == 1, losses
    assert len(losses) == 1
    assert isinstance(losses[0], ScorecardConflict), repr(losses[0])
    amendment = Amendment.objects.get(scorecard=scorecard)
    assert amendment.pk == wins[0].pk
    tag = amendment.reason.removeprefix("Correction ")
    stored = Scorecard.objects.get(pk=scorecard.pk)
    assert stored.revision == revision + 1
    assert stored.key_takeaways == texts[tag]
    assert set(Rating.objects.filter(scorecard=scorecard).values_list("evidence", flat=True)) == {texts[tag]}
    assert losses[0].scorecard.revision == revision + 1
    assert losses[0].scorecard.key_takeaways == texts[tag]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AMEND).count() == 1


def test_two_simultaneous_decisions_make_one_decision() -> None:
    interview = InterviewFactory()
    submit(interview.scorecard, "Solid evidence")
    loop = interview.loop
    staff = UserFactory(is_staff=True)
    deciders = {"hire": loop.hiring_manager, "no_hire": staff}

    def writer(outcome: str):
        def write():
            return loop_decide(
                loop=Loop.objects.get(pk=loop.pk),
                by=deciders[outcome],
                outcome=outcome,
                rationale=long_text(f"Rationale for {outcome}"),
                override_reason="One of the two goes against the rule: this is why.",  # kept only if it does
            )

        return write

    wins, losses = split(race(writer("hire"), writer("no_hire")))

    assert len(wins) == 1, losses
    assert len(losses) == 1
    assert isinstance(losses[0], DecisionConflict), repr(losses[0])
    decision = Decision.objects.get(loop=loop)
    assert decision.pk == wins[0].pk
    assert decision.rationale == long_text(f"Rationale for {decision.outcome}").strip()
    assert decision.by == deciders[decision.outcome]
    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.DECIDED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DECIDE).count() == 1


def test_a_submit_racing_the_decision_leaves_the_loop_decided(monkeypatch) -> None:
    """The last scorecard is submitted while the hiring manager records the decision.

    Orchestrated so the decision is attempted after the submit has read the loop and before it writes. The
    submit's select_for_update joins the loop (FOR UPDATE without OF locks every joined row), so the
    decision waits for the submit to commit; the pause below times out, and the loop ends decided. Were the
    loop read without a lock, the submit's status refresh would turn "decided" back into "complete".
    """
    first = InterviewFactory()
    submit(first.scorecard, "Submitted before the decision")
    second = InterviewFactory(loop=first.loop)
    loop = first.loop
    submit_has_read, decision_done = threading.Event(), threading.Event()
    validate = _validate

    def paused_validate(scorecard, data, *, final):
        submit_has_read.set()
        decision_done.wait(timeout=1)
        return validate(scorecard, data, final=final)

    monkeypatch.setattr(scorecard_services, "_validate", paused_validate)

    def submit_last():
        return scorecard_submit(
            scorecard=fresh(second.scorecard),
            by=second.interviewer,
            revision=1,
            data=full_input(loop.rubric, "Submitted as the decision is made"),
        )

    def decide():
        submit_has_read.wait(timeout=10)
        try:
            return loop_decide(
                loop=Loop.objects.get(pk=loop.pk), by=loop.hiring_manager, outcome="hold", rationale="Waiting"
            )
        finally:
            decision_done.set()

    results = race(submit_last, decide)

    assert results[1][0] == "ok", results
    assert Decision.objects.filter(loop=loop).count() == 1
    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.DECIDED, "the decided loop was reopened"
    if results[0][0] == "ok":
        submitted_at = Scorecard.objects.get(pk=second.scorecard.pk).submitted_at
        assert submitted_at is not None
        assert submitted_at <= Decision.objects.get(loop=loop).at
    else:
        assert isinstance(results[0][1], ValidationError), repr(results[0][1])


@pytest.mark.parametrize("round_", range(3))
def test_an_amendment_racing_the_decision_is_either_in_its_basis_or_a_change_since(round_: int) -> None:
    interview = InterviewFactory()
    rubric = interview.loop.rubric
    scorecard = submit(interview.scorecard, "Evidence as first submitted")
    loop = interview.loop

    def amend():
        return scorecard_amend(
            scorecard=fresh(scorecard),
            by=interview.interviewer,
            revision=scorecard.revision,
            data=full_input(rubric, long_text("Amended")),
            reason="Re-read my notes.",
        )

    def decide():
        # Whether the rule says hire depends on which write lands first: the reason covers either order.
        return loop_decide(
            loop=Loop.objects.get(pk=loop.pk),
            by=loop.hiring_manager,
            outcome="hire",
            rationale="Yes.",
            override_reason="The evidence outweighs the rule here.",
        )

    wins, losses = split(race(amend, decide))

    assert len(wins) == 2, losses
    decision = Decision.objects.get(loop=loop)
    [basis] = DecisionBasis.objects.filter(decision=decision)
    current = Scorecard.objects.get(pk=scorecard.pk).revision
    changes = decision_state(loop=Loop.objects.get(pk=loop.pk)).changes  # as decided, not as the test began
    if basis.revision == current:  # the amendment committed first: the decision rests on it
        assert changes == []
    else:  # the decision came first: the amendment is exactly the change since
        assert [a.revision for a in changes] == [current]
        assert basis.revision == current - 1
