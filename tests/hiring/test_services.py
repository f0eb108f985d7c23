"""Writes for loops and scorecards (hiring.services): the rules a scorecard and a plan must follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hiring.models import (
    MAX_TEXT,
    Amendment,
    Candidate,
    DimensionSpread,
    Interview,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
)
from hiring.selectors.loops import plan_default_start, plan_proposal, uncovered_dimensions
from hiring.services.decisions import loop_decide
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.services.refusals import InputRefused, Problem
from hiring.services.scorecards import (
    RatingInput,
    ScorecardConflict,
    ScorecardInput,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from roles.models import Dimension, RubricVersion, Signal
from tests.factories import (
    DimensionFactory,
    ExerciseFactory,
    HiringManagerFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RecruiterFactory,
    RubricVersionFactory,
    SignalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _loop_0_to_4(**kwargs) -> Loop:
    rubric = RubricVersionFactory(scale_min=0, scale_max=4, dimensions=3, signals=True, locked_at=timezone.now())
    return LoopFactory(rubric=rubric, **kwargs)


def _dimensions(scorecard: Scorecard) -> list[Dimension]:
    return list(scorecard.interview.loop.rubric.dimensions.order_by("position"))


def _signal(scorecard: Scorecard, kind: str) -> Signal:
    return scorecard.interview.loop.rubric.signals.get(kind=kind)


def _complete(scorecard: Scorecard, *, score: int = 3, evidence: str = "Walked through a concrete example.", **kw):
    """A submittable input: every dimension scored `score` with evidence, and a recommendation."""
    ratings = {d.pk: RatingInput(score=score, evidence=evidence) for d in _dimensions(scorecard)}
    ratings.update(kw.pop("ratings", {}))
    kw.setdefault("recommendation", "yes")
    return ScorecardInput(ratings=ratings, **kw)


def _state(scorecard: Scorecard) -> dict:
    """Everything a refusal must leave alone: the scorecard's fields, its rows and the table counts."""
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    return {
        "fields": (fresh.status, fresh.revision, fresh.recommendation, fresh.key_takeaways, fresh.submitted_at),
        "ratings": sorted(fresh.ratings.values_list("dimension_id", "score", "not_assessed", "evidence")),
        "signals": sorted(fresh.observed_signals.values_list("signal_id", "note")),
        "counts": (Rating.objects.count(), ObservedSignal.objects.count(), Amendment.objects.count()),
        "loop": Loop.objects.get(pk=fresh.interview.loop_id).status,
    }


def _refused(call, scorecard: Scorecard, error: type[Exception] = ValidationError) -> Exception:
    before = _state(scorecard)
    with pytest.raises(error) as info:
        call()
    assert _state(scorecard) == before
    return info.value


def _places(error: Exception) -> list[tuple[str, int | None]]:
    """Where each of a refusal's problems lies, in order: ("score", dimension id), ("recommendation", None)..."""
    assert isinstance(error, InputRefused)
    return [(problem.place, problem.item) for problem in error.problems]


def _messages(error: Exception) -> str:
    assert isinstance(error, ValidationError)
    return " ".join(error.messages)


def _save(scorecard: Scorecard, data: ScorecardInput, *, by=None, revision: int | None = None) -> Scorecard:
    return scorecard_save_draft(
        scorecard=scorecard,
        by=by or scorecard.interview.interviewer,
        revision=scorecard.revision if revision is None else revision,
        data=data,
    )


def _submit(scorecard: Scorecard, data: ScorecardInput | None = None, *, revision: int | None = None) -> Scorecard:
    scorecard.refresh_from_db()
    return scorecard_submit(
        scorecard=scorecard,
        by=scorecard.interview.interviewer,
        revision=scorecard.revision if revision is None else revision,
        data=data or _complete(scorecard),
    )


def _amend(scorecard: Scorecard, data: ScorecardInput, reason: str = "Fixed a typo.", *, by=None) -> Amendment:
    scorecard.refresh_from_db()
    return scorecard_amend(
        scorecard=scorecard,
        by=by or scorecard.interview.interviewer,
        revision=scorecard.revision,
        data=data,
        reason=reason,
    )


@pytest.fixture
def scorecard() -> Scorecard:
    """A draft scorecard on a 1–5 rubric with three dimensions, all in focus."""
    return InterviewFactory().scorecard


@pytest.fixture
def scorecard_0_to_4() -> Scorecard:
    return InterviewFactory(loop=_loop_0_to_4()).scorecard


# Saving drafts ----------------------------------------------------------------------------------------------------


def test_saving_a_draft_stores_ratings_signals_recommendation_and_bumps_the_revision(scorecard):
    first, second, _third = _dimensions(scorecard)
    strong, red_flag = _signal(scorecard, "strong"), _signal(scorecard, "red_flag")
    data = ScorecardInput(
        ratings={first.pk: RatingInput(score=4, evidence="Clear plan."), second.pk: RatingInput(score=2)},
        signals={strong.pk: "", red_flag.pk: "Blamed the team."},
        recommendation="no",
        key_takeaways="Solid framing, weak on trade-offs.",
    )

    saved = _save(scorecard, data)

    saved.refresh_from_db()
    assert (saved.status, saved.revision) == ("draft", 2)
    assert (saved.recommendation, saved.key_takeaways) == ("no", "Solid framing, weak on trade-offs.")
    assert sorted(saved.ratings.values_list("dimension_id", "score", "not_assessed", "evidence")) == [
        (first.pk, 4, False, "Clear plan."),
        (second.pk, 2, False, ""),
    ]
    assert dict(saved.observed_signals.values_list("signal_id", "note")) == {
        strong.pk: "",
        red_flag.pk: "Blamed the team.",
    }


def test_a_dimension_left_untouched_gets_no_rating_row(scorecard):
    first, second, third = _dimensions(scorecard)
    data = ScorecardInput(ratings={first.pk: RatingInput(evidence="Only notes so far."), second.pk: RatingInput()})

    _save(scorecard, data)

    assert list(Rating.objects.filter(scorecard=scorecard).values_list("dimension_id", "score", "evidence")) == [
        (first.pk, None, "Only notes so far.")
    ]
    assert not Rating.objects.filter(dimension__in=[second, third]).exists()


def test_not_assessed_is_stored_as_not_assessed_with_no_score(scorecard):
    first = _dimensions(scorecard)[0]

    _save(scorecard, ScorecardInput(ratings={first.pk: RatingInput(not_assessed=True)}))

    rating = Rating.objects.get(scorecard=scorecard)
    assert (rating.dimension_id, rating.not_assessed, rating.score) == (first.pk, True, None)


def test_saving_again_replaces_what_was_saved_before(scorecard):
    first, second, _ = _dimensions(scorecard)
    strong = _signal(scorecard, "strong")
    _save(scorecard, ScorecardInput(ratings={first.pk: RatingInput(score=2)}, signals={strong.pk: ""}))

    _save(scorecard, ScorecardInput(ratings={second.pk: RatingInput(score=4)}), revision=2)

    assert list(Rating.objects.filter(scorecard=scorecard).values_list("dimension_id", "score")) == [(second.pk, 4)]
    assert not ObservedSignal.objects.filter(scorecard=scorecard).exists()
    assert Scorecard.objects.get(pk=scorecard.pk).revision == 3


def test_saving_the_first_draft_moves_the_loop_to_in_progress(scorecard):
    _save(scorecard, ScorecardInput(key_takeaways="Started."))

    assert Loop.objects.get(pk=scorecard.interview.loop_id).status == Loop.Status.IN_PROGRESS


# Refusals when saving: nothing is written -------------------------------------------------------------------------


@pytest.mark.parametrize("score", [6, 0, -1, 100])
def test_a_score_outside_a_1_to_5_scale_is_refused_and_nothing_saved(scorecard, score):
    first = _dimensions(scorecard)[0]
    data = ScorecardInput(ratings={first.pk: RatingInput(score=score, evidence="x")}, key_takeaways="Kept?")

    error = _refused(lambda: _save(scorecard, data), scorecard)

    assert f"{score} is outside this role's scale (1–5)" in _messages(error)
    assert ("score", first.pk) in _places(error)


@pytest.mark.parametrize("score", [5, -1])
def test_a_score_outside_a_0_to_4_scale_is_refused_and_nothing_saved(scorecard_0_to_4, score):
    first = _dimensions(scorecard_0_to_4)[0]
    data = ScorecardInput(ratings={first.pk: RatingInput(score=score, evidence="x")})

    error = _refused(lambda: _save(scorecard_0_to_4, data), scorecard_0_to_4)

    assert f"{score} is outside this role's scale (0–4)" in _messages(error)


def test_0_is_a_valid_score_on_a_0_to_4_scale(scorecard_0_to_4):
    first = _dimensions(scorecard_0_to_4)[0]

    _save(scorecard_0_to_4, ScorecardInput(ratings={first.pk: RatingInput(score=0)}))

    assert Rating.objects.get(scorecard=scorecard_0_to_4).score == 0


def test_a_dimension_of_another_roles_rubric_is_refused_and_nothing_saved(scorecard):
    first = _dimensions(scorecard)[0]
    foreign = DimensionFactory()  # on a rubric of its own
    data = ScorecardInput(
        ratings={first.pk: RatingInput(score=3, evidence="Mine."), foreign.pk: RatingInput(score=3)},
        key_takeaways="Should not be kept.",
    )

    error = _refused(lambda: _save(scorecard, data), scorecard)

    assert f"Dimension {foreign.pk} is not part of this role's rubric" in _messages(error)


def test_a_signal_of_another_rubric_is_refused_and_nothing_saved(scorecard):
    foreign = SignalFactory()
    data = ScorecardInput(signals={_signal(scorecard, "strong").pk: "", foreign.pk: "Seen."})

    error = _refused(lambda: _save(scorecard, data), scorecard)

    assert f"Signal {foreign.pk} is not one of this role's signals" in _messages(error)


@pytest.mark.parametrize("recommendation", ["maybe", "YES", "strong yes"])
def test_an_unknown_recommendation_is_refused_and_nothing_saved(scorecard, recommendation):
    error = _refused(lambda: _save(scorecard, ScorecardInput(recommendation=recommendation)), scorecard)

    assert ("recommendation", None) in _places(error)


def test_a_score_together_with_not_assessed_is_refused(scorecard):
    first = _dimensions(scorecard)[0]
    data = ScorecardInput(ratings={first.pk: RatingInput(score=3, not_assessed=True)})

    error = _refused(lambda: _save(scorecard, data), scorecard)

    assert "not both" in _messages(error)


def test_evidence_longer_than_the_limit_is_refused(scorecard):
    first = _dimensions(scorecard)[0]
    data = ScorecardInput(ratings={first.pk: RatingInput(score=3, evidence="x" * (MAX_TEXT + 1))})

    _refused(lambda: _save(scorecard, data), scorecard)


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(InterviewerFactory, id="another-interviewer"),
        pytest.param(HiringManagerFactory, id="hiring-manager"),
        pytest.param(RecruiterFactory, id="recruiter"),
        pytest.param(lambda: UserFactory(is_staff=True, is_superuser=True), id="staff"),
    ],
)
def test_editing_a_scorecard_of_someone_elses_interview_is_refused(scorecard, who):
    intruder = who()
    data = _complete(scorecard)

    _refused(lambda: _save(scorecard, data, by=intruder), scorecard, PermissionDenied)
    _refused(
        lambda: scorecard_submit(scorecard=scorecard, by=intruder, revision=1, data=data),
        scorecard,
        PermissionDenied,
    )


def test_the_loops_hiring_manager_cannot_edit_its_scorecards(scorecard):
    loop = scorecard.interview.loop

    _refused(lambda: _save(scorecard, _complete(scorecard), by=loop.hiring_manager), scorecard, PermissionDenied)


def test_saving_a_draft_on_a_submitted_scorecard_is_refused(scorecard):
    submitted = _submit(scorecard)

    error = _refused(lambda: _save(submitted, _complete(submitted, score=4)), submitted)

    assert "submitted. To change it, amend it" in _messages(error)


def test_saving_a_draft_on_a_decided_loop_is_refused(scorecard):
    Loop.objects.filter(pk=scorecard.interview.loop_id).update(status=Loop.Status.DECIDED)

    error = _refused(lambda: _save(scorecard, ScorecardInput(key_takeaways="Too late.")), scorecard)

    assert "decided" in _messages(error)


# Submitting -------------------------------------------------------------------------------------------------------


def test_submitting_locks_the_scorecard(scorecard):
    before = timezone.now()

    submitted = _submit(scorecard)

    submitted.refresh_from_db()
    assert submitted.status == Scorecard.Status.SUBMITTED
    assert submitted.is_submitted
    assert submitted.submitted_at is not None
    assert before <= submitted.submitted_at <= timezone.now()
    assert submitted.revision == 2
    assert submitted.ratings.count() == 3


def test_submitting_moves_the_loop_to_in_progress_then_complete_when_all_are_submitted():
    loop = LoopFactory()
    first = InterviewFactory(loop=loop).scorecard
    second = InterviewFactory(loop=loop).scorecard
    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.PLANNED

    _submit(first)
    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.IN_PROGRESS

    _submit(second)
    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.COMPLETE


def test_a_focus_dimension_neither_scored_nor_not_assessed_blocks_submitting(scorecard):
    first, second, third = _dimensions(scorecard)
    data = ScorecardInput(
        ratings={first.pk: RatingInput(score=3), second.pk: RatingInput(evidence="Notes, no score.")},
        recommendation="yes",
    )

    error = _refused(lambda: _submit(scorecard, data), scorecard)

    assert set(_places(error)) == {("score", second.pk), ("score", third.pk)}
    assert f"{third.name}: score it or mark it “not assessed”." in _messages(error)


def test_a_dimension_outside_the_focus_may_stay_empty_on_submit():
    interview = InterviewFactory(focus=[])
    rubric_dimensions = list(interview.loop.rubric.dimensions.order_by("position"))
    interview.focus_dimensions.set(rubric_dimensions[:1])
    data = ScorecardInput(ratings={rubric_dimensions[0].pk: RatingInput(score=3)}, recommendation="yes")

    submitted = _submit(interview.scorecard, data)

    assert submitted.is_submitted


def test_not_assessed_counts_as_answered_on_submit(scorecard):
    first = _dimensions(scorecard)[0]

    submitted = _submit(scorecard, _complete(scorecard, ratings={first.pk: RatingInput(not_assessed=True)}))

    assert submitted.is_submitted
    assert Rating.objects.get(scorecard=scorecard, dimension=first).score is None


@pytest.mark.parametrize("score", [1, 5])
def test_a_score_at_an_end_of_a_1_to_5_scale_needs_evidence(scorecard, score):
    first = _dimensions(scorecard)[0]
    data = _complete(scorecard, ratings={first.pk: RatingInput(score=score, evidence="   ")})

    error = _refused(lambda: _submit(scorecard, data), scorecard)

    assert _places(error) == [("evidence", first.pk)]
    assert f"a score of {score} is at the end of the scale" in _messages(error)


@pytest.mark.parametrize("score", [2, 3, 4])
def test_a_middle_score_on_a_1_to_5_scale_needs_no_evidence(scorecard, score):
    data = _complete(scorecard, score=score, evidence="")

    assert _submit(scorecard, data).is_submitted


@pytest.mark.parametrize("score", [0, 4])
def test_a_score_at_an_end_of_a_0_to_4_scale_needs_evidence(scorecard_0_to_4, score):
    first = _dimensions(scorecard_0_to_4)[0]
    data = _complete(scorecard_0_to_4, ratings={first.pk: RatingInput(score=score)})

    error = _refused(lambda: _submit(scorecard_0_to_4, data), scorecard_0_to_4)

    assert f"a score of {score} is at the end of the scale" in _messages(error)


@pytest.mark.parametrize("score", [1, 2, 3])
def test_a_middle_score_on_a_0_to_4_scale_needs_no_evidence(scorecard_0_to_4, score):
    assert _submit(scorecard_0_to_4, _complete(scorecard_0_to_4, score=score, evidence="")).is_submitted


@pytest.mark.parametrize("score", [0, 4])
def test_a_score_at_an_end_of_a_0_to_4_scale_with_evidence_is_submitted(scorecard_0_to_4, score):
    submitted = _submit(scorecard_0_to_4, _complete(scorecard_0_to_4, score=score, evidence="What I saw."))

    assert set(submitted.ratings.values_list("score", flat=True)) == {score}


def test_a_red_flag_without_a_note_blocks_submitting(scorecard):
    red_flag = _signal(scorecard, "red_flag")

    error = _refused(lambda: _submit(scorecard, _complete(scorecard, signals={red_flag.pk: "  "})), scorecard)
    assert isinstance(error, InputRefused)

    assert error.problems == [Problem("signal_note", "Every red flag needs a note saying what you saw.", red_flag.pk)]


def test_a_red_flag_with_a_note_and_strong_or_weak_signals_without_notes_are_submitted(scorecard):
    signals = {
        _signal(scorecard, "red_flag").pk: "Could not say which parts were their own.",
        _signal(scorecard, "strong").pk: "",
        _signal(scorecard, "weak").pk: "",
    }

    submitted = _submit(scorecard, _complete(scorecard, signals=signals))

    assert dict(submitted.observed_signals.values_list("signal_id", "note")) == signals


def test_a_missing_recommendation_blocks_submitting(scorecard):
    error = _refused(lambda: _submit(scorecard, _complete(scorecard, recommendation="")), scorecard)
    assert isinstance(error, InputRefused)

    assert error.problems == [Problem("recommendation", "Give your overall recommendation.")]


def test_a_refused_submit_leaves_a_saved_draft_as_it_was(scorecard):
    first = _dimensions(scorecard)[0]
    _save(scorecard, ScorecardInput(ratings={first.pk: RatingInput(score=5, evidence="Draft text.")}))
    scorecard.refresh_from_db()
    before = _state(scorecard)

    with pytest.raises(ValidationError):
        _submit(scorecard, _complete(scorecard, ratings={first.pk: RatingInput(score=5)}))

    assert _state(scorecard) == before
    assert before["fields"][:2] == ("draft", 2)
    assert Rating.objects.get(scorecard=scorecard).evidence == "Draft text."


def test_submitting_twice_is_refused(scorecard):
    submitted = _submit(scorecard)

    error = _refused(lambda: _submit(submitted, _complete(submitted, score=4)), submitted)

    assert "already submitted" in _messages(error)


def test_submitting_on_a_decided_loop_is_refused(scorecard):
    Loop.objects.filter(pk=scorecard.interview.loop_id).update(status=Loop.Status.DECIDED)

    error = _refused(lambda: _submit(scorecard), scorecard)

    assert "already decided" in _messages(error)


# Conflicts --------------------------------------------------------------------------------------------------------


def test_a_second_save_from_the_same_revision_is_a_conflict_and_the_first_text_stays(scorecard):
    first = _dimensions(scorecard)[0]
    tab_1 = ScorecardInput(ratings={first.pk: RatingInput(evidence="Tab one text.")}, key_takeaways="Tab one.")
    tab_2 = ScorecardInput(ratings={first.pk: RatingInput(evidence="Tab two text.")}, key_takeaways="Tab two.")
    _save(scorecard, tab_1, revision=1)
    before = _state(scorecard)

    with pytest.raises(ScorecardConflict) as info:
        _save(scorecard, tab_2, revision=1)

    assert _state(scorecard) == before
    assert Rating.objects.get(scorecard=scorecard).evidence == "Tab one text."
    assert Scorecard.objects.get(pk=scorecard.pk).key_takeaways == "Tab one."
    assert info.value.scorecard.revision == 2
    assert "saved elsewhere" in str(info.value)
    assert "has not been saved yet" in str(info.value)


def test_submitting_from_a_stale_revision_is_a_conflict(scorecard):
    _save(scorecard, ScorecardInput(key_takeaways="Tab one."), revision=1)

    _refused(lambda: _submit(scorecard, _complete(scorecard), revision=1), scorecard, ScorecardConflict)


def test_saving_with_the_revision_the_conflict_reported_succeeds(scorecard):
    _save(scorecard, ScorecardInput(key_takeaways="Tab one."), revision=1)
    with pytest.raises(ScorecardConflict) as info:
        _save(scorecard, ScorecardInput(key_takeaways="Tab two."), revision=1)

    _save(scorecard, ScorecardInput(key_takeaways="Tab two."), revision=info.value.scorecard.revision)

    assert Scorecard.objects.get(pk=scorecard.pk).key_takeaways == "Tab two."


# Amendments -------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(scorecard) -> Scorecard:
    first = _dimensions(scorecard)[0]
    return _submit(
        scorecard,
        _complete(
            scorecard,
            ratings={first.pk: RatingInput(score=4, evidence="Original evidence.")},
            key_takeaways="Original takeaways.",
        ),
    )


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_amending_without_a_reason_is_refused(submitted, reason):
    first = _dimensions(submitted)[0]
    data = _complete(submitted, ratings={first.pk: RatingInput(score=4, evidence="Changed.")})

    error = _refused(lambda: _amend(submitted, data, reason), submitted)

    assert _places(error) == [("reason", None)]


def test_an_amendment_records_who_when_why_and_exactly_the_fields_that_changed(submitted):
    first = _dimensions(submitted)[0]
    data = _complete(
        submitted,
        ratings={first.pk: RatingInput(score=2, evidence="Corrected evidence.")},
        key_takeaways="Original takeaways.",
        recommendation="no",
    )
    before = timezone.now()

    amendment = _amend(submitted, data, "  Mixed up two candidates' notes.  ")

    amendment.refresh_from_db()
    assert amendment.by == submitted.interview.interviewer
    assert before <= amendment.at <= timezone.now()
    assert amendment.reason == "Mixed up two candidates' notes."
    assert amendment.after_decision is False
    assert sorted(amendment.changes, key=lambda c: c["field"]) == [
        {"field": f"{first.name}: evidence", "before": "Original evidence.", "after": "Corrected evidence."},
        {"field": f"{first.name}: score", "before": "4", "after": "2"},
        {"field": "Recommendation", "before": "Yes", "after": "No"},
    ]
    fresh = Scorecard.objects.get(pk=submitted.pk)
    assert (fresh.status, fresh.recommendation) == ("submitted", "no")
    assert Rating.objects.get(scorecard=fresh, dimension=first).evidence == "Corrected evidence."


def test_an_amendment_records_an_added_signal(submitted):
    red_flag = _signal(submitted, "red_flag")
    first = _dimensions(submitted)[0]
    data = _complete(
        submitted,
        ratings={first.pk: RatingInput(score=4, evidence="Original evidence.")},
        key_takeaways="Original takeaways.",
        signals={red_flag.pk: "Remembered later."},
    )

    amendment = _amend(submitted, data)

    assert amendment.changes == [{"field": f"Red flag: {red_flag.text}", "before": "", "after": "Remembered later."}]


def test_an_amendment_that_changes_nothing_is_refused(submitted):
    first = _dimensions(submitted)[0]
    same = _complete(
        submitted,
        ratings={first.pk: RatingInput(score=4, evidence="Original evidence.")},
        key_takeaways="Original takeaways.",
    )

    error = _refused(lambda: _amend(submitted, same), submitted)

    assert "Nothing changed" in _messages(error)


def test_an_amendment_must_still_pass_the_submit_rules(submitted):
    first = _dimensions(submitted)[0]
    data = _complete(submitted, ratings={first.pk: RatingInput(score=5, evidence="")})

    error = _refused(lambda: _amend(submitted, data), submitted)

    assert ("evidence", first.pk) in _places(error)


def test_an_amendment_on_a_decided_loop_is_marked_after_the_decision(submitted):
    Loop.objects.filter(pk=submitted.interview.loop_id).update(status=Loop.Status.DECIDED)
    submitted.refresh_from_db()
    submitted.interview.loop.refresh_from_db()

    amendment = _amend(submitted, _complete(submitted, key_takeaways="Added after the debrief."))

    assert amendment.after_decision is True
    assert Loop.objects.get(pk=submitted.interview.loop_id).status == Loop.Status.DECIDED


def test_amending_a_draft_is_refused(scorecard):
    error = _refused(
        lambda: scorecard_amend(
            scorecard=scorecard,
            by=scorecard.interview.interviewer,
            revision=1,
            data=_complete(scorecard),
            reason="Why not.",
        ),
        scorecard,
    )

    assert "Only a submitted scorecard is amended" in _messages(error)


def test_amending_someone_elses_scorecard_is_refused(submitted):
    _refused(
        lambda: _amend(submitted, _complete(submitted, score=2), by=submitted.interview.loop.hiring_manager),
        submitted,
        PermissionDenied,
    )


# Creating loops ---------------------------------------------------------------------------------------------------


def _create(
    *,
    by,
    hiring_manager,
    rubric: RubricVersion | None = None,
    name: str = "Ada Lovelace",
    plan: list[PlanRow] | None = None,
) -> Loop:
    return loop_create(
        candidate_name=name,
        candidate_email="ada@example.com",
        candidate_notes="",
        rubric=rubric or RubricVersionFactory(dimensions=3),
        hiring_manager=hiring_manager,
        by=by,
        plan=plan or [],
    )


@pytest.mark.parametrize(
    "who", [InterviewerFactory, HiringManagerFactory, UserFactory], ids=["interviewer", "hiring-manager", "no-group"]
)
def test_only_a_recruiter_creates_a_loop(who):
    rubric = RubricVersionFactory(dimensions=3)

    with pytest.raises(PermissionDenied):
        _create(by=who(), hiring_manager=HiringManagerFactory(), rubric=rubric)

    assert not Loop.objects.exists()
    assert not Candidate.objects.exists()
    assert RubricVersion.objects.get(pk=rubric.pk).locked_at is None


@pytest.mark.parametrize(
    "who", [InterviewerFactory, RecruiterFactory, UserFactory], ids=["interviewer", "recruiter", "no-group"]
)
def test_a_hiring_manager_outside_the_group_is_refused(who):
    rubric = RubricVersionFactory(dimensions=3)

    with pytest.raises(InputRefused) as info:
        _create(by=RecruiterFactory(), hiring_manager=who(), rubric=rubric)

    assert info.value.problems == [Problem("hiring_manager", "Choose someone in the Hiring managers group.")]
    assert not Loop.objects.exists()
    assert not Candidate.objects.exists()
    assert RubricVersion.objects.get(pk=rubric.pk).locked_at is None


def test_creating_a_loop_records_the_candidate_and_locks_the_rubric():
    recruiter, manager = RecruiterFactory(), HiringManagerFactory()
    rubric = RubricVersionFactory(dimensions=3)
    assert rubric.locked_at is None

    loop = _create(by=recruiter, hiring_manager=manager, rubric=rubric, name="  Ada Lovelace ")

    loop.refresh_from_db()
    assert (loop.recruiter, loop.hiring_manager, loop.rubric, loop.status) == (recruiter, manager, rubric, "planned")
    assert (loop.candidate.name, loop.candidate.email, loop.candidate.created_by) == (
        "Ada Lovelace",
        "ada@example.com",
        recruiter,
    )
    assert RubricVersion.objects.get(pk=rubric.pk).locked_at is not None


def test_staff_may_create_a_loop():
    loop = _create(by=UserFactory(is_staff=True), hiring_manager=HiringManagerFactory())

    assert Loop.objects.filter(pk=loop.pk).exists()


def _first_plan(rubric: RubricVersion, interviewer) -> list[PlanRow]:
    exercise = ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()[:2]))
    when = timezone.now() + dt.timedelta(days=2)
    return [
        PlanRow(exercise=exercise, interviewer=interviewer, scheduled_at=when, focus=list(exercise.dimensions.all()))
    ]


def test_a_loop_created_with_its_plan_has_its_interviews_and_draft_scorecards():
    rubric, interviewer = RubricVersionFactory(dimensions=3), InterviewerFactory()
    [row] = _first_plan(rubric, interviewer)

    loop = _create(by=RecruiterFactory(), hiring_manager=HiringManagerFactory(), rubric=rubric, plan=[row])

    [interview] = Interview.objects.filter(loop=loop)
    assert (interview.exercise, interview.interviewer, interview.scheduled_at) == (
        row.exercise,
        interviewer,
        row.scheduled_at,
    )
    assert interview.scorecard.status == "draft"


def test_a_loop_whose_first_plan_is_refused_is_not_created():
    rubric = RubricVersionFactory(dimensions=3)
    plan = _first_plan(rubric, UserFactory())  # not in the Interviewers group: cannot be planned

    with pytest.raises(ValidationError, match="cannot interview"):
        _create(by=RecruiterFactory(), hiring_manager=HiringManagerFactory(), rubric=rubric, plan=plan)

    assert not Candidate.objects.exists()
    assert not Loop.objects.exists()
    assert not Interview.objects.exists()
    assert RubricVersion.objects.get(pk=rubric.pk).locked_at is None


def test_a_blank_candidate_name_is_refused():
    with pytest.raises(ValidationError):
        _create(by=RecruiterFactory(), hiring_manager=HiringManagerFactory(), name="   ")

    assert not Candidate.objects.exists()
    assert not Loop.objects.exists()


# Planning loops ---------------------------------------------------------------------------------------------------


@pytest.fixture
def planned_loop() -> Loop:
    """A loop whose rubric has four dimensions and two exercises, together covering the first three."""
    loop = LoopFactory(rubric=RubricVersionFactory(dimensions=4, signals=True, locked_at=timezone.now()))
    dims = list(loop.rubric.dimensions.order_by("position"))
    ExerciseFactory(rubric=loop.rubric, dimensions=dims[:2])
    ExerciseFactory(rubric=loop.rubric, dimensions=dims[2:3])
    return loop


def _rows(loop: Loop, interviewer=None) -> list[PlanRow]:
    start = timezone.now() + dt.timedelta(days=2)
    return [
        PlanRow(
            exercise=exercise,
            interviewer=interviewer or InterviewerFactory(),
            scheduled_at=start + dt.timedelta(hours=index),
            focus=list(exercise.dimensions.all()),
        )
        for index, exercise in enumerate(loop.rubric.exercises.order_by("position"))
    ]


def test_saving_a_plan_creates_one_interview_and_draft_scorecard_per_row(planned_loop):
    rows = _rows(planned_loop)

    interviews = loop_plan_save(loop=planned_loop, rows=rows, by=planned_loop.recruiter)

    assert Interview.objects.filter(loop=planned_loop).count() == 2
    for row, interview in zip(rows, interviews, strict=True):
        interview.refresh_from_db()
        assert (interview.exercise, interview.interviewer, interview.scheduled_at) == (
            row.exercise,
            row.interviewer,
            row.scheduled_at,
        )
        assert set(interview.focus_dimensions.all()) == set(row.focus)
        assert (interview.scorecard.status, interview.scorecard.revision) == ("draft", 1)
    assert Loop.objects.get(pk=planned_loop.pk).status == Loop.Status.PLANNED


def test_uncovered_dimensions_lists_what_no_interview_focuses_on(planned_loop):
    dims = list(planned_loop.rubric.dimensions.order_by("position"))
    assert uncovered_dimensions(loop=planned_loop) == dims

    loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)

    assert uncovered_dimensions(loop=planned_loop) == dims[3:]


@dataclass(frozen=True)
class _FormRow:
    """A plan row as the form stands: included or not, with its ticked focus (posted values are strings)."""

    included: bool
    focus_values: set[str]


def test_uncovered_dimensions_of_a_plan_as_the_form_stands_count_only_the_included_rows(planned_loop):
    loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)  # saved: covers 3 of 4
    dims = list(planned_loop.rubric.dimensions.order_by("position"))
    form = [_FormRow(True, {str(dims[0].pk)}), _FormRow(False, {str(dims[1].pk), str(dims[3].pk)})]

    assert uncovered_dimensions(loop=planned_loop, plan=form) == dims[1:]
    assert uncovered_dimensions(loop=planned_loop, plan=[_FormRow(True, {str(d.pk) for d in dims})]) == []


def test_uncovered_dimensions_ignores_other_loops_on_the_same_rubric(planned_loop):
    other = LoopFactory(rubric=planned_loop.rubric)
    InterviewFactory(loop=other)  # focuses on every dimension, but of another loop

    assert len(uncovered_dimensions(loop=planned_loop)) == 4


def test_a_new_plan_proposes_each_exercise_with_who_ran_it_last_else_the_interviewers_in_turn(planned_loop):
    first, second = planned_loop.rubric.exercises.order_by("position")
    usual, other = InterviewerFactory(username="usual"), InterviewerFactory(username="zed")
    earlier = LoopFactory(rubric=planned_loop.rubric)
    InterviewFactory(loop=earlier, exercise=first, interviewer=usual)
    now = timezone.now()
    start = plan_default_start(now=now)

    proposal = plan_proposal(loop=planned_loop, now=now)

    assert [row.key for row in proposal.rows] == [f"exercise-{first.pk}", f"exercise-{second.pk}"]
    assert [row.interview for row in proposal.rows] == [None, None]
    assert [row.interviewer_id for row in proposal.rows] == [usual.pk, other.pk]  # the second: people[1], in turn
    assert [row.scheduled_at for row in proposal.rows] == [start, start + dt.timedelta(hours=1)]
    assert [set(row.focus) for row in proposal.rows] == [
        {d.pk for d in first.dimensions.all()},
        {d.pk for d in second.dimensions.all()},
    ]
    assert [row.include for row in proposal.rows] == [True, True]
    assert planned_loop.hiring_manager in proposal.interviewers  # may be chosen, is never proposed


def test_a_planned_interview_opens_as_it_was_saved_and_an_exercise_left_out_is_not_included(planned_loop):
    first, second = planned_loop.rubric.exercises.order_by("position")
    [row] = [r for r in _rows(planned_loop) if r.exercise == first]
    [interview] = loop_plan_save(loop=planned_loop, rows=[row], by=planned_loop.recruiter)

    proposal = plan_proposal(loop=planned_loop, now=timezone.now())

    planned, unplanned = proposal.rows
    assert (planned.key, planned.interview, planned.interviewer_id, planned.include) == (
        f"exercise-{first.pk}",
        interview,
        row.interviewer.pk,
        True,
    )
    assert planned.scheduled_at == row.scheduled_at
    assert (unplanned.key, unplanned.interview, unplanned.include) == (f"exercise-{second.pk}", None, False)


def test_a_plan_row_with_an_exercise_of_another_rubric_is_refused(planned_loop):
    foreign = ExerciseFactory()  # its own rubric
    rows = [
        *_rows(planned_loop),
        PlanRow(foreign, InterviewerFactory(), timezone.now(), list(foreign.rubric.dimensions.all())),
    ]

    with pytest.raises(ValidationError, match="another role's rubric"):
        loop_plan_save(loop=planned_loop, rows=rows, by=planned_loop.recruiter)

    assert not Interview.objects.exists()
    assert not Scorecard.objects.exists()


def test_a_plan_row_focusing_on_a_dimension_of_another_rubric_is_refused(planned_loop):
    row = _rows(planned_loop)[0]
    rows = [PlanRow(row.exercise, row.interviewer, row.scheduled_at, [*row.focus, DimensionFactory()])]

    with pytest.raises(ValidationError):
        loop_plan_save(loop=planned_loop, rows=rows, by=planned_loop.recruiter)

    assert not Interview.objects.exists()


def test_a_plan_row_without_focus_is_refused(planned_loop):
    row = _rows(planned_loop)[0]

    with pytest.raises(ValidationError, match="at least one focus dimension"):
        loop_plan_save(
            loop=planned_loop,
            rows=[PlanRow(row.exercise, row.interviewer, row.scheduled_at, [])],
            by=planned_loop.recruiter,
        )

    assert not Interview.objects.exists()


@pytest.mark.parametrize("who", ["hiring_manager", "other_recruiter", "interviewer"])
def test_only_the_loops_recruiter_plans_it(planned_loop, who):
    user = {
        "hiring_manager": planned_loop.hiring_manager,
        "other_recruiter": RecruiterFactory(),
        "interviewer": InterviewerFactory(),
    }[who]

    with pytest.raises(PermissionDenied):
        loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=user)

    assert not Interview.objects.exists()


def test_the_interviewer_of_an_untouched_interview_can_change(planned_loop):
    [interview, _] = loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)
    newcomer = InterviewerFactory()
    row = _rows(planned_loop)[0]

    loop_plan_save(
        loop=planned_loop,
        rows=[PlanRow(row.exercise, newcomer, row.scheduled_at, row.focus, interview=interview)],
        by=planned_loop.recruiter,
    )

    assert Interview.objects.get(pk=interview.pk).interviewer == newcomer
    assert Interview.objects.filter(loop=planned_loop).count() == 2


def test_the_interviewer_of_an_interview_with_a_saved_draft_cannot_change(planned_loop):
    [interview, _] = loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)
    owner = interview.interviewer
    _save(interview.scorecard, ScorecardInput(key_takeaways="My notes."))
    interview = Interview.objects.get(pk=interview.pk)
    row = _rows(planned_loop)[0]

    with pytest.raises(ValidationError, match="its interviewer cannot change"):
        loop_plan_save(
            loop=planned_loop,
            rows=[PlanRow(row.exercise, InterviewerFactory(), row.scheduled_at, row.focus, interview=interview)],
            by=planned_loop.recruiter,
        )

    interview.refresh_from_db()
    assert interview.interviewer == owner
    assert interview.scorecard.key_takeaways == "My notes."


def test_an_interview_with_a_saved_draft_cannot_be_removed(planned_loop):
    [interview, _] = loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)
    _save(interview.scorecard, ScorecardInput(key_takeaways="My notes."))

    with pytest.raises(ValidationError, match="cannot be removed"):
        loop_plan_save(loop=planned_loop, rows=[], removed=[interview], by=planned_loop.recruiter)

    assert Interview.objects.filter(pk=interview.pk).exists()


def test_an_untouched_interview_can_be_removed(planned_loop):
    [interview, _] = loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)

    loop_plan_save(loop=planned_loop, rows=[], removed=[interview], by=planned_loop.recruiter)

    assert not Interview.objects.filter(pk=interview.pk).exists()
    assert Interview.objects.filter(loop=planned_loop).count() == 1


def test_a_decided_loop_cannot_be_replanned(planned_loop):
    Loop.objects.filter(pk=planned_loop.pk).update(status=Loop.Status.DECIDED)
    planned_loop.refresh_from_db()

    with pytest.raises(ValidationError, match="decided"):
        loop_plan_save(loop=planned_loop, rows=_rows(planned_loop), by=planned_loop.recruiter)

    assert not Interview.objects.exists()


# Stored spreads (read by the debrief's unusual-disagreement note) ---------------------------------------------------


def _spreads(loop: Loop) -> dict[str, float]:
    return dict(DimensionSpread.objects.filter(loop=loop).values_list("dimension_slug", "spread"))


def _panel(loop: Loop, *score_lists: list[int | None]) -> list[Scorecard]:
    """Submit one scorecard per list, scoring the rubric's dimensions in order (None: not assessed)."""
    cards = [InterviewFactory(loop=loop).scorecard for _ in score_lists]
    for card, scores in zip(cards, score_lists, strict=True):
        ratings = {
            d.pk: RatingInput(evidence="Seen.", not_assessed=True)
            if s is None
            else RatingInput(score=s, evidence="Seen.")
            for d, s in zip(_dimensions(card), scores, strict=True)
        }
        _submit(card, ScorecardInput(ratings=ratings, recommendation="yes"))
    return cards


def test_a_loop_stores_each_dimensions_normalised_spread_when_its_last_scorecard_is_in():
    loop = _loop_0_to_4()
    first, second, third = loop.rubric.dimensions.order_by("position")
    card = InterviewFactory(loop=loop).scorecard
    _panel(loop, [0, 2, 4])
    assert _spreads(loop) == {}  # one scorecard is still a draft

    _submit(card, _complete(card, score=2))

    assert _spreads(loop) == {first.slug: 0.5, second.slug: 0.0, third.slug: 0.5}


def test_a_dimension_with_fewer_than_two_scores_stores_no_spread():
    loop = LoopFactory()
    first, _, third = loop.rubric.dimensions.order_by("position")
    _panel(loop, [1, None, 3], [5, None, 3])

    assert _spreads(loop) == {first.slug: 1.0, third.slug: 0.0}


def test_amending_a_score_after_the_decision_updates_the_stored_spread():
    loop = LoopFactory()
    first = loop.rubric.dimensions.order_by("position").first()
    assert first is not None
    card, _ = _panel(loop, [3, 3, 3], [3, 3, 3])
    # 3 of 1–5 everywhere: normalised 0.5 < 0.65, the rule says no hire
    loop_decide(
        loop=loop, by=loop.hiring_manager, outcome="hire", rationale="Consistent panel.", override_reason="Seen more."
    )
    assert _spreads(loop)[first.slug] == 0.0

    _amend(card, _complete(card, ratings={first.pk: RatingInput(score=5, evidence="Rewatched the recording.")}))

    assert _spreads(loop)[first.slug] == 0.5


def test_a_loop_decided_with_a_scorecard_pending_stores_the_submitted_spreads():
    loop = LoopFactory()
    first = loop.rubric.dimensions.order_by("position").first()
    assert first is not None
    InterviewFactory(loop=loop)
    _panel(loop, [2, 3, 3], [4, 3, 3])
    assert _spreads(loop) == {}

    loop_decide(loop=loop, by=loop.hiring_manager, outcome="hold", rationale="Waiting for one more.")

    assert _spreads(loop)[first.slug] == 0.5


def test_adding_an_interview_to_a_complete_loop_drops_its_spreads():
    loop = LoopFactory()
    cards = _panel(loop, [2, 3, 3], [4, 3, 3])
    assert _spreads(loop)
    keep = [
        PlanRow(
            c.interview.exercise,
            c.interview.interviewer,
            c.interview.scheduled_at,
            _dimensions(c),
            interview=c.interview,
        )
        for c in cards
    ]
    extra = PlanRow(cards[0].interview.exercise, InterviewerFactory(), timezone.now(), _dimensions(cards[0]))

    loop_plan_save(loop=loop, rows=[*keep, extra], by=loop.recruiter)

    assert Loop.objects.get(pk=loop.pk).status == Loop.Status.IN_PROGRESS
    assert _spreads(loop) == {}
